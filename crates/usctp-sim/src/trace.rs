//! A stable hash of everything that happened (FNV-1a 64), for determinism checks. Stable
//! across Rust versions, unlike `DefaultHasher`.

use std::net::IpAddr;

use crate::{Addr, DropReason, Event, EventKind};

#[derive(Debug, Clone, Copy)]
pub(crate) struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHash {
    pub(crate) fn value(self) -> u64 {
        self.0
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_be_bytes());
    }

    fn addr(&mut self, addr: &Addr) {
        match addr.ip {
            IpAddr::V4(ip) => self.bytes(&ip.octets()),
            IpAddr::V6(ip) => self.bytes(&ip.octets()),
        }
        self.u64(addr.port.map_or(u64::MAX, u64::from));
    }

    pub(crate) fn event(&mut self, e: &Event<'_>) {
        let kind = match e.kind {
            EventKind::Sent => 0,
            EventKind::Delivered => 1,
            EventKind::Dropped(r) => match r {
                DropReason::NoRoute => 2,
                DropReason::LinkDown => 3,
                DropReason::Mtu => 4,
                DropReason::RandomLoss => 5,
                DropReason::BurstLoss => 6,
                DropReason::QueueFull => 7,
            },
        };
        self.u64(kind);
        self.u64(u64::try_from(e.time.as_nanos()).unwrap_or(u64::MAX));
        self.u64(e.id.0);
        self.u64(e.link.map_or(u64::MAX, |l| l.0 as u64));
        self.addr(&e.datagram.src);
        self.addr(&e.datagram.dst);
        self.u64(e.datagram.payload.len() as u64);
        self.bytes(&e.datagram.payload);
    }
}
