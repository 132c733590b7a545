//! CRC32c of SCTP packets (RFC 9260 §6.8, Appendix A).
//!
//! The checksum covers the whole packet with the checksum field taken as zero, and is written
//! least significant byte first. Two implementations, by length: `crc-fast` (carry-less
//! multiplication) has the smaller fixed cost and wins on control packets, the `crc32c` crate
//! (three interleaved CRC32 instruction streams) wins from a few hundred bytes on, by about a
//! quarter on a 1.2 KB DATA packet (benches/README.md, "Where the CPU goes over UDP").

use crc_fast::{CrcAlgorithm, Digest};

/// Byte offset of the checksum field in the common header.
pub const CHECKSUM_OFFSET: usize = 8;

/// Length of the common header, which ends with the checksum field.
const HEADER_LEN: usize = CHECKSUM_OFFSET + 4;

/// From this length on, the `crc32c` crate is the faster of the two.
const LONG: usize = 320;

/// CRC32c of `data` (the plain CRC-32C / iSCSI function).
#[inline]
pub fn crc32c(data: &[u8]) -> u32 {
    if data.len() >= LONG {
        crc32c::crc32c(data)
    } else {
        crc_fast::crc32_iscsi(data)
    }
}

/// CRC32c of an SCTP packet as if its checksum field were zero. `None` if shorter than 12 bytes.
#[inline]
pub fn packet_checksum(packet: &[u8]) -> Option<u32> {
    // Two CRC calls, not three (each call has a fixed cost that shows on a 1.5 KB packet): the
    // first over a copy of the head with the checksum field zeroed.
    if packet.len() < HEADER_LEN {
        return None;
    }
    let (head, tail) = packet.split_at_checked(packet.len().min(HEAD_COPY))?;
    let mut copy = [0u8; HEAD_COPY];
    let copy = copy.get_mut(..head.len())?;
    copy.copy_from_slice(head);
    copy.get_mut(CHECKSUM_OFFSET..HEADER_LEN)?.fill(0);
    if packet.len() >= LONG {
        return Some(crc32c::crc32c_append(crc32c::crc32c(copy), tail));
    }
    let mut d = Digest::new(CrcAlgorithm::Crc32Iscsi);
    d.update(copy);
    d.update(tail);
    // CRC-32/ISCSI is a 32-bit CRC: the upper half of the u64 is zero.
    Some(d.finalize() as u32)
}

/// Bytes copied for the first CRC call: the header and the first chunk header.
const HEAD_COPY: usize = 16;

/// The checksum field as written in `packet` (read least significant byte first).
#[inline]
pub fn checksum_field(packet: &[u8]) -> Option<u32> {
    let f = packet.get(CHECKSUM_OFFSET..CHECKSUM_OFFSET + 4)?;
    Some(u32::from_le_bytes([f[0], f[1], f[2], f[3]]))
}

/// Compute and store the checksum of a complete packet in place. Returns false (and leaves the
/// buffer alone) if it is shorter than the common header.
#[inline]
pub fn write_checksum(packet: &mut [u8]) -> bool {
    // The buffer is ours: zero the field and make one CRC call over the whole packet.
    let Some(field) = packet.get_mut(CHECKSUM_OFFSET..HEADER_LEN) else {
        return false;
    };
    field.fill(0);
    let c = crc32c(packet);
    packet[CHECKSUM_OFFSET..HEADER_LEN].copy_from_slice(&c.to_le_bytes());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers from spec/conformance-checklist.md §7 (RFC 3720 B.4 and others).
    #[test]
    fn known_answers() {
        let asc: Vec<u8> = (0u8..32).collect();
        let desc: Vec<u8> = (0u8..32).rev().collect();
        let iscsi: [u8; 48] = [
            0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x14, 0, 0, 0, 0, 0, 0x04, 0, 0,
            0, 0, 0x14, 0, 0, 0, 0x18, 0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
        ];
        let cases: [(&[u8], u32, [u8; 4]); 8] = [
            (&[0; 32], 0x8A91_36AA, [0xaa, 0x36, 0x91, 0x8a]),
            (&[0xff; 32], 0x62A8_AB43, [0x43, 0xab, 0xa8, 0x62]),
            (&asc, 0x46DD_794E, [0x4e, 0x79, 0xdd, 0x46]),
            (&desc, 0x113F_DB5C, [0x5c, 0xdb, 0x3f, 0x11]),
            (&iscsi, 0xD996_3A56, [0x56, 0x3a, 0x96, 0xd9]),
            (b"123456789", 0xE306_9283, [0x83, 0x92, 0x06, 0xe3]),
            (b"", 0, [0, 0, 0, 0]),
            (b"a", 0xC1D0_4330, [0x30, 0x43, 0xd0, 0xc1]),
        ];
        for (input, value, wire) in cases {
            assert_eq!(crc32c(input), value);
            assert_eq!(value.to_le_bytes(), wire);
        }
    }

    #[test]
    fn packet_checksum_is_crc_of_zeroed_copy() {
        // Lengths around the 16-byte head copy, and offsets that misalign the packet.
        let buf: Vec<u8> = (0..64u32).map(|i| (i * 37 + 11) as u8).collect();
        for start in 0..8 {
            for len in 12..40 {
                let p = &buf[start..start + len];
                let mut zeroed = p.to_vec();
                zeroed[8..12].fill(0);
                assert_eq!(packet_checksum(p), Some(crc32c(&zeroed)), "{start} {len}");
            }
        }
        assert_eq!(packet_checksum(&buf[..11]), None);
    }

    /// Bit-at-a-time CRC32c (reflected polynomial 0x82F63B78), the reference for long inputs.
    fn reference(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0x82F6_3B78
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn long_inputs_match_the_reference() {
        // Every length up to two folding blocks, then jumbo and maximum-size packets, at
        // aligned and unaligned starts.
        let buf: Vec<u8> = (0..70_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let lens = (0..600).chain([1452, 1456, 1472, 8972, 9000, 65_535]);
        for len in lens {
            for start in [0, 3] {
                let p = &buf[start..start + len];
                assert_eq!(crc32c(p), reference(p), "len {len} start {start}");
                if len >= 12 {
                    let mut zeroed = p.to_vec();
                    zeroed[8..12].fill(0);
                    assert_eq!(packet_checksum(p), Some(reference(&zeroed)), "len {len}");
                    let mut written = p.to_vec();
                    assert!(write_checksum(&mut written));
                    let value = reference(&zeroed).to_le_bytes();
                    assert_eq!(written[8..12], value, "write_checksum, len {len}");
                }
            }
        }
    }

    #[test]
    fn header_only_packet_vector() {
        // Ports 5000 -> 5000, tag 0, no chunks: checksum field 06 a9 00 e1.
        let mut p = [0x13, 0x88, 0x13, 0x88, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef];
        assert!(write_checksum(&mut p));
        assert_eq!(&p[8..], &[0x06, 0xa9, 0x00, 0xe1]);
        assert_eq!(checksum_field(&p), Some(0xE100_A906));
        assert_eq!(packet_checksum(&p), Some(0xE100_A906));
        assert!(!write_checksum(&mut [0u8; 11]));
    }
}
