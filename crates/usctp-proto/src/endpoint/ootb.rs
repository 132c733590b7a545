//! Out-of-the-blue packets (RFC 9260 §8.4).

use usctp_wire::chunk::{Abort, Chunk, ShutdownComplete};
use usctp_wire::CommonHeader;

use super::Endpoint;
use crate::DatagramMeta;

impl Endpoint {
    /// A packet no association claims (INIT and COOKIE ECHO are handled before this).
    pub(super) fn out_of_the_blue(
        &mut self,
        meta: &DatagramMeta,
        header: &CommonHeader,
        chunks: &[Chunk],
    ) {
        self.stats.discarded += 1;
        // Rules 2, 6, 7: never answer an ABORT, SHUTDOWN COMPLETE, COOKIE ACK or ERROR.
        let silent = chunks.iter().any(|c| {
            matches!(
                c,
                Chunk::Abort(_)
                    | Chunk::ShutdownComplete(_)
                    | Chunk::CookieAck(_)
                    | Chunk::Error(_)
            )
        });
        // Configurable: a HEARTBEAT that no association claims may be dropped silently.
        let quiet_hb = !self.cfg.abort_ootb_heartbeats
            && matches!(
                chunks.iter().find(|c| !matches!(c, Chunk::Auth(_))),
                Some(Chunk::Heartbeat(_))
            );
        if silent || quiet_hb {
            return;
        }
        let reply_header = CommonHeader {
            src_port: header.dst_port,
            dst_port: header.src_port,
            vtag: header.vtag,
        };
        // Rule 5: SHUTDOWN ACK gets SHUTDOWN COMPLETE with the T bit (tag reflected). RFC 4895
        // §6.3: a packet that starts with AUTH is judged by the chunk after it (a peer that
        // asked for SHUTDOWN ACK to be authenticated sends AUTH first).
        let first = chunks.iter().find(|c| !matches!(c, Chunk::Auth(_)));
        let answer = if matches!(first, Some(Chunk::ShutdownAck(_))) {
            Chunk::ShutdownComplete(ShutdownComplete { t_bit: true })
        } else {
            // Rule 8: ABORT with the T bit, the packet's tag reflected.
            Chunk::Abort(Abort {
                t_bit: true,
                causes: Vec::new(),
            })
        };
        self.reply(meta.src, meta.dst, reply_header, &[answer]);
    }
}
