//! `--pcap FILE`: every SCTP packet sent and received, as raw IP (protocol 132) or inside
//! UDP (RFC 6951) the way it went on the wire. Records are written unbuffered, so the file
//! is complete even when the process is killed (the server runs until it is).

use std::fs::File;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use usctp::{Datagram, Outgoing};
use usctp_pcap::PcapWriter;

/// A pcap file that packets are appended to.
#[derive(Debug)]
pub struct Tap {
    w: Mutex<PcapWriter<File>>,
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

/// The unspecified address of `ip`'s family: the source of a packet whose source the OS
/// chose (the capture cannot know it).
fn unspecified_like(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

impl Tap {
    /// Create (or truncate) `path` and write the pcap header.
    pub fn create(path: &str) -> io::Result<Self> {
        let w = PcapWriter::new(File::create(path)?)?;
        Ok(Self { w: Mutex::new(w) })
    }

    fn write(&self, src: IpAddr, dst: IpAddr, udp: Option<(u16, u16)>, sctp: &[u8]) {
        let mut w = self.w.lock().unwrap_or_else(|p| p.into_inner());
        let r = match udp {
            Some((sp, dp)) => w.write_udp(
                now(),
                SocketAddr::new(src, sp),
                SocketAddr::new(dst, dp),
                sctp,
            ),
            None => w.write_sctp(now(), src, dst, sctp),
        };
        if let Err(e) = r {
            tracing::debug!(%e, "pcap write failed");
        }
    }

    /// A packet handed to the transport; `local_udp` is its UDP port when encapsulating.
    pub fn sent(&self, pkt: &Outgoing<'_>, local_udp: Option<u16>) {
        let dst = pkt.dst.ip;
        let src = pkt
            .src
            .filter(|s| s.is_ipv4() == dst.is_ipv4())
            .unwrap_or_else(|| unspecified_like(dst));
        let udp = local_udp.zip(pkt.dst.udp_port);
        self.write(src, dst, udp, pkt.data);
    }

    /// A packet the transport received.
    pub fn received(&self, d: &Datagram, local_udp: Option<u16>) {
        let src = d.meta.src.ip;
        let dst = if d.meta.dst.is_ipv4() == src.is_ipv4() {
            d.meta.dst
        } else {
            unspecified_like(src)
        };
        let udp = d.meta.src.udp_port.zip(local_udp);
        self.write(src, dst, udp, &d.data);
    }
}
