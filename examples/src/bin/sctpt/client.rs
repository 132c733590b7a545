//! `sctpt client`: connect (2 s limit by default), then the interactive echo loop, one
//! `--size` packet, or a `--ulp` service; with `--reconnect`, a new association after each
//! refusal, failed handshake or end.

use std::time::Duration;

use usctp::{Association, Error};

use super::cli::{self, Opt};
use super::connect::{self, Connected, Target, C_CONNECT_LIMIT};
use super::extra::{self, Added};
use super::interactive::Interactive;
use super::log::{self, atoi, die, notice, INFO, WARNING};
use super::net::{self, Net};
use super::ulp::{Origin, Served, Ulp};

const HELP: &str = "client [options]\n  Start an interactive client. If --size is specified, only  one packet is sent, and the program will terminate after  the reply (intended for mtu/fragmentation test)";

const OPTS: &[Opt] = &[
    cli::LOG,
    cli::CLIENT_ADDRS[0],
    cli::CLIENT_ADDRS[1],
    cli::PORT,
    Opt {
        name: "size",
        help: "One-packet size",
    },
];

const ADDED: Added = Added {
    groups: &[extra::TRANSPORT, extra::TUNABLES, extra::CLIENT],
    note: extra::CLIENT_NOTE,
};

const MAXMSG: usize = 16 * 1024;

/// What the client does on each association.
enum Mode {
    Interactive(Interactive),
    OnePacket(i64),
    Serve(Ulp),
}

/// The options that shape the client's life.
struct Plan {
    /// Connect limit; `None`: until Max.Init.Retransmits is exhausted.
    limit: Option<Duration>,
    /// `--reconnect`: the pause before a new association.
    reconnect: Option<Duration>,
    origin: Origin,
    /// `--reset-streams`: outgoing streams to reset once connected (empty: all).
    reset: Option<Vec<u16>>,
}

impl Plan {
    fn new(p: &cli::Parsed) -> Self {
        let limit = match p.get("connect-timeout") {
            None => Some(C_CONNECT_LIMIT),
            Some("init") => None,
            Some(_) => match p.number::<u64>("connect-timeout") {
                Some(ms) if ms > 0 => Some(Duration::from_millis(ms)),
                _ => die("Invalid connect-timeout [0]: give ms > 0 or 'init'\n"),
            },
        };
        Self {
            limit,
            reconnect: p.number("reconnect").map(Duration::from_millis),
            origin: Origin {
                stream: p.number("stream").unwrap_or(0),
                ppid: p.number("ppid").unwrap_or(0),
                lifetime: p.number("lifetime").map(Duration::from_millis),
                max_rtx: p.number("max-rtx"),
            },
            reset: p.get("reset-streams").map(stream_list),
        }
    }

    /// After `msg` (an error): a warning and the pause with `--reconnect`, else death.
    async fn retry_or_die(&self, msg: &str) {
        let Some(pause) = self.reconnect else {
            die(msg)
        };
        log::log(WARNING, msg);
        tokio::time::sleep(pause).await;
    }
}

/// `all`, or streams separated by commas.
fn stream_list(v: &str) -> Vec<u16> {
    if v == "all" {
        return Vec::new();
    }
    v.split(',')
        .map(|s| {
            s.trim()
                .parse()
                .unwrap_or_else(|_| die(&format!("Invalid reset-streams [{v}]\n")))
        })
        .collect()
}

/// Run `sctpt client`.
pub async fn run(args: &[String]) -> i32 {
    let p = cli::parse("client", HELP, OPTS, Some(&ADDED), args);
    let t = connect::target(&p);
    let plan = Plan::new(&p);
    let mut mode = match (p.get("size"), Ulp::option(&p)) {
        (Some(_), Some(_)) => die("Invalid: --size and --ulp exclude each other\n"),
        (Some(s), None) => Mode::OnePacket(atoi(s)),
        (None, Some(u)) => Mode::Serve(u),
        (None, None) => Mode::Interactive(Interactive::start(plan.origin)),
    };
    let transport = Net::open(&p);
    loop {
        let c = match connect::connect(&p, &transport, &t, plan.limit).await {
            Ok(c) => c,
            Err(e) => {
                plan.retry_or_die(&e.client_message()).await;
                continue;
            }
        };
        if let Some(streams) = &plan.reset {
            // RFC 6525: messages sent on them from now on wait for the reset and start at
            // SSN 0; the outcome is an event (shown with --log 7).
            if let Err(e) = c.assoc.reset_streams(streams).await {
                die(&format!("reset-streams: {e}\n"));
            }
            log::log(INFO, "Stream reset requested\n");
        }
        match association(&c, &t, &mut mode, plan.origin).await {
            None => {
                finish(&c).await;
                return 0;
            }
            Some(Served::PeerClosed) => log::log(INFO, "Connection closed\n"),
            Some(Served::Closed) => {}
            Some(Served::Failed { op, error }) => {
                finish(&c).await;
                let msg = format!("{op} {}\n", net::describe(&error));
                if !ends_association(&error) {
                    die(&msg);
                }
                plan.retry_or_die(&msg).await;
                continue;
            }
        }
        finish(&c).await;
        let Some(pause) = plan.reconnect else {
            return 0;
        };
        tokio::time::sleep(pause).await;
    }
}

/// Run `mode` on a new association; `None` when the client is done (stdin ended, or the
/// one packet came back), else how the association ended.
async fn association(c: &Connected, t: &Target, mode: &mut Mode, origin: Origin) -> Option<Served> {
    c.log(INFO, "Connected\n", &t.laddrs).await;
    net::print_events("client".into(), &c.assoc);
    match mode {
        Mode::Interactive(i) => i.session(&c.assoc).await,
        Mode::Serve(u) => Some(u.serve(&c.assoc, origin).await),
        Mode::OnePacket(size) => {
            one_packet(&c.assoc, *size, origin).await;
            None
        }
    }
}

/// Whether `e` says the association ended (a reason to reconnect), rather than that the
/// request was bad (a reason to stop).
fn ends_association(e: &Error) -> bool {
    matches!(
        e,
        Error::Closed(_) | Error::NotWritable(_) | Error::EndpointClosed
    )
}

/// close(): a graceful SHUTDOWN (which the kernel would finish after exit) if the
/// association is still up, then the endpoint.
async fn finish(c: &Connected) {
    let _ = tokio::time::timeout(Duration::from_secs(5), c.assoc.shutdown()).await;
    c.endpoint.close().await;
}

async fn one_packet(a: &Association, size: i64, o: Origin) {
    if !(1..=MAXMSG as i64).contains(&size) {
        die(&format!("Invalid size: {size}\n"));
    }
    let n = size as usize;
    if let Err(e) = a.send_with(vec![0u8; n], o.opts()).await {
        die(&format!("Send failed: {e}\n"));
    }
    notice(&format!("Sent {n} bytes\n"));
    let m = match tokio::time::timeout(Duration::from_secs(1), a.recv()).await {
        Ok(Ok(m)) => m,
        Ok(Err(_)) => die(&format!("Got 0 bytes, but expected {n}\n")),
        Err(_) => die("No response"),
    };
    if m.payload.len() != n {
        die(&format!(
            "Got {} bytes, but expected {n}\n",
            m.payload.len()
        ));
    }
    notice(&format!("Received {n} bytes\n"));
}
