//! The services an association can be given, by `server` (always) and by `client --ulp`:
//! echo (RFC 862), discard (RFC 863) and daytime (RFC 867), over SCTP.

use usctp::{Association, Error, SendOptions};

use super::cli::Parsed;
use super::daytime::daytime;
use super::log::{self, die, DEBUG};

/// A service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ulp {
    /// Send every message back.
    Echo,
    /// Read and drop every message.
    Discard,
    /// Send the time of day, then shut down.
    Daytime,
}

/// Stream, PPID and PR-SCTP policy of the messages a side sends on its own (the lines, the
/// packet, the daytime line).
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin {
    /// Stream identifier.
    pub stream: u16,
    /// Payload protocol identifier.
    pub ppid: u32,
    /// Abandoned once this old (RFC 7496 §3.1).
    pub lifetime: Option<std::time::Duration>,
    /// Abandoned rather than retransmitted more often (RFC 7496 §3.2).
    pub max_rtx: Option<u32>,
}

impl Origin {
    /// The send options of a message from this side.
    pub fn opts(&self) -> SendOptions {
        let mut o = SendOptions::new(self.stream).ppid(self.ppid);
        if let Some(l) = self.lifetime {
            o = o.lifetime(l);
        }
        if let Some(n) = self.max_rtx {
            o = o.max_retransmissions(n);
        }
        o
    }
}

/// How an association that a service ran on ended.
#[derive(Debug)]
pub enum Served {
    /// The peer shut it down gracefully.
    PeerClosed,
    /// The service shut it down (daytime, after its line).
    Closed,
    /// It ended with `error` in `op` (`recv` for an ABORT or a lost peer, `send`).
    Failed {
        /// The call that reported it, as the C tool names it.
        op: &'static str,
        /// Why.
        error: Error,
    },
}

impl Ulp {
    /// The `--ulp` option: `None` when absent; dies on an unknown name.
    pub fn option(p: &Parsed) -> Option<Self> {
        let name = p.get("ulp")?;
        Some(match name {
            "echo" => Self::Echo,
            "discard" => Self::Discard,
            "daytime" => Self::Daytime,
            other => die(&format!("Invalid ulp [{other}]\n")),
        })
    }

    /// Serve `a` until it ends; daytime sends its line from `origin`.
    pub async fn serve(self, a: &Association, origin: Origin) -> Served {
        if self == Self::Daytime {
            let line = daytime().into_bytes();
            if let Err(error) = a.send_with(line, origin.opts()).await {
                return Served::Failed { op: "send", error };
            }
            return match a.shutdown().await {
                Ok(()) => Served::Closed,
                Err(error) => Served::Failed { op: "recv", error },
            };
        }
        while let Ok(m) = a.recv().await {
            // At --log 7 each message can be counted (the kernel interop cases do).
            if log::enabled(DEBUG) {
                let (len, stream) = (m.payload.len(), m.stream.0);
                log::log(DEBUG, &format!("received {len} bytes on stream {stream}\n"));
            }
            if self == Self::Echo {
                // The message's own stream, PPID and U flag, as usrsctp's echo_server
                // answers (the C sctpt server uses stream 0, PPID 0).
                let (stream, ppid) = (m.stream.0, m.ppid.0);
                if let Err(error) = a
                    .send_with(
                        m.payload,
                        SendOptions::new(stream).ppid(ppid).unordered(m.unordered),
                    )
                    .await
                {
                    return Served::Failed { op: "send", error };
                }
            }
        }
        ended(a).await
    }
}

/// How `a`, whose last message has been read, ended: a graceful close, or its reason.
pub async fn ended(a: &Association) -> Served {
    match a.shutdown().await {
        Ok(()) => Served::PeerClosed,
        Err(error) => Served::Failed { op: "recv", error },
    }
}
