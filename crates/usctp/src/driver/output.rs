//! Output: packets from the core to the transport, same-sized runs to one destination as
//! one GSO batch.
//!
//! The core wants its transmits polled after every input (`Endpoint::poll_transmit`): its
//! Max.Burst limit counts packets per input, so polling only once after a whole receive
//! batch would send one burst for many SACKs. The driver therefore collects the packets due
//! after each input into `buf` (with their [`Transmit`]s in `pending`) and sends everything
//! collected in one go at the end of the turn, as GSO batches where it can.

use std::future::poll_fn;
use std::sync::Arc;
use std::time::Instant;

use usctp_proto::Transmit;
use usctp_transport::{Outgoing, Transport};

use super::Driver;

/// Largest GSO batch, bytes (a UDP datagram's payload limit, with room to spare).
const MAX_BATCH_BYTES: usize = 65_000;
/// Output buffer capacity kept between turns, bytes (about a 1 MiB window's worth).
const MAX_KEPT_BYTES: usize = 2 << 20;

impl Driver {
    /// Move every packet due now from the core to `buf` / `pending` (not sent yet).
    pub(super) fn collect(&mut self, now: Instant) {
        while let Some(t) = self.ep.poll_transmit(now, &mut self.buf) {
            self.pending.push(t);
        }
    }

    /// Send everything due and handle events until the core is quiet.
    pub(super) async fn flush(&mut self) {
        let max_batch = self.transport.max_batch().max(1);
        self.settle_starved();
        loop {
            let now = Instant::now();
            self.collect(now);
            self.send_pending(max_batch).await;
            if !self.drain_events(now) {
                return;
            }
        }
    }

    /// Whether the packet at `off` in `buf` starts with DATA, I-DATA or SACK: only those
    /// share GSO batches. Other control packets (ABORT replies to a burst of out-of-the-blue
    /// packets, say) go one by one: batching them saves little, and a capture taken before
    /// segmentation (on a veth) would show the batch as one malformed packet.
    fn bulk(&self, off: usize) -> bool {
        // RFC 9260 §3.2 chunk types 0 (DATA) and 3 (SACK); RFC 8260 §2.1 64 (I-DATA).
        matches!(self.buf.get(off + 12), Some(0 | 3 | 64))
    }

    /// Send the collected packets in order, runs that can share a GSO batch together (same
    /// destination and source, same size, only the last smaller).
    async fn send_pending(&mut self, max_batch: usize) {
        let (mut i, mut off) = (0, 0);
        while let Some(&first) = self.pending.get(i) {
            let (mut count, mut len) = (1, first.len);
            while count < max_batch && self.bulk(off) {
                let Some(t) = self.pending.get(i + count) else {
                    break;
                };
                if !self.bulk(off + len)
                    || first.may_fragment
                    || t.may_fragment
                    || t.dst != first.dst
                    || t.src != first.src
                    || t.len > first.len
                    || len + t.len > MAX_BATCH_BYTES
                {
                    break;
                }
                count += 1;
                len += t.len;
                if t.len < first.len {
                    break;
                }
            }
            let batch = self.buf.get(off..off + len).unwrap_or_default();
            send_batch(&self.transport, batch, &first, count).await;
            i += count;
            off += len;
        }
        self.pending.clear();
        self.buf.clear();
        // A turn of many associations may have collected a lot: do not keep that for good.
        if self.buf.capacity() > MAX_KEPT_BYTES {
            self.buf.shrink_to(MAX_BATCH_BYTES);
            self.pending.shrink_to(64);
        }
    }
}

/// Send the `count` packets in `data`, the first described by `first` (one GSO batch when
/// more than one).
async fn send_batch(transport: &Arc<dyn Transport>, data: &[u8], first: &Transmit, count: usize) {
    let pkt = Outgoing {
        dst: first.dst,
        src: first.src,
        data,
        may_fragment: first.may_fragment,
    };
    let r = if count > 1 {
        poll_fn(|cx| transport.poll_send_batch(cx, &pkt, first.len)).await
    } else {
        poll_fn(|cx| transport.poll_send(cx, &pkt)).await
    };
    if let Err(e) = r {
        tracing::debug!(%e, dst = %first.dst, count, "send failed");
    }
}
