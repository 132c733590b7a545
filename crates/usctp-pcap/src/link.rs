//! Link layers: find where the IP packet starts in a captured frame.

use core::fmt;

use crate::be16;
use crate::extract::Fault;

/// A pcap link type (`LINKTYPE_*` in the tcpdump.org registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: a 4-byte address family in the capturing host's byte order.
    pub const NULL: Self = Self(0);
    /// Ethernet II, with optional 802.1Q / 802.1ad tags.
    pub const ETHERNET: Self = Self(1);
    /// Raw IPv4 or IPv6, told apart by the version nibble.
    pub const RAW: Self = Self(101);
    /// OpenBSD loopback: as `NULL` with the family in network byte order.
    pub const LOOP: Self = Self(108);
    /// Linux "cooked" capture v1 (16-byte header), as `tcpdump -i any` writes.
    pub const LINUX_SLL: Self = Self(113);
    /// Raw IPv4 only.
    pub const IPV4: Self = Self(228);
    /// Raw IPv6 only.
    pub const IPV6: Self = Self(229);
    /// Linux "cooked" capture v2 (20-byte header).
    pub const LINUX_SLL2: Self = Self(276);

    /// True for the link types [`crate::SctpPackets`] decodes.
    pub fn is_supported(self) -> bool {
        matches!(
            self,
            Self::NULL
                | Self::ETHERNET
                | Self::RAW
                | Self::LOOP
                | Self::LINUX_SLL
                | Self::IPV4
                | Self::IPV6
                | Self::LINUX_SLL2
        )
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The IP version a link header announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    V4,
    V6,
    /// Look at the version nibble.
    Either,
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const VLAN_TAGS: [u16; 3] = [0x8100, 0x88a8, 0x9100];

/// Where the IP packet starts in `frame`, and its family; `None` for frames that carry no IP.
pub(crate) fn network_layer(
    link: LinkType,
    frame: &[u8],
) -> Result<Option<(usize, Family)>, Fault> {
    let found = match link {
        LinkType::RAW => Some((0, Family::Either)),
        LinkType::IPV4 => Some((0, Family::V4)),
        LinkType::IPV6 => Some((0, Family::V6)),
        LinkType::ETHERNET => ethernet(frame)?,
        LinkType::LINUX_SLL => ethertype(frame, "linux-sll", 14, 16)?,
        LinkType::LINUX_SLL2 => ethertype(frame, "linux-sll2", 0, 20)?,
        LinkType::NULL | LinkType::LOOP => bsd_loopback(link, frame)?,
        _ => None,
    };
    Ok(found)
}

fn ethernet(frame: &[u8]) -> Result<Option<(usize, Family)>, Fault> {
    let mut type_at = 12;
    loop {
        let t = be16(frame, type_at).ok_or(truncated("ethernet", type_at + 2, frame))?;
        if !VLAN_TAGS.contains(&t) {
            return Ok(family_of(t).map(|f| (type_at + 2, f)));
        }
        type_at += 4;
    }
}

/// A header of `header_len` bytes with an Ethertype at `type_at`.
fn ethertype(
    frame: &[u8],
    layer: &'static str,
    type_at: usize,
    header_len: usize,
) -> Result<Option<(usize, Family)>, Fault> {
    if frame.len() < header_len {
        return Err(truncated(layer, header_len, frame));
    }
    let t = be16(frame, type_at).ok_or(truncated(layer, header_len, frame))?;
    Ok(family_of(t).map(|f| (header_len, f)))
}

fn family_of(ethertype: u16) -> Option<Family> {
    match ethertype {
        ETHERTYPE_IPV4 => Some(Family::V4),
        ETHERTYPE_IPV6 => Some(Family::V6),
        _ => None,
    }
}

fn bsd_loopback(link: LinkType, frame: &[u8]) -> Result<Option<(usize, Family)>, Fault> {
    let b = crate::quad(frame, 0).ok_or(truncated("loopback", 4, frame))?;
    let mut af = if link == LinkType::LOOP {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    };
    // NULL uses the writer's byte order; families are small, so a big value is byte-swapped.
    if af > 0xffff {
        af = af.swap_bytes();
    }
    // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD) or
    // 30 (macOS).
    Ok(match af {
        2 => Some((4, Family::V4)),
        10 | 24 | 28 | 30 => Some((4, Family::V6)),
        _ => None,
    })
}

fn truncated(layer: &'static str, needed: usize, frame: &[u8]) -> Fault {
    Fault::Truncated {
        layer,
        needed,
        available: frame.len(),
    }
}
