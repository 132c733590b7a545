//! A window on the association's internals for the test kit's fuzz harnesses and invariant
//! checks, behind the `internals` feature: not part of the API, and free to change.

use usctp_wire::Tsn;

use crate::Association;

/// The send side's TSN window: (cumulative TSN ack point, next TSN to assign).
pub fn tsn_window(a: &Association) -> (Tsn, Tsn) {
    let tx = a.sender();
    (tx.cum_ack(), tx.next_tsn())
}
