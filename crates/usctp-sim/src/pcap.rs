//! Writing what crosses the simulated network to a pcap file that tshark/Wireshark read:
//! raw SCTP over IPv4/IPv6, or SCTP in UDP (RFC 6951) where the datagram has ports.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter};
use std::net::SocketAddr;
use std::path::Path;
use std::rc::Rc;

use usctp_pcap::PcapWriter;

use crate::{Event, EventKind, Sim};

type Writer = Rc<RefCell<PcapWriter<BufWriter<File>>>>;

/// A pcap capture attached to a simulation; flushes when dropped.
#[derive(Debug)]
pub struct PcapCapture {
    writer: Writer,
}

impl PcapCapture {
    /// Capture every datagram as it is sent (one record per packet put on the wire).
    pub fn attach(sim: &mut Sim, path: impl AsRef<Path>) -> io::Result<Self> {
        let writer = Rc::new(RefCell::new(PcapWriter::new(BufWriter::new(
            File::create(path)?,
        ))?));
        let w = writer.clone();
        sim.observe(move |e: &Event<'_>| {
            if e.kind != EventKind::Sent {
                return;
            }
            let d = e.datagram;
            let mut w = w.borrow_mut();
            // A failed write cannot be reported from an observer; the file is then short.
            let _ = match (d.src.port, d.dst.port) {
                (Some(sp), Some(dp)) => w.write_udp(
                    e.time,
                    SocketAddr::new(d.src.ip, sp),
                    SocketAddr::new(d.dst.ip, dp),
                    &d.payload,
                ),
                _ => w.write_sctp(e.time, d.src.ip, d.dst.ip, &d.payload),
            };
        });
        Ok(Self { writer })
    }

    /// Flush buffered records to the file.
    pub fn flush(&self) -> io::Result<()> {
        self.writer.borrow_mut().flush()
    }
}

impl Drop for PcapCapture {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
