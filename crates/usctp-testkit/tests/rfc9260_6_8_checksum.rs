//! RFC 9260 §6.8 and Appendix A: CRC32c known answers, the byte order of the checksum field,
//! and nplab's checksum tests (only a correct CRC32c is ever answered).
#![allow(clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::tester::*;
use common::wire::PEER;
use usctp_wire::chunk::{Chunk, ShutdownAck};
use usctp_wire::crc::crc32c;

#[test]
fn crc32c_known_answers() {
    let asc: Vec<u8> = (0..32).collect();
    let desc: Vec<u8> = (0..32).rev().collect();
    let iscsi: Vec<u8> = [
        &[0x01, 0xc0, 0, 0][..],
        &[0; 12],
        &[0x14, 0, 0, 0],
        &[0, 0, 0x04, 0],
        &[0, 0, 0, 0x14],
        &[0, 0, 0, 0x18],
        &[0x28, 0, 0, 0],
        &[0, 0, 0, 0],
        &[0x02, 0, 0, 0],
        &[0, 0, 0, 0],
    ]
    .concat();
    let cases: [(&[u8], u32); 8] = [
        (&[0; 32], 0x8A91_36AA),
        (&[0xff; 32], 0x62A8_AB43),
        (&asc, 0x46DD_794E),
        (&desc, 0x113F_DB5C),
        (&iscsi, 0xD996_3A56),
        (b"123456789", 0xE306_9283),
        (b"", 0),
        (b"a", 0xC1D0_4330),
    ];
    for (input, want) in cases {
        assert_eq!(crc32c(input), want, "{input:02x?}");
    }
}

#[test]
fn checksum_field_is_least_significant_byte_first() {
    // Ports 5000 -> 5000, tag 0, no chunks.
    let mut p = vec![0x13, 0x88, 0x13, 0x88, 0, 0, 0, 0, 0, 0, 0, 0];
    usctp_wire::crc::write_checksum(&mut p);
    assert_eq!(p[8..12], [0x06, 0xa9, 0x00, 0xe1]);
}

/// The same packet with a correct CRC32c, an Adler-32, zero and a wrong value: only the
/// first is answered (RFC 9260 §6.8; zero checksums need RFC 9653, not negotiated here).
fn only_crc32c_answered(vtag: u32, chunk: Chunk) {
    let good = raw_packet(vtag, &chunk_bytes(&chunk)).to_vec();
    let mut zeroed = good.clone();
    zeroed[8..12].fill(0);
    let adler = adler32(&zeroed);
    let mut variants = vec![];
    for field in [adler.to_be_bytes(), [0; 4], [0xde, 0xad, 0xbe, 0xef]] {
        let mut p = zeroed.clone();
        p[8..12].copy_from_slice(&field);
        variants.push(p);
    }
    for bad in variants {
        let mut t = Tester::listen(quiet());
        assert!(t.send_bytes(PEER, Bytes::from(bad)).is_empty());
        assert_eq!(t.ep.stats().malformed, 1);
    }
    let mut t = Tester::listen(quiet());
    assert_eq!(t.send_bytes(PEER, Bytes::from(good)).len(), 1);
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    b << 16 | a
}

#[test]
fn nplab_checksum_ootb_shutdown_ack() {
    only_crc32c_answered(0x77, Chunk::ShutdownAck(ShutdownAck));
}

#[test]
fn nplab_checksum_init() {
    only_crc32c_answered(0, init_chunk(TAG, 10, 10));
}
