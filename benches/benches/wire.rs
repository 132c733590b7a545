//! Wire codec cost per packet against bare CRC32c of the same bytes; prints a markdown table.
//!
//! `cargo bench -p usctp-benches --bench wire`. Each row is the median of several timed
//! samples after a warm-up; the whole run takes a few seconds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_wire::chunk::{Chunk, Data, GapBlock, Sack};
use usctp_wire::{
    crc, CommonHeader, Packet, PacketBuilder, ParseOptions, Ppid, Ssn, StreamId, Tsn,
    VerificationTag,
};

/// A full-size packet: 12-byte header, 16-byte DATA header, 1424 bytes of payload, no padding.
const PACKET_LEN: usize = 1452;
const WARM_UP: Duration = Duration::from_millis(100);
const SAMPLE: Duration = Duration::from_millis(20);
const SAMPLES: usize = 25;

/// What a row measures for a packet.
#[derive(Clone, Copy)]
enum Op {
    /// `Packet::chunks` with checksum verification, consuming every chunk (the protocol's path).
    ParseLazy,
    /// `Packet::parse` with checksum verification, into a `Vec<Chunk>`.
    ParseVec,
    /// `PacketBuilder` into a reused buffer, checksum included.
    Build,
}

struct Row {
    name: String,
    len: usize,
    ns: f64,
    /// Time over the time of bare CRC32c of the same bytes.
    ratio: f64,
}

/// Calls of `f` that take about `SAMPLE`, found during a warm-up.
fn calls_per_sample(f: &mut impl FnMut()) -> u64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < WARM_UP {
        f();
        calls += 1;
    }
    let rate = calls as f64 / start.elapsed().as_secs_f64();
    ((rate * SAMPLE.as_secs_f64()) as u64).max(1)
}

fn sample_ns(f: &mut impl FnMut(), calls: u64) -> f64 {
    let t = Instant::now();
    for _ in 0..calls {
        f();
    }
    t.elapsed().as_nanos() as f64 / calls as f64
}

/// Median ns per call of `op`, and median ratio to bare CRC32c of `bytes`. The two are timed
/// in alternating samples, so load from other processes hits both alike.
fn time_vs_crc(bytes: &[u8], mut op: impl FnMut()) -> (f64, f64) {
    let mut crc = || {
        black_box(crc::crc32c(black_box(bytes)));
    };
    let (crc_calls, op_calls) = (calls_per_sample(&mut crc), calls_per_sample(&mut op));
    let (mut ns, mut ratios): (Vec<f64>, Vec<f64>) = (0..SAMPLES)
        .map(|_| {
            let base = sample_ns(&mut crc, crc_calls);
            let t = sample_ns(&mut op, op_calls);
            (t, t / base)
        })
        .unzip();
    ns.sort_by(f64::total_cmp);
    ratios.sort_by(f64::total_cmp);
    (ns[SAMPLES / 2], ratios[SAMPLES / 2])
}

fn verify() -> ParseOptions {
    ParseOptions::default() // ChecksumCheck::Verify
}

fn parse_lazy(bytes: &Bytes) {
    if let Ok((header, chunks)) = Packet::chunks(black_box(bytes), verify()) {
        black_box(header);
        for c in chunks {
            black_box(c.ok());
        }
    }
}

fn parse_vec(bytes: &Bytes) {
    black_box(Packet::parse(black_box(bytes), verify()).ok());
}

fn build(packet: &Packet, buf: &mut Vec<u8>) {
    buf.clear();
    let mut b = PacketBuilder::new(buf, packet.header, PACKET_LEN.max(packet.encoded_len()));
    for c in &packet.chunks {
        b.push(black_box(c));
    }
    black_box(b.finish(true));
}

/// Rows for `packet`, one per op, each with the bare CRC of the same bytes for comparison.
fn packet_rows(label: &str, packet: &Packet, ops: &[Op]) -> Vec<Row> {
    let bytes = Bytes::from(packet.to_vec());
    let checked = Packet::parse(&bytes, verify());
    assert_eq!(
        checked.as_ref(),
        Ok(packet),
        "{label}: packet does not round-trip"
    );
    let mut buf = Vec::with_capacity(bytes.len());
    build(packet, &mut buf);
    assert_eq!(
        buf, bytes,
        "{label}: builder output differs from Packet::to_vec"
    );
    ops.iter()
        .map(|op| {
            let (what, (ns, ratio)) = match op {
                Op::ParseLazy => (
                    "parse+verify, lazy `Packet::chunks`",
                    time_vs_crc(&bytes, || parse_lazy(&bytes)),
                ),
                Op::ParseVec => (
                    "parse+verify, `Packet::parse` (Vec)",
                    time_vs_crc(&bytes, || parse_vec(&bytes)),
                ),
                Op::Build => (
                    "build+checksum, `PacketBuilder`",
                    time_vs_crc(&bytes, || build(packet, &mut buf)),
                ),
            };
            Row {
                name: format!("{label}: {what}"),
                len: bytes.len(),
                ns,
                ratio,
            }
        })
        .collect()
}

fn packet_of(chunk: Chunk) -> Packet {
    let header = CommonHeader {
        src_port: 5000,
        dst_port: 5001,
        vtag: VerificationTag(0x1a2b_3c4d),
    };
    Packet {
        header,
        chunks: vec![chunk],
    }
}

fn full_data_packet() -> Packet {
    let payload_len = PACKET_LEN - CommonHeader::LEN - Data::HEADER_LEN;
    let payload: Vec<u8> = (0..payload_len).map(|i| (i * 7) as u8).collect();
    let p = packet_of(Chunk::Data(Data {
        tsn: Tsn(0x1000_0000),
        stream: StreamId(1),
        ssn: Ssn(2),
        ppid: Ppid(51),
        beginning: true,
        ending: true,
        payload: Bytes::from(payload),
        ..Default::default()
    }));
    assert_eq!(p.encoded_len(), PACKET_LEN);
    p
}

fn main() {
    let data = full_data_packet();
    let bytes = data.to_vec();
    let bare = time_vs_crc(&bytes, || {
        black_box(crc::crc32c(black_box(&bytes)));
    });
    let checksum = time_vs_crc(&bytes, || {
        black_box(crc::packet_checksum(black_box(&bytes)));
    });
    let mut rows = vec![
        Row {
            name: format!("bare CRC32c of {PACKET_LEN} bytes"),
            len: PACKET_LEN,
            ns: bare.0,
            ratio: bare.1,
        },
        Row {
            name: "checksum only, `crc::packet_checksum`".into(),
            len: PACKET_LEN,
            ns: checksum.0,
            ratio: checksum.1,
        },
    ];
    rows.extend(packet_rows(
        "DATA 1424 B",
        &data,
        &[Op::ParseLazy, Op::ParseVec, Op::Build],
    ));

    let sack = Chunk::Sack(Sack {
        cum_tsn_ack: Tsn(1000),
        a_rwnd: 1 << 20,
        gap_blocks: (0..100u16)
            .map(|i| GapBlock {
                start: 2 + 4 * i,
                end: 3 + 4 * i,
            })
            .collect(),
        dup_tsns: Vec::new(),
    });
    rows.extend(packet_rows(
        "SACK 100 gaps",
        &packet_of(sack),
        &[Op::ParseLazy, Op::Build],
    ));

    println!("| case | bytes | ns/packet | GB/s | x bare CRC |");
    println!("|---|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {:.1} | {:.2} | {:.2} |",
            r.name,
            r.len,
            r.ns,
            r.len as f64 / r.ns,
            r.ratio
        );
    }
}
