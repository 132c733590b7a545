//! The codec's invariants on arbitrary input, shared by the fuzz target (`fuzz/`) and the
//! corpus replay test (`tests/fuzz_corpus.rs`). Not part of the stable API.
//!
//! Only the generic API is used here (packets, chunks, options, checksums), so the checks cover
//! every chunk type the codec knows without naming any of them.

use bytes::Bytes;

use crate::chunk::Chunk;
use crate::{crc, ChecksumCheck, CommonHeader, Packet, ParseError, ParseOptions};

/// Run every codec property on `data`; panics on a violation, returns normally otherwise.
///
/// - Parsing never panics, with any checksum policy; an error's offset lies within the packet.
/// - The checksum policy only gates: where `Verify` succeeds, `Skip` gives the same packet.
/// - The lazy [`Packet::chunks`] iterator agrees with [`Packet::parse`], item for item and
///   error for error, and stops after an error.
/// - Whatever parses writes back in `encoded_len()` bytes and re-parses with `Verify` to an
///   equal packet, which writes the same bytes again.
/// - Each parsed chunk writes `padded_len()` bytes and re-parses alone to itself.
/// - [`Chunk::parse_one`] on the bytes after the header never panics, and agrees with the packet
///   parse when that found exactly one chunk.
/// - `Display` never panics.
pub fn check_packet(data: &[u8]) {
    let bytes = Bytes::copy_from_slice(data);
    let skipped = parse_consistent(&bytes, ChecksumCheck::Skip);
    let verified = parse_consistent(&bytes, ChecksumCheck::Verify);
    let zero_ok = parse_consistent(&bytes, ChecksumCheck::AllowZero);
    if let Ok(v) = &verified {
        assert_eq!(Ok(v), skipped.as_ref(), "Verify accepted, Skip differs");
        assert_eq!(
            Ok(v),
            zero_ok.as_ref(),
            "Verify accepted, AllowZero differs"
        );
    }
    if let Ok(p) = &skipped {
        check_round_trip(p);
    }
    check_parse_one(&bytes, skipped.as_ref().ok());
}

fn opts(checksum: ChecksumCheck) -> ParseOptions {
    ParseOptions { checksum }
}

/// `Packet::parse`, checked against the lazy iterator and the error offset bound.
fn parse_consistent(bytes: &Bytes, check: ChecksumCheck) -> Result<Packet, ParseError> {
    let parsed = Packet::parse(bytes, opts(check));
    let lazy = collect_lazy(bytes, check);
    assert_eq!(parsed, lazy, "Packet::parse and Packet::chunks disagree");
    if let Err(e) = &parsed {
        assert!(
            e.offset <= bytes.len(),
            "error offset {} beyond packet of {} bytes: {e}",
            e.offset,
            bytes.len()
        );
    }
    parsed
}

/// Drive `Packet::chunks` by hand: offsets only grow, and nothing follows an error.
fn collect_lazy(bytes: &Bytes, check: ChecksumCheck) -> Result<Packet, ParseError> {
    let (header, mut iter) = Packet::chunks(bytes, opts(check))?;
    let mut chunks = Vec::new();
    let mut offset = iter.offset();
    assert_eq!(
        offset,
        CommonHeader::LEN,
        "iterator starts after the header"
    );
    while let Some(item) = iter.next() {
        assert!(iter.offset() >= offset, "chunk iterator went backwards");
        assert!(iter.offset() <= bytes.len(), "chunk iterator past the end");
        offset = iter.offset();
        match item {
            Ok(c) => chunks.push(c),
            Err(e) => {
                assert!(iter.next().is_none(), "chunk iterator went on after {e}");
                return Err(e);
            }
        }
    }
    Ok(Packet { header, chunks })
}

/// Write, re-parse with `Verify`, compare; then the same per chunk.
fn check_round_trip(p: &Packet) {
    let _ = p.to_string();
    let written = p.to_vec();
    assert_eq!(written.len(), p.encoded_len(), "written length of {p}");
    let again = Bytes::from(written.clone());
    match Packet::parse(&again, opts(ChecksumCheck::Verify)) {
        Ok(q) => {
            assert_eq!(&q, p, "re-parse differs");
            assert_eq!(q.to_vec(), written, "second write differs");
        }
        Err(e) => panic!("written packet does not re-parse: {e}\n{p}\n{p:?}"),
    }
    let mut offset = CommonHeader::LEN;
    for c in &p.chunks {
        let v = c.to_vec();
        assert_eq!(v.len(), c.padded_len(), "written length of chunk {c}");
        assert!(
            c.encoded_len() <= v.len(),
            "chunk length field beyond its bytes: {c}"
        );
        assert_eq!(
            Chunk::parse_one(Bytes::from(v), offset).as_ref(),
            Ok(c),
            "chunk alone re-parses differently"
        );
        offset += c.padded_len();
    }
    let mut with_zero = written;
    with_zero[crc::CHECKSUM_OFFSET..CommonHeader::LEN].fill(0);
    let z = Packet::parse(&Bytes::from(with_zero), opts(ChecksumCheck::AllowZero));
    assert_eq!(z.as_ref(), Ok(p), "zero checksum not accepted by AllowZero");
}

/// `Chunk::parse_one` on everything after the header: no panic, and when the packet holds
/// exactly one chunk (so nothing trails it) the same chunk.
fn check_parse_one(bytes: &Bytes, packet: Option<&Packet>) {
    if bytes.len() < CommonHeader::LEN {
        return;
    }
    let one = Chunk::parse_one(bytes.slice(CommonHeader::LEN..), CommonHeader::LEN);
    if let Ok(c) = &one {
        let _ = c.to_string();
    }
    if let Some(p) = packet {
        match p.chunks.as_slice() {
            [c] => assert_eq!(one.as_ref(), Ok(c), "parse_one disagrees with the packet"),
            _ => assert!(one.is_err(), "parse_one accepted {} chunks", p.chunks.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_empty_inputs_pass() {
        check_packet(&[]);
        check_packet(&[0; 11]);
        check_packet(&[0; 12]);
        check_packet(&[0; 16]);
    }

    #[test]
    fn cookie_ack_packet_passes() {
        let p = Packet {
            header: CommonHeader::default(),
            chunks: vec![Chunk::CookieAck(crate::chunk::CookieAck)],
        };
        check_packet(&p.to_vec());
    }
}
