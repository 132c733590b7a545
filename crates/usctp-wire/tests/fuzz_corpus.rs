//! The `packet` fuzz target's seeds: written by hand here, checked to be current and valid
//! (the replay of all corpora through the harnesses is crates/usctp-testkit/tests/fuzz_corpus.rs).
//!
//! Regenerate the seeds with
//! `cargo test -p usctp-wire --test fuzz_corpus -- --ignored write_seed_corpus`.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use usctp_wire::chunk::{Chunk, CookieAck, Data, UnknownChunk};
use usctp_wire::fuzzing::check_packet;
use usctp_wire::{
    crc, ChecksumCheck, CommonHeader, Packet, ParseOptions, Ppid, Ssn, StreamId, Tsn,
    VerificationTag,
};

fn fuzz_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(sub)
        .join("packet")
}

// ---- seed generation -------------------------------------------------------------------------

const HEADER: CommonHeader = CommonHeader {
    src_port: 5000,
    dst_port: 5001,
    vtag: VerificationTag(0x1a2b_3c4d),
};

/// A TLV (chunk or parameter or cause): type word, length, value, zero padding.
fn tlv(word: u16, value: &[u8]) -> Vec<u8> {
    let len = u16::try_from(4 + value.len()).unwrap_or(u16::MAX);
    let mut v = [word.to_be_bytes(), len.to_be_bytes()].concat();
    v.extend_from_slice(value);
    v.resize(v.len().next_multiple_of(4), 0);
    v
}

fn chunk(chunk_type: u8, flags: u8, value: &[u8]) -> Vec<u8> {
    tlv(u16::from_be_bytes([chunk_type, flags]), value)
}

/// A packet with a valid checksum from raw chunk bytes.
fn raw_packet(vtag: u32, chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut p = Vec::new();
    HEADER.write(&mut p);
    p[4..8].copy_from_slice(&vtag.to_be_bytes());
    p.extend(chunks.concat());
    crc::write_checksum(&mut p);
    p
}

fn be32(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

fn be16(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

fn data(tsn: u32, flags: [bool; 4], payload: &'static [u8]) -> Chunk {
    let [unordered, beginning, ending, immediate] = flags;
    Chunk::Data(Data {
        tsn: Tsn(tsn),
        stream: StreamId(1),
        ssn: Ssn(4),
        ppid: Ppid(51),
        unordered,
        beginning,
        ending,
        immediate,
        payload: Bytes::from_static(payload),
    })
}

fn typed(chunks: Vec<Chunk>) -> Vec<u8> {
    Packet {
        header: HEADER,
        chunks,
    }
    .to_vec()
}

type Seed = (&'static str, Vec<u8>);

const WHOLE: [bool; 4] = [true, true, true, false];

/// Packets built with the typed API: DATA, COOKIE ACK and unknown chunk types.
fn typed_seeds() -> Vec<Seed> {
    let unknown = [(0x3f, 0), (0x7f, 1), (0xbf, 0xff), (0xf7, 5)].map(|(chunk_type, flags)| {
        Chunk::Unknown(UnknownChunk {
            chunk_type,
            flags,
            value: Bytes::from_static(&[1, 2, 3]),
        })
    });
    let mut zero_checksum = typed(vec![data(13, WHOLE, b"no crc")]);
    zero_checksum[8..12].fill(0);
    vec![
        ("header_only", raw_packet(0, &[])),
        ("data_whole", typed(vec![data(1, WHOLE, b"hello, world")])),
        (
            "data_first",
            typed(vec![data(2, [false, true, false, false], b"ab")]),
        ),
        (
            "data_middle_unordered",
            typed(vec![data(3, [true, false, false, false], b"c")]),
        ),
        (
            "data_last_immediate",
            typed(vec![data(4, [false, false, true, true], b"defg")]),
        ),
        ("data_empty_payload", typed(vec![data(5, WHOLE, b"")])),
        (
            "data_bundle",
            typed(vec![
                data(6, WHOLE, b"x"),
                data(7, WHOLE, b"yz"),
                data(8, WHOLE, b"abc"),
            ]),
        ),
        ("cookie_ack", typed(vec![Chunk::CookieAck(CookieAck)])),
        (
            "cookie_ack_data",
            typed(vec![Chunk::CookieAck(CookieAck), data(9, WHOLE, b"after")]),
        ),
        ("unknown_types", typed(unknown.to_vec())),
        ("zero_checksum", zero_checksum),
    ]
}

/// INIT and INIT ACK share the fixed part: tag, a_rwnd, streams, initial TSN (RFC 9260 §3.3.2).
fn init_fixed(tag: u32, tsn: u32) -> Vec<u8> {
    [be32(&[tag, 65_536]), be16(&[10, 65_535]), be32(&[tsn])].concat()
}

fn ipv4(last: u8) -> Vec<u8> {
    tlv(5, &[192, 0, 2, last])
}

/// Raw INIT, INIT ACK and COOKIE ECHO (RFC 9260 §3.3.2, §3.3.3, §3.3.11).
fn handshake_seeds() -> Vec<Seed> {
    let ipv6 = tlv(
        6,
        &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    );
    let params = [
        ipv4(1),
        ipv6,
        tlv(9, &be32(&[60_000])),         // Cookie Preservative
        tlv(12, &be16(&[5, 6])),          // Supported Address Types
        tlv(0x8000, &[]),                 // ECN Capable
        tlv(0xc000, &[]),                 // Forward-TSN-Supported
        tlv(0x8008, &[0xc0, 0x82, 0x40]), // Supported Extensions
        tlv(0x8002, &[0x1f; 32]),         // Random (RFC 4895)
        tlv(0x8004, &be16(&[1, 3])),      // HMAC Algorithm
        tlv(0x8003, &[0, 0x40]),          // Chunk List
        tlv(0x8001, &be32(&[1])),         // Zero Checksum Acceptable (RFC 9653)
        tlv(0x7fff, &[9, 9, 9]),          // unknown, stop and report
    ]
    .concat();
    let init = [init_fixed(0x1a2b_3c4d, 100), params.clone()].concat();
    let cookie = tlv(7, &[0xc0; 24]);
    let unrecognized = tlv(8, &tlv(0xbfff, &[1]));
    let init_ack = [init_fixed(0x99, 5000), cookie, params, unrecognized].concat();
    let early_data = data(1, WHOLE, b"early").to_vec();
    vec![
        ("init", raw_packet(0, &[chunk(1, 0, &init)])),
        (
            "init_minimal",
            raw_packet(0, &[chunk(1, 0, &init_fixed(7, 0))]),
        ),
        ("init_ack", raw_packet(0x55, &[chunk(2, 0, &init_ack)])),
        (
            "cookie_echo_data",
            raw_packet(0x55, &[chunk(10, 0, &[0xc0; 28]), early_data]),
        ),
    ]
}

/// Every error cause of RFC 9260 §3.3.10, plus an unknown one.
fn all_causes() -> Vec<u8> {
    [
        tlv(1, &be16(&[7, 0])),                     // Invalid Stream Identifier
        tlv(2, &[be32(&[1]), be16(&[5])].concat()), // Missing Mandatory Parameter
        tlv(3, &be32(&[150_000])),                  // Stale Cookie
        tlv(4, &[]),                                // Out of Resource
        tlv(5, &ipv4(1)),                           // Unresolvable Address
        tlv(6, &chunk(0x3f, 0, &[1])),              // Unrecognized Chunk Type
        tlv(7, &[]),                                // Invalid Mandatory Parameter
        tlv(8, &tlv(0x7fff, &[1])),                 // Unrecognized Parameters
        tlv(9, &be32(&[42])),                       // No User Data
        tlv(10, &[]),                               // Cookie Received While Shutting Down
        tlv(11, &ipv4(1)),                          // Restart with New Addresses
        tlv(12, b"bye"),                            // User-Initiated Abort
        tlv(13, b"bad tsn"),                        // Protocol Violation
        tlv(0xffff, &[1, 2]),                       // unknown
    ]
    .concat()
}

/// Raw control chunks of RFC 9260 §3.3.4 to §3.3.13 and Appendix A.
fn control_seeds() -> Vec<Seed> {
    let sack = [be32(&[100, 60_000]), be16(&[2, 1, 2, 3, 5, 8]), be32(&[97])].concat();
    let sack_empty = [be32(&[u32::MAX, 0]), be16(&[0, 0])].concat();
    let info = tlv(1, b"hb-info-opaque-sender-data");
    vec![
        ("sack", raw_packet(0x55, &[chunk(3, 0, &sack)])),
        (
            "sack_no_gaps",
            raw_packet(0x55, &[chunk(3, 0, &sack_empty)]),
        ),
        ("heartbeat", raw_packet(0x55, &[chunk(4, 0, &info)])),
        ("heartbeat_ack", raw_packet(0x55, &[chunk(5, 0, &info)])),
        (
            "abort_user",
            raw_packet(0x55, &[chunk(6, 0, &tlv(12, b"user abort"))]),
        ),
        ("abort_t_bit", raw_packet(0x55, &[chunk(6, 1, &[])])),
        (
            "shutdown",
            raw_packet(0x55, &[chunk(7, 0, &be32(&[12_345]))]),
        ),
        ("shutdown_ack", raw_packet(0x55, &[chunk(8, 0, &[])])),
        (
            "error_causes",
            raw_packet(0x55, &[chunk(9, 0, &all_causes())]),
        ),
        (
            "ecne_cwr",
            raw_packet(
                0x55,
                &[chunk(12, 0, &be32(&[77])), chunk(13, 0, &be32(&[77]))],
            ),
        ),
        ("shutdown_complete", raw_packet(0x55, &[chunk(14, 1, &[])])),
    ]
}

/// Raw chunks of the extensions: RFC 4895, 8260, 5061, 6525, 4820, 3758.
fn extension_seeds() -> Vec<Seed> {
    let auth = [be16(&[0, 1]), vec![0xaa; 20]].concat();
    let signed = data(10, WHOLE, b"signed").to_vec();
    let i_data = [
        be32(&[11]),
        be16(&[2, 0]),
        be32(&[3, 51]),
        b"idata".to_vec(),
    ]
    .concat();
    let asconf = [
        be32(&[1]),
        ipv4(1),
        tlv(0xc001, &[be32(&[1]), ipv4(2)].concat()), // Add IP Address
        tlv(0xc002, &[be32(&[2]), ipv4(3)].concat()), // Delete IP Address
        tlv(0xc004, &[be32(&[3]), ipv4(1)].concat()), // Set Primary Address
    ]
    .concat();
    let refused = tlv(0x00a4, &tlv(0xc001, &[be32(&[2]), ipv4(2)].concat()));
    let asconf_ack = [
        be32(&[1]),
        tlv(0xc005, &be32(&[1])),                     // Success Indication
        tlv(0xc003, &[be32(&[2]), refused].concat()), // Error Cause Indication
    ]
    .concat();
    let reset_out_in = [
        tlv(13, &[be32(&[1, 0, 99]), be16(&[1, 2])].concat()), // Outgoing SSN Reset
        tlv(14, &[be32(&[2]), be16(&[3])].concat()),           // Incoming SSN Reset
    ]
    .concat();
    let add_streams = [
        tlv(17, &[be32(&[4]), be16(&[5, 0])].concat()), // Add Outgoing Streams
        tlv(18, &[be32(&[5]), be16(&[2, 0])].concat()), // Add Incoming Streams
    ]
    .concat();
    let re_config = [
        chunk(0x82, 0, &reset_out_in),
        chunk(0x82, 0, &tlv(15, &be32(&[3]))), // SSN/TSN Reset
        chunk(0x82, 0, &add_streams),
    ];
    let response = tlv(16, &be32(&[1, 1, 1000, 2000]));
    let fwd = [be32(&[200]), be16(&[1, 4, 2, 9])].concat();
    let i_fwd = [be32(&[200]), be16(&[1, 1]), be32(&[9])].concat();
    let padded = data(12, WHOLE, b"padded").to_vec();
    vec![
        (
            "auth_data",
            raw_packet(0x55, &[chunk(15, 0, &auth), signed]),
        ),
        ("i_data", raw_packet(0x55, &[chunk(64, 0x03, &i_data)])),
        ("asconf", raw_packet(0x55, &[chunk(0xc1, 0, &asconf)])),
        (
            "asconf_ack",
            raw_packet(0x55, &[chunk(0x80, 0, &asconf_ack)]),
        ),
        ("re_config_requests", raw_packet(0x55, &re_config)),
        (
            "re_config_response",
            raw_packet(0x55, &[chunk(0x82, 0, &response)]),
        ),
        ("pad", raw_packet(0x55, &[chunk(0x84, 0, &[0; 13]), padded])),
        ("forward_tsn", raw_packet(0x55, &[chunk(0xc0, 0, &fwd)])),
        ("i_forward_tsn", raw_packet(0x55, &[chunk(0xc2, 0, &i_fwd)])),
    ]
}

fn seeds() -> Vec<Seed> {
    [
        typed_seeds(),
        handshake_seeds(),
        control_seeds(),
        extension_seeds(),
    ]
    .concat()
}

/// The committed seeds are what the generator writes, and every seed is a valid packet: a
/// check of these hand-written layouts against the typed decoders as they land.
#[test]
fn seeds_are_current_and_valid() {
    for (name, bytes) in seeds() {
        let check = match name {
            "zero_checksum" => ChecksumCheck::AllowZero,
            _ => ChecksumCheck::Verify,
        };
        let parsed = Packet::parse(
            &Bytes::from(bytes.clone()),
            ParseOptions { checksum: check },
        );
        assert!(parsed.is_ok(), "seed {name}: {parsed:?}");
        let path = fuzz_dir("corpus").join(name);
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "{} is stale: rerun write_seed_corpus",
            path.display()
        );
    }
}

#[test]
#[ignore = "writes fuzz/corpus/packet; run by hand after changing the seeds"]
fn write_seed_corpus() {
    let dir = fuzz_dir("corpus");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for (name, bytes) in seeds() {
        check_packet(&bytes);
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
