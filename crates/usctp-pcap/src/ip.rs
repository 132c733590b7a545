//! IPv4, IPv6 and UDP decoding down to the SCTP packet.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bytes::Bytes;

use crate::extract::{Fault, UdpPorts};
use crate::link::Family;
use crate::{be16, IPPROTO_SCTP, IPPROTO_UDP};

/// What an IP packet carried: addresses, UDP ports if any, and the SCTP bytes.
#[derive(Debug)]
pub(crate) struct Found {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub udp: Option<UdpPorts>,
    pub sctp: Bytes,
}

/// The IP payload of interest: protocol, addresses and payload bytes.
struct Inner {
    proto: u8,
    src: IpAddr,
    dst: IpAddr,
    payload: Bytes,
}

const SCTP_COMMON_HEADER: usize = 12;
const UDP_HEADER: usize = 8;
const IPV6_HEADER: usize = 40;

/// Decode the IP packet at the start of `ip`; `None` unless it carries SCTP (raw, or in UDP
/// with a port in `udp_ports`).
pub(crate) fn decode(ip: Bytes, family: Family, udp_ports: &[u16]) -> Result<Option<Found>, Fault> {
    let version = ip.first().map(|b| b >> 4);
    let inner = match (family, version) {
        (Family::V4 | Family::Either, Some(4)) => ipv4(ip)?,
        (Family::V6 | Family::Either, Some(6)) => ipv6(ip)?,
        (_, None) => {
            return Err(Fault::Truncated {
                layer: "ip",
                needed: 1,
                available: 0,
            })
        }
        (_, Some(_)) => {
            return Err(Fault::BadHeader {
                layer: "ip",
                field: "version",
            })
        }
    };
    let Some(Inner {
        proto,
        src,
        dst,
        payload,
    }) = inner
    else {
        return Ok(None);
    };
    let (udp, sctp) = match proto {
        IPPROTO_SCTP => (None, payload),
        IPPROTO_UDP => match udp(payload, udp_ports)? {
            Some((ports, sctp)) => (Some(ports), sctp),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    if sctp.len() < SCTP_COMMON_HEADER {
        return Err(Fault::Truncated {
            layer: "sctp",
            needed: SCTP_COMMON_HEADER,
            available: sctp.len(),
        });
    }
    Ok(Some(Found {
        src,
        dst,
        udp,
        sctp,
    }))
}

fn interesting(proto: u8) -> bool {
    proto == IPPROTO_SCTP || proto == IPPROTO_UDP
}

fn ipv4(ip: Bytes) -> Result<Option<Inner>, Fault> {
    let trunc = |needed| Fault::Truncated {
        layer: "ipv4",
        needed,
        available: ip.len(),
    };
    let header: [u8; 20] = ip
        .get(..20)
        .and_then(|h| h.try_into().ok())
        .ok_or(trunc(20))?;
    let ihl = usize::from(header[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([header[2], header[3]]));
    if ihl < 20 {
        return Err(Fault::BadHeader {
            layer: "ipv4",
            field: "header length",
        });
    }
    if total < ihl {
        return Err(Fault::BadHeader {
            layer: "ipv4",
            field: "total length",
        });
    }
    if total > ip.len() {
        return Err(trunc(total));
    }
    let proto = header[9];
    if !interesting(proto) {
        return Ok(None);
    }
    // More Fragments set, or a non-zero offset.
    if u16::from_be_bytes([header[6], header[7]]) & 0x3fff != 0 {
        return Err(Fault::Fragment);
    }
    let src = Ipv4Addr::new(header[12], header[13], header[14], header[15]);
    let dst = Ipv4Addr::new(header[16], header[17], header[18], header[19]);
    // Bytes past `total` are link padding (short Ethernet frames) or an FCS.
    let payload = ip.slice(ihl..total);
    Ok(Some(Inner {
        proto,
        src: src.into(),
        dst: dst.into(),
        payload,
    }))
}

fn ipv6(ip: Bytes) -> Result<Option<Inner>, Fault> {
    let trunc = |needed| Fault::Truncated {
        layer: "ipv6",
        needed,
        available: ip.len(),
    };
    let header: [u8; IPV6_HEADER] = ip
        .get(..IPV6_HEADER)
        .and_then(|h| h.try_into().ok())
        .ok_or(trunc(IPV6_HEADER))?;
    let payload_len = usize::from(u16::from_be_bytes([header[4], header[5]]));
    if payload_len == 0 && header[6] == 0 {
        // A jumbogram (RFC 2675): not decoded.
        return Err(Fault::BadHeader {
            layer: "ipv6",
            field: "payload length",
        });
    }
    let end = IPV6_HEADER + payload_len;
    if end > ip.len() {
        return Err(trunc(end));
    }
    let mut src = [0u8; 16];
    let mut dst = [0u8; 16];
    src.copy_from_slice(&header[8..24]);
    dst.copy_from_slice(&header[24..40]);
    let Some((proto, start)) = skip_extensions(&ip[..end], header[6])? else {
        return Ok(None);
    };
    let payload = ip.slice(start..end);
    Ok(Some(Inner {
        proto,
        src: Ipv6Addr::from(src).into(),
        dst: Ipv6Addr::from(dst).into(),
        payload,
    }))
}

/// Follow the extension header chain of `ip` (header included, link padding removed); the upper
/// protocol and where it starts, or `None` for a protocol of no interest.
fn skip_extensions(ip: &[u8], mut next: u8) -> Result<Option<(u8, usize)>, Fault> {
    const HOP_BY_HOP: u8 = 0;
    const ROUTING: u8 = 43;
    const FRAGMENT: u8 = 44;
    const DEST_OPTS: u8 = 60;
    let mut at = IPV6_HEADER;
    loop {
        if at > ip.len() {
            let available = ip.len();
            return Err(Fault::Truncated {
                layer: "ipv6 extension",
                needed: at,
                available,
            });
        }
        if interesting(next) {
            return Ok(Some((next, at)));
        }
        if ![HOP_BY_HOP, ROUTING, DEST_OPTS, FRAGMENT].contains(&next) {
            return Ok(None);
        }
        let ext = ip.get(at..at + 8).ok_or(Fault::Truncated {
            layer: "ipv6 extension",
            needed: at + 8,
            available: ip.len(),
        })?;
        if next == FRAGMENT {
            // Offset or More Fragments set: a real fragment (an atomic one is decodable).
            if interesting(ext[0]) && u16::from_be_bytes([ext[2], ext[3]]) & 0xfff9 != 0 {
                return Err(Fault::Fragment);
            }
            at += 8;
        } else {
            at += (usize::from(ext[1]) + 1) * 8;
        }
        next = ext[0];
    }
}

fn udp(payload: Bytes, ports: &[u16]) -> Result<Option<(UdpPorts, Bytes)>, Fault> {
    let trunc = |needed| Fault::Truncated {
        layer: "udp",
        needed,
        available: payload.len(),
    };
    let (Some(src), Some(dst), Some(len)) =
        (be16(&payload, 0), be16(&payload, 2), be16(&payload, 4))
    else {
        return Err(trunc(UDP_HEADER));
    };
    if !ports.contains(&src) && !ports.contains(&dst) {
        return Ok(None);
    }
    let len = usize::from(len);
    if len < UDP_HEADER {
        return Err(Fault::BadHeader {
            layer: "udp",
            field: "length",
        });
    }
    if len > payload.len() {
        return Err(trunc(len));
    }
    Ok(Some((
        UdpPorts { src, dst },
        payload.slice(UDP_HEADER..len),
    )))
}
