//! I-FORWARD-TSN at the sender (RFC 8260 §2.3): with I-DATA in force, abandoned messages are
//! skipped by (stream, U, MID) instead of FORWARD TSN's (stream, SSN).

use usctp_wire::chunk::{IForwardTsn, IForwardTsnStream};
use usctp_wire::{Mid, Tsn};

use super::sender::Sender;

/// Entries in one I-FORWARD-TSN, at most (8 bytes each; the rest waits for the next one).
const MAX_I_FORWARD_STREAMS: usize = 256;

impl Sender {
    /// The I-FORWARD-TSN to send, if the Advanced.Peer.Ack.Point is past the peer's
    /// cumulative ack (RFC 3758 §3.5 C1-C4, RFC 8260 §2.3.1): it moves over every abandoned
    /// chunk after the cumulative ack and names, per stream and U flag, the highest MID
    /// abandoned.
    pub(crate) fn i_forward_tsn(&mut self) -> Option<IForwardTsn> {
        self.forward_due = false;
        let cum = self.out.cum_ack();
        let base = self.out.base();
        let mut streams: Vec<IForwardTsnStream> = Vec::new();
        let mut adv = cum;
        for idx in 0..self.out.len() {
            let Some(e) = self.out.get(idx).filter(|e| e.abandoned()) else {
                break;
            };
            let (stream, unordered) = (e.data.stream, e.data.unordered);
            let found = streams
                .iter()
                .position(|s| s.stream == stream && s.unordered == unordered);
            match found {
                // One message at a time per stream: TSN order is MID order within a stream.
                Some(i) => {
                    if let Some(s) = streams.get_mut(i) {
                        s.mid = Mid(e.mid);
                    }
                }
                None if streams.len() == MAX_I_FORWARD_STREAMS => break,
                None => streams.push(IForwardTsnStream {
                    stream,
                    unordered,
                    mid: Mid(e.mid),
                }),
            }
            adv = base + idx as u64;
        }
        (adv > cum).then_some(IForwardTsn {
            new_cum_tsn: Tsn(adv as u32),
            streams,
        })
    }
}
