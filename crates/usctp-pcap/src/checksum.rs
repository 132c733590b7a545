//! The Internet checksum (RFC 1071) for IPv4 headers and UDP (RFC 768, RFC 8200 §8.1).

use std::net::IpAddr;

use crate::IPPROTO_UDP;

/// One's-complement sum of `data` as big-endian 16-bit words, odd byte padded with zero.
fn sum(mut acc: u32, data: &[u8]) -> u32 {
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        acc = acc.wrapping_add(u32::from(u16::from_be_bytes([w[0], w[1]])));
        acc = (acc & 0xffff) + (acc >> 16);
    }
    if let [last] = words.remainder() {
        acc = acc.wrapping_add(u32::from(*last) << 8);
    }
    acc
}

fn fold(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The checksum of `data` (an IPv4 header with its checksum field zero).
pub(crate) fn internet(data: &[u8]) -> u16 {
    fold(sum(0, data))
}

/// The UDP checksum of `udp` (header with a zero checksum field, then payload) between `src` and
/// `dst`, over the IPv4 or IPv6 pseudo-header. A computed zero is sent as 0xffff (RFC 768).
pub(crate) fn udp(src: IpAddr, dst: IpAddr, udp: &[u8]) -> u16 {
    let mut acc = 0;
    for a in [src, dst] {
        acc = match a {
            IpAddr::V4(a) => sum(acc, &a.octets()),
            IpAddr::V6(a) => sum(acc, &a.octets()),
        };
    }
    // Both pseudo-headers add the protocol and the UDP length; the IPv6 one has them as 32-bit
    // fields, which sum to the same value for lengths below 64 KiB.
    acc = sum(acc, &[0, IPPROTO_UDP]);
    acc = sum(acc, &(udp.len() as u32).to_be_bytes());
    match fold(sum(acc, udp)) {
        0 => 0xffff,
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3: the sum of these words is 0xddf2, so the checksum is 0x220d.
        assert_eq!(
            internet(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            0x220d
        );
    }

    #[test]
    fn ipv4_header_verifies_to_zero() {
        let mut h = [
            0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0,
            0xc7,
        ];
        let c = internet(&h);
        assert_eq!(c, 0xb861);
        h[10..12].copy_from_slice(&c.to_be_bytes());
        assert_eq!(internet(&h), 0);
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(
            internet(&[0x12, 0x34, 0x56]),
            internet(&[0x12, 0x34, 0x56, 0])
        );
    }
}
