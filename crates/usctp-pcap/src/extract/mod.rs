//! From records to SCTP packets: link layer, IP, optional UDP.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;

use crate::reader::{Record, Records};
use crate::{ip, link, LinkType, PcapError, SCTP_UDP_PORT};

/// What counts as SCTP-in-UDP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractOptions {
    /// A UDP datagram with one of these as source or destination port carries SCTP (RFC 6951).
    /// Default: `[9899]`.
    pub udp_ports: Vec<u16>,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            udp_ports: vec![SCTP_UDP_PORT],
        }
    }
}

/// The UDP ports of an encapsulated SCTP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UdpPorts {
    /// Source port.
    pub src: u16,
    /// Destination port.
    pub dst: u16,
}

/// An SCTP packet found in a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SctpFrame {
    /// The record's number, from 1 (Wireshark's `frame.number`).
    pub frame: u64,
    /// The record's timestamp.
    pub ts: Duration,
    /// IP source address.
    pub src: IpAddr,
    /// IP destination address.
    pub dst: IpAddr,
    /// The UDP ports if the packet was inside UDP, `None` for raw IP.
    pub udp: Option<UdpPorts>,
    /// The SCTP packet, common header first (a slice of the file's buffer).
    pub sctp: Bytes,
}

/// Why a frame could not be decoded, before the frame number is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    Truncated {
        layer: &'static str,
        needed: usize,
        available: usize,
    },
    BadHeader {
        layer: &'static str,
        field: &'static str,
    },
    Fragment,
}

impl Fault {
    fn into_error(self, rec: &Record) -> PcapError {
        let frame = rec.frame;
        let captured = u32::try_from(rec.data.len()).unwrap_or(u32::MAX);
        match self {
            Self::Truncated { .. } if captured < rec.orig_len => PcapError::Snapped {
                frame,
                captured,
                original: rec.orig_len,
            },
            Self::Truncated {
                layer,
                needed,
                available,
            } => PcapError::Truncated {
                frame,
                layer,
                needed,
                available,
            },
            Self::BadHeader { layer, field } => PcapError::BadHeader {
                frame,
                layer,
                field,
            },
            Self::Fragment => PcapError::Fragment { frame },
        }
    }
}

/// Iterator over the SCTP packets of a capture (see [`crate::PcapReader::sctp_packets`]).
///
/// Frames that carry no SCTP (ARP, TCP, other UDP ports, ...) are passed over silently. A frame
/// that looks like SCTP but cannot be decoded yields an error and iteration goes on, so
/// `.filter_map(Result::ok)` skips bad frames. A truncated file or an unsupported link type
/// yields one error and ends the iteration.
#[derive(Debug, Clone)]
pub struct SctpPackets {
    records: Records,
    link: LinkType,
    opts: ExtractOptions,
    done: bool,
}

impl SctpPackets {
    pub(crate) fn new(records: Records, link: LinkType, opts: ExtractOptions) -> Self {
        Self {
            records,
            link,
            opts,
            done: false,
        }
    }

    fn decode(
        link: LinkType,
        opts: &ExtractOptions,
        rec: &Record,
    ) -> Result<Option<SctpFrame>, Fault> {
        let Some((start, family)) = link::network_layer(link, &rec.data)? else {
            return Ok(None);
        };
        let found = ip::decode(rec.data.slice(start..), family, &opts.udp_ports)?;
        Ok(found.map(|f| SctpFrame {
            frame: rec.frame,
            ts: rec.ts,
            src: f.src,
            dst: f.dst,
            udp: f.udp,
            sctp: f.sctp,
        }))
    }
}

impl Iterator for SctpPackets {
    type Item = Result<SctpFrame, PcapError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if !self.link.is_supported() {
            self.done = true;
            return Some(Err(PcapError::UnsupportedLinkType {
                link_type: self.link.0,
            }));
        }
        for rec in self.records.by_ref() {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            };
            match Self::decode(self.link, &self.opts, &rec) {
                Ok(Some(f)) => return Some(Ok(f)),
                Ok(None) => {}
                Err(fault) => return Some(Err(fault.into_error(&rec))),
            }
        }
        self.done = true;
        None
    }
}

#[cfg(test)]
mod tests;
