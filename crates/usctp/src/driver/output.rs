//! Output: packets from the core to the transport, same-sized runs to one destination as
//! one GSO batch.

use std::future::poll_fn;
use std::sync::Arc;
use std::time::Instant;

use usctp_proto::Transmit;
use usctp_transport::{Outgoing, Transport};

use super::Driver;

/// Largest GSO batch, bytes (a UDP datagram's payload limit, with room to spare).
const MAX_BATCH_BYTES: usize = 65_000;

impl Driver {
    /// Send everything due and handle events until the core is quiet.
    pub(super) async fn flush(&mut self) {
        let max_batch = self.transport.max_batch().max(1);
        loop {
            let now = Instant::now();
            // A packet already in `buf` that starts the next batch.
            let mut carry: Option<Transmit> = None;
            loop {
                let first = match carry.take() {
                    Some(t) => t,
                    None => {
                        self.buf.clear();
                        match self.ep.poll_transmit(now, &mut self.buf) {
                            Some(t) => t,
                            None => break,
                        }
                    }
                };
                let (count, end, next) = self.gather(now, &first, max_batch);
                let batch = self.buf.get(..end).unwrap_or_default();
                send_batch(&self.transport, batch, &first, count).await;
                if let Some(t) = next {
                    self.buf.drain(..end);
                    carry = Some(t);
                }
            }
            if !self.drain_events(now) {
                return;
            }
        }
    }

    /// Append packets that can share a GSO batch with `first` (same destination and source,
    /// same size, only the last smaller). Returns the packet count, the batch's end in
    /// `buf`, and a packet that did not fit (it follows the batch in `buf`).
    fn gather(
        &mut self,
        now: Instant,
        first: &Transmit,
        max_batch: usize,
    ) -> (usize, usize, Option<Transmit>) {
        let seg = first.len;
        let (mut count, mut end) = (1, seg);
        while count < max_batch && end + seg <= MAX_BATCH_BYTES {
            let Some(t) = self.ep.poll_transmit(now, &mut self.buf) else {
                break;
            };
            if t.dst != first.dst || t.src != first.src || t.len > seg {
                return (count, end, Some(t));
            }
            count += 1;
            end += t.len;
            if t.len < seg {
                break;
            }
        }
        (count, end, None)
    }
}

/// Send the `count` packets in `data`, the first described by `first` (one GSO batch when
/// more than one).
async fn send_batch(transport: &Arc<dyn Transport>, data: &[u8], first: &Transmit, count: usize) {
    let pkt = Outgoing {
        dst: first.dst,
        src: first.src,
        data,
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
