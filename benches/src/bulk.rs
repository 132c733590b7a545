//! Bulk transfer over the in-memory link: one thread, both ends, no loss.

use std::time::Duration;

use bytes::Bytes;

use crate::cpu::Stopwatch;
use crate::link::{advance, connected, pump, Contender, PairConfig, Refused};

/// One bulk run's result.
#[derive(Debug, Clone, Copy)]
pub struct BulkResult {
    /// User bytes delivered to the server per CPU second, in MB/s (10^6).
    pub mb_per_s: f64,
    /// CPU nanoseconds (both ends and the link) per DATA-carrying packet, client to server.
    pub ns_per_packet: f64,
    /// Packets client to server, server to client.
    pub packets: (u64, u64),
}

/// Send `total` bytes in messages of `size` from client to server; measures from the first
/// message to the last delivered byte (the handshake is not timed).
pub fn run<C: Contender>(cfg: &PairConfig, size: usize, total: usize) -> BulkResult {
    let (mut c, mut link, mut now) = connected::<C>(cfg);
    let message = Bytes::from(vec![0xa5u8; size]);
    let count = total.div_ceil(size);
    let expected = count * size;
    let start_packets = (link.packets_to_server, link.packets_to_client);
    let (mut sent, mut delivered) = (0usize, 0usize);
    let clock = Stopwatch::start();
    while delivered < expected {
        while sent < count {
            match c.send(now, &message) {
                Ok(()) => sent += 1,
                Err(Refused::Full) => break,
                // Retrying would spin until the stall check: a harness bug, not a measurement.
                Err(Refused::Failed(e)) => panic!("{}: send refused: {e}", C::NAME),
            }
        }
        let moved = pump(&mut c, now, &mut link);
        delivered += c.take_delivered();
        if moved == 0 && delivered < expected {
            assert!(
                advance(&mut c, &mut now) && now < Duration::from_secs(3600),
                "{}: transfer stalled at {delivered} of {expected} bytes",
                C::NAME
            );
        }
    }
    let t = clock.elapsed();
    let packets = (
        link.packets_to_server - start_packets.0,
        link.packets_to_client - start_packets.1,
    );
    BulkResult {
        mb_per_s: expected as f64 / t.cpu.as_secs_f64() / 1e6,
        ns_per_packet: t.cpu.as_nanos() as f64 / packets.0.max(1) as f64,
        packets,
    }
}
