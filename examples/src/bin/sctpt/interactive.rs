//! The C client's interactive loop: prompt `send> `, send a line of stdin plus a NUL as one
//! message, print the reply as `recv> ...`. Unlike the C client, which notices only at its
//! next line, the end of the association is noticed while it waits on stdin too.

use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::net::IpAddr;

use tokio::sync::mpsc;
use usctp::{Association, Message};

use super::log;
use super::ulp::{ended, Origin, Served};

/// The largest line (fgets with a 16384-byte buffer keeps 16383 bytes).
const MAXLINE: usize = 16 * 1024 - 1;

/// Stdin, read line by line by a thread of its own, across associations.
#[derive(Debug)]
pub struct Interactive {
    lines: mpsc::Receiver<Vec<u8>>,
    /// `send> ` is on the screen and no line has been read since.
    prompted: bool,
    origin: Origin,
}

impl Interactive {
    /// Start reading stdin; lines are sent from `origin`.
    pub fn start(origin: Origin) -> Self {
        let (tx, lines) = mpsc::channel::<Vec<u8>>(1);
        std::thread::spawn(move || {
            let mut input = std::io::stdin().lock();
            loop {
                let mut line = Vec::new();
                let n = (&mut input)
                    .take(MAXLINE as u64)
                    .read_until(b'\n', &mut line)
                    .unwrap_or(0);
                if n == 0 || tx.blocking_send(line).is_err() {
                    return;
                }
            }
        });
        Self {
            lines,
            prompted: false,
            origin,
        }
    }

    /// Run on `a` until stdin ends (`None`) or the association does (how it ended).
    pub async fn session(&mut self, a: &Association) -> Option<Served> {
        // Messages that came while waiting on stdin: the replies to the next lines, as the
        // C client would read them from its socket.
        let mut early: VecDeque<Message> = VecDeque::new();
        loop {
            if !self.prompted {
                log::out("send> ");
                self.prompted = true;
            }
            let mut line = tokio::select! {
                line = self.lines.recv() => line?,
                m = a.recv() => {
                    match m {
                        Ok(m) => early.push_back(m),
                        Err(_) => return Some(ended(a).await),
                    }
                    continue;
                }
            };
            self.prompted = false;
            if line.first() == Some(&b'!') {
                command(a, &line).await;
                continue;
            }
            line.push(0);
            let o = self.origin;
            if let Err(error) = a.send_with(line, o.opts()).await {
                return Some(Served::Failed { op: "send", error });
            }
            let reply = match early.pop_front() {
                Some(m) => m,
                None => match a.recv().await {
                    Ok(m) => m,
                    Err(_) => return Some(ended(a).await),
                },
            };
            print_reply(&reply.payload);
        }
    }
}

/// A line starting with `!` is usctp's, not sent: `!add ADDR`, `!del ADDR`, `!primary ADDR`
/// change the association's addresses (RFC 5061; `--asconf on`). The outcome is printed as
/// `asconf> ...`; the peer's answer comes as an event (`--log 7`). `!paths` prints the paths
/// (`paths>`, then a line each).
async fn command(a: &Association, line: &[u8]) {
    let text = String::from_utf8_lossy(line);
    let mut words = text.trim_start_matches('!').split_whitespace();
    let (verb, addr) = (words.next(), words.next().map(str::parse::<IpAddr>));
    if verb == Some("paths") {
        log::out(&super::paths::of(a, "paths>").await);
        return;
    }
    let r = match (verb, addr) {
        (Some("add"), Some(Ok(ip))) => a.add_local_address(ip).await,
        (Some("del"), Some(Ok(ip))) => a.remove_local_address(ip).await,
        (Some("primary"), Some(Ok(ip))) => a.set_peer_primary(ip).await,
        _ => {
            log::out("asconf> usage: !add ADDR | !del ADDR | !primary ADDR | !paths\n");
            return;
        }
    };
    match r {
        Ok(()) => log::out(&format!("asconf> {} requested\n", text.trim())),
        Err(e) => log::out(&format!("asconf> {}: {e}\n", text.trim())),
    }
}

/// `recv> ` and the reply without its last byte (the NUL), up to its first NUL (`%s`).
fn print_reply(payload: &[u8]) {
    let body = payload
        .get(..payload.len().saturating_sub(1))
        .unwrap_or(&[]);
    let end = body.iter().position(|&b| b == 0).unwrap_or(body.len());
    let text = String::from_utf8_lossy(body.get(..end).unwrap_or(&[]));
    log::out(&format!("recv> {text}"));
}
