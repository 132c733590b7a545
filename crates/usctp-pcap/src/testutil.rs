//! Helpers for the unit tests: hand-built pcap files and packets.

use bytes::Bytes;

/// A pcap file of `link` holding `frames`, in either byte order and resolution; each record's
/// original length is its captured length plus `extra_orig`.
pub(crate) fn pcap(
    link: u32,
    frames: &[Vec<u8>],
    big_endian: bool,
    nano: bool,
    extra_orig: u32,
) -> Bytes {
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut f = Vec::new();
    f.extend_from_slice(&u32b(if nano { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    f.extend_from_slice(&u16b(2));
    f.extend_from_slice(&u16b(4));
    f.extend_from_slice(&[0; 8]);
    f.extend_from_slice(&u32b(65535));
    f.extend_from_slice(&u32b(link));
    for (i, fr) in frames.iter().enumerate() {
        f.extend_from_slice(&u32b(1000 + i as u32));
        f.extend_from_slice(&u32b(500));
        f.extend_from_slice(&u32b(fr.len() as u32));
        f.extend_from_slice(&u32b(fr.len() as u32 + extra_orig));
        f.extend_from_slice(fr);
    }
    f.into()
}

/// A 16-byte stand-in for an SCTP packet (the reader does not check its contents).
pub(crate) const SCTP: [u8; 16] = [
    0x13, 0x88, 0x13, 0x89, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 11, 0, 0, 4,
];

/// An IPv4 packet (no checksum) from 10.0.0.1 to 10.0.0.2 with `payload`.
pub(crate) fn ipv4(proto: u8, frag: u16, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut v = vec![0x45, 0];
    v.extend_from_slice(&total.to_be_bytes());
    v.extend_from_slice(&[0, 1]);
    v.extend_from_slice(&frag.to_be_bytes());
    v.extend_from_slice(&[64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    v.extend_from_slice(payload);
    v
}

/// An IPv6 packet from fd00::1 to fd00::2 with `next` and `payload` (extension headers included).
pub(crate) fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x60, 0, 0, 0];
    v.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    v.extend_from_slice(&[next, 64]);
    v.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    v.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    v.extend_from_slice(payload);
    v
}

/// A UDP datagram (checksum zero) around `payload`.
pub(crate) fn udp(src: u16, dst: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&src.to_be_bytes());
    v.extend_from_slice(&dst.to_be_bytes());
    v.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    v.extend_from_slice(&[0, 0]);
    v.extend_from_slice(payload);
    v
}
