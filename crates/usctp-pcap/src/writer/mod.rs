//! Classic pcap output with `LINKTYPE_RAW`, building the IP and UDP headers around SCTP packets.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use crate::reader::TsResolution;
use crate::{checksum, LinkType, IPPROTO_SCTP, IPPROTO_UDP};

const SNAPLEN: u32 = 262_144;
const TTL: u8 = 64;
const IPV4_HEADER: usize = 20;
const UDP_HEADER: usize = 8;

/// Writes a classic pcap file (`LINKTYPE_RAW`: each record is an IPv4 or IPv6 packet).
///
/// The file header goes out in [`PcapWriter::new`]; each `write_*` call adds one record.
/// Headers are built as a host would send them: IPv4 with DF set, TTL 64, a record-counting
/// Identification and a correct header checksum; IPv6 with hop limit 64; UDP with a correct
/// checksum. Errors from the inner writer are returned as they are; an SCTP packet too large for
/// one IP packet, a timestamp past 2106 or mixed address families give `InvalidInput`.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    resolution: TsResolution,
    ip_id: u16,
    buf: Vec<u8>,
}

impl<W: Write> PcapWriter<W> {
    /// Write a microsecond-resolution file header to `out`.
    pub fn new(out: W) -> io::Result<Self> {
        Self::with_resolution(out, TsResolution::Micro)
    }

    /// Write a file header with the given timestamp resolution to `out`.
    pub fn with_resolution(mut out: W, resolution: TsResolution) -> io::Result<Self> {
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&resolution.magic().to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&4u16.to_le_bytes());
        h.extend_from_slice(&[0; 8]); // thiszone, sigfigs
        h.extend_from_slice(&SNAPLEN.to_le_bytes());
        h.extend_from_slice(&LinkType::RAW.0.to_le_bytes());
        out.write_all(&h)?;
        Ok(Self {
            out,
            resolution,
            ip_id: 0,
            buf: Vec::new(),
        })
    }

    /// Write an SCTP packet as raw IP between `src` and `dst` (both of one family).
    pub fn write_sctp(
        &mut self,
        ts: Duration,
        src: IpAddr,
        dst: IpAddr,
        sctp: &[u8],
    ) -> io::Result<()> {
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => self.write_ipv4(ts, s, d, sctp),
            (IpAddr::V6(s), IpAddr::V6(d)) => self.write_ipv6(ts, s, d, sctp),
            _ => Err(mixed_families()),
        }
    }

    /// Write an SCTP packet in an IPv4 packet (protocol 132).
    pub fn write_ipv4(
        &mut self,
        ts: Duration,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        sctp: &[u8],
    ) -> io::Result<()> {
        self.buf.clear();
        self.put_ipv4(src, dst, IPPROTO_SCTP, sctp.len())?;
        self.buf.extend_from_slice(sctp);
        self.flush_record(ts)
    }

    /// Write an SCTP packet in an IPv6 packet (next header 132).
    pub fn write_ipv6(
        &mut self,
        ts: Duration,
        src: Ipv6Addr,
        dst: Ipv6Addr,
        sctp: &[u8],
    ) -> io::Result<()> {
        self.buf.clear();
        put_ipv6(&mut self.buf, src, dst, IPPROTO_SCTP, sctp.len())?;
        self.buf.extend_from_slice(sctp);
        self.flush_record(ts)
    }

    /// Write an SCTP packet inside UDP (RFC 6951) from `src` to `dst`, over IPv4 or IPv6 as the
    /// addresses say (both of one family).
    pub fn write_udp(
        &mut self,
        ts: Duration,
        src: SocketAddr,
        dst: SocketAddr,
        sctp: &[u8],
    ) -> io::Result<()> {
        let udp_len = sctp.len().checked_add(UDP_HEADER).ok_or_else(too_large)?;
        self.buf.clear();
        match (src.ip(), dst.ip()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => self.put_ipv4(s, d, IPPROTO_UDP, udp_len)?,
            (IpAddr::V6(s), IpAddr::V6(d)) => put_ipv6(&mut self.buf, s, d, IPPROTO_UDP, udp_len)?,
            _ => return Err(mixed_families()),
        }
        let udp_start = self.buf.len();
        self.buf.extend_from_slice(&src.port().to_be_bytes());
        self.buf.extend_from_slice(&dst.port().to_be_bytes());
        self.buf.extend_from_slice(&(udp_len as u16).to_be_bytes());
        self.buf.extend_from_slice(&[0, 0]);
        self.buf.extend_from_slice(sctp);
        let c = checksum::udp(src.ip(), dst.ip(), &self.buf[udp_start..]);
        self.buf[udp_start + 6..udp_start + 8].copy_from_slice(&c.to_be_bytes());
        self.flush_record(ts)
    }

    /// Write one record holding `ip`, an IPv4 or IPv6 packet built by the caller, as it is.
    pub fn write_raw_ip(&mut self, ts: Duration, ip: &[u8]) -> io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(ip);
        self.flush_record(ts)
    }

    /// Flush the inner writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The inner writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }

    fn put_ipv4(
        &mut self,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        proto: u8,
        payload: usize,
    ) -> io::Result<()> {
        let total = u16::try_from(payload + IPV4_HEADER).map_err(|_| too_large())?;
        self.ip_id = self.ip_id.wrapping_add(1);
        let start = self.buf.len();
        let b = &mut self.buf;
        b.extend_from_slice(&[0x45, 0]);
        b.extend_from_slice(&total.to_be_bytes());
        b.extend_from_slice(&self.ip_id.to_be_bytes());
        b.extend_from_slice(&[0x40, 0, TTL, proto, 0, 0]); // DF, fragment offset 0
        b.extend_from_slice(&src.octets());
        b.extend_from_slice(&dst.octets());
        let c = checksum::internet(&b[start..]);
        b[start + 10..start + 12].copy_from_slice(&c.to_be_bytes());
        Ok(())
    }

    fn flush_record(&mut self, ts: Duration) -> io::Result<()> {
        let secs = u32::try_from(ts.as_secs())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "timestamp past 2106"))?;
        let frac = match self.resolution {
            TsResolution::Micro => ts.subsec_micros(),
            TsResolution::Nano => ts.subsec_nanos(),
        };
        let len = u32::try_from(self.buf.len()).map_err(|_| too_large())?;
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&secs.to_le_bytes());
        h[4..8].copy_from_slice(&frac.to_le_bytes());
        h[8..12].copy_from_slice(&len.to_le_bytes());
        h[12..16].copy_from_slice(&len.to_le_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(&self.buf)
    }
}

fn put_ipv6(
    b: &mut Vec<u8>,
    src: Ipv6Addr,
    dst: Ipv6Addr,
    next: u8,
    payload: usize,
) -> io::Result<()> {
    let len = u16::try_from(payload).map_err(|_| too_large())?;
    b.extend_from_slice(&[0x60, 0, 0, 0]); // version 6, traffic class 0, flow label 0
    b.extend_from_slice(&len.to_be_bytes());
    b.extend_from_slice(&[next, TTL]);
    b.extend_from_slice(&src.octets());
    b.extend_from_slice(&dst.octets());
    Ok(())
}

fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "packet too large for one IP packet",
    )
}

fn mixed_families() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "source and destination of different IP families",
    )
}

#[cfg(test)]
mod tests;
