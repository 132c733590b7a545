//! RFC 9260 §3.3.10.5 on the wire: the ABORT that refuses an INIT carrying a Host Name
//! Address holds an Unresolvable Address cause with the whole parameter, and tshark dissects
//! it without a malformed-packet or error-level expert report (it flagged the old, empty
//! cause as malformed).
#![allow(clippy::unwrap_used)]

mod common;

use common::tester::*;
use common::tshark;
use usctp_wire::chunk::Chunk;
use usctp_wire::param::HostNameAddress;

#[test]
fn rfc9260_3_3_10_5_abort_with_unresolvable_address_dissects_cleanly() {
    if !tshark::available() {
        return;
    }
    let mut t = Tester::listen(quiet());
    let host = HostNameAddress {
        raw: bytes::Bytes::from_static(b"peer.example.org\0"),
    };
    let out = t.send_tag(0, vec![init_with(vec![host.into()])]);
    let abort = out
        .iter()
        .find(|p| matches!(p.chunks.first(), Some(Chunk::Abort(_))))
        .expect("ABORT");
    let fields = ["sctp.chunk_type", "sctp.cause_code"];
    let text = tshark::fields(&abort.to_vec(), "unresolvable", &fields);
    let f = tshark::assert_clean(&text);
    let f: Vec<_> = f.iter().map(|f| tshark::numbers(f)).collect();
    assert_eq!(f, [[6], [5]], "{text}");
}
