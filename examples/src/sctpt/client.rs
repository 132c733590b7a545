//! `sctpt client`: connect (2 s limit), then an interactive echo loop or one `--size` packet.

use std::io::{BufRead, Read};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use usctp::{Association, CloseReason, ConnectError, Endpoint};

use super::cli::{self, Opt};
use super::extra::{self, Added};
use super::log::{self, atoi, die, notice, INFO};
use super::net;

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
    groups: &[extra::TRANSPORT, extra::TUNABLES],
    note: "",
};

const MAXMSG: usize = 16 * 1024;

/// A connected client: the association and the addresses to print.
pub struct Connected {
    /// The association.
    pub assoc: Arc<Association>,
    /// Keeps the endpoint (and its driver) alive.
    pub endpoint: Endpoint,
    /// The local SCTP port.
    pub lport: u16,
}

impl Connected {
    /// At `level`: `header`, then the local (`laddrs`) and the peer addresses.
    pub async fn log(&self, level: u8, header: &str, laddrs: &[IpAddr]) {
        if log::enabled(level) {
            let peers = net::peer_addrs(&self.assoc).await;
            let mut s = format!("{header}Local addresses\n");
            s.extend(laddrs.iter().map(|ip| log::addr_line(*ip, self.lport)));
            s.push_str("Peer addresses\n");
            let port = self.assoc.peer_port();
            s.extend(peers.iter().map(|ip| log::addr_line(*ip, port)));
            log::log(level, &s);
        }
    }
}

/// An ephemeral SCTP port, as the kernel would pick for `bind(port 0)`.
pub fn ephemeral_port() -> u16 {
    32768 + (net::random_u64() % (60999 - 32768 + 1)) as u16
}

/// Bind `laddrs` (one ephemeral port for all) and connect to `addrs` on `port`, dying with
/// the C tool's messages; `timeout` is the C client's 2 s poll (None: blocking connect).
pub async fn connect(
    p: &cli::Parsed,
    transport: &net::Net,
    addrs: &[IpAddr],
    laddrs: &[IpAddr],
    port: u16,
    timeout: Option<Duration>,
) -> Result<Connected, String> {
    let bound = net::bind_list(laddrs);
    if let Err(e) = net::check_local(&bound) {
        die(&format!("sctp_bindx {}\n", net::strerror(&e)));
    }
    let (lport, cfg) = loop {
        let lport = ephemeral_port();
        if let Some(cfg) = transport.endpoint_config(p, bound.clone(), lport) {
            break (lport, cfg);
        }
    };
    let endpoint = match Endpoint::bind(cfg).await {
        Ok(ep) => ep,
        Err(e) => die(&format!("sctp_bindx {e}\n")),
    };
    let peers: Vec<_> = addrs.iter().map(|ip| transport.peer(*ip)).collect();
    let fut = endpoint.connect(&peers, port);
    let res = match timeout {
        Some(t) => match tokio::time::timeout(t, fut).await {
            Ok(r) => r,
            Err(_) => die("sctp_connectx timeout\n"),
        },
        None => fut.await,
    };
    match res {
        Ok(a) => Ok(Connected {
            assoc: Arc::new(a),
            endpoint,
            lport,
        }),
        // Linux fails the connect with ECONNREFUSED on an ABORT and, in COOKIE-WAIT, on an
        // ICMP protocol unreachable alike.
        Err(ConnectError::Failed(CloseReason::Refused(_)) | ConnectError::NoSctpListener(_)) => {
            Err("Connection refused".into())
        }
        Err(ConnectError::Failed(CloseReason::InitFailed)) => Err("Connection timed out".into()),
        Err(ConnectError::Invalid(_)) => Err("Invalid argument".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// What `client` and `ctraffic` parse alike: the server port, the server and the local
/// addresses (dying with the C tool's messages), after setting the log level.
pub fn targets(p: &cli::Parsed) -> (u16, Vec<IpAddr>, Vec<IpAddr>) {
    if let Some(l) = p.get("log") {
        log::set_level(atoi(l));
    }
    let port_s = p.or("port", "6000");
    if atoi(port_s) == 0 {
        die(&format!("Invalid port [{port_s}]\n"));
    }
    let port = u16::try_from(atoi(port_s)).unwrap_or(0);
    let addr_s = p.or("addr", "::1");
    let Some(addrs) = net::parse_addrs(addr_s) else {
        die(&format!("Invalid addresses [{addr_s}]\n"))
    };
    let laddr_s = p.or("laddr", "::1");
    let Some(laddrs) = net::parse_addrs(laddr_s) else {
        die(&format!("Invalid local addresses [{laddr_s}]\n"))
    };
    (port, addrs, laddrs)
}

/// Run `sctpt client`.
pub async fn run(args: &[String]) -> i32 {
    let p = cli::parse("client", HELP, OPTS, Some(&ADDED), args);
    let (port, addrs, laddrs) = targets(&p);
    let transport = net::Net::open(&p);
    let limit = Some(Duration::from_secs(2));
    let c = match connect(&p, &transport, &addrs, &laddrs, port, limit).await {
        Ok(c) => c,
        Err(e) => die(&format!("sctp_connectx (getsockopt) {e}\n")),
    };
    c.log(INFO, "Connected\n", &laddrs).await;
    net::print_events("client".into(), &c.assoc);
    let rc = match p.get("size") {
        Some(s) => one_packet(&c.assoc, atoi(s)).await,
        None => interactive(&c.assoc).await,
    };
    // close(): a graceful SHUTDOWN, which the kernel would finish after exit.
    let _ = tokio::time::timeout(Duration::from_secs(5), c.assoc.shutdown()).await;
    c.endpoint.close().await;
    rc
}

async fn interactive(a: &Association) -> i32 {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock();
        loop {
            let mut line = Vec::new();
            // fgets with a 16384-byte buffer: at most 16383 bytes, keeping the newline.
            let n = (&mut input)
                .take((MAXMSG - 1) as u64)
                .read_until(b'\n', &mut line)
                .unwrap_or(0);
            if n == 0 || tx.blocking_send(line).is_err() {
                return;
            }
        }
    });
    loop {
        log::out("send> ");
        let Some(mut line) = rx.recv().await else {
            break;
        };
        line.push(0);
        if let Err(e) = a.send(0, 0, false, line).await {
            die(&format!("send {e}\n"));
        }
        match a.recv().await {
            Some(m) => {
                let body = m
                    .payload
                    .get(..m.payload.len().saturating_sub(1))
                    .unwrap_or(&[]);
                // printf("%s"): the text ends at the first NUL.
                let end = body.iter().position(|&b| b == 0).unwrap_or(body.len());
                let text = String::from_utf8_lossy(body.get(..end).unwrap_or(&[]));
                log::out(&format!("recv> {text}"));
            }
            None => {
                log::log(INFO, "Connection closed\n");
                break;
            }
        }
    }
    0
}

async fn one_packet(a: &Association, size: i64) -> i32 {
    if !(1..=MAXMSG as i64).contains(&size) {
        die(&format!("Invalid size: {size}\n"));
    }
    let n = size as usize;
    if let Err(e) = a.send(0, 0, false, vec![0u8; n]).await {
        die(&format!("Send failed: {e}\n"));
    }
    notice(&format!("Sent {n} bytes\n"));
    let m = match tokio::time::timeout(Duration::from_secs(1), a.recv()).await {
        Ok(Some(m)) => m,
        Ok(None) => die(&format!("Got 0 bytes, but expected {n}\n")),
        Err(_) => die("No response"),
    };
    if m.payload.len() != n {
        die(&format!(
            "Got {} bytes, but expected {n}\n",
            m.payload.len()
        ));
    }
    notice(&format!("Received {n} bytes\n"));
    0
}
