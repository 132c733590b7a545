//! `sctpt server`: accept associations and echo every message (or discard, or daytime).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use usctp::{Association, Endpoint, Error};

use super::cli::{self, Opt};
use super::extra::{self, Added};
use super::log::{self, addr_block, atoi, die, DEBUG, INFO, WARNING};
use super::net;
use super::ulp::{Origin, Served, Ulp};

const HELP: &str = "server [options]\n  Start a server\n  (usctp: an association that \
    aborts ends alone, the others keep running; the C server exits. See --help-usctp)";

const OPTS: &[Opt] = &[
    cli::LOG,
    Opt {
        name: "addr",
        help: "Numeric comma separated addresses (default ::1)",
    },
    cli::PORT,
];

const ADDED: Added = Added {
    groups: &[extra::TRANSPORT, extra::TUNABLES, extra::SERVER],
    note: extra::SERVER_NOTE,
};

/// What each association gets.
#[derive(Debug, Clone, Copy)]
struct Service {
    ulp: Ulp,
    /// `--abort-after`: abort the association this long after accepting it.
    abort_after: Option<Duration>,
}

/// Run `sctpt server`; never returns normally.
pub async fn run(args: &[String]) -> i32 {
    let p = cli::parse("server", HELP, OPTS, Some(&ADDED), args);
    if let Some(l) = p.get("log") {
        log::set_level(atoi(l));
    }
    let port_s = p.or("port", "6000");
    let port = u16::try_from(atoi(port_s)).unwrap_or(0);
    if atoi(port_s) == 0 {
        die(&format!("Invalid port [{port_s}]\n"));
    }
    let addr_s = p.or("addr", "::1");
    let addrs = match net::parse_addrs(addr_s) {
        Some(a) if !a.is_empty() => a,
        _ => die(&format!("Invalid (or no) addresses [{addr_s}]\n")),
    };
    log::log(DEBUG, &format!("cnt {}\n", addrs.len()));
    let service = Service {
        ulp: Ulp::option(&p).unwrap_or(Ulp::Echo),
        abort_after: p.number("abort-after").map(Duration::from_millis),
    };
    let bound = net::bind_list(&addrs);
    if let Err(e) = net::check_local(&bound) {
        die(&format!("sctp_bindx {}\n", net::strerror(&e)));
    }
    let transport = net::Net::open(&p);
    let Some(cfg) = transport.endpoint_config(&p, bound, port) else {
        die(&format!("sctp_bindx port {port} in use\n"))
    };
    let ep = match Endpoint::bind(cfg).await {
        Ok(ep) => ep,
        Err(e) => die(&format!("listen {e}\n")),
    };
    addr_block(INFO, "Accepting connections on:", &addrs, port);
    let mut fd = 4;
    while let Some(a) = ep.accept().await {
        super::sched::apply(&p, &a).await;
        let a = Arc::new(a);
        let peers = net::peer_addrs(&a).await;
        if log::enabled(INFO) {
            let first = peers.first().copied().into_iter().collect::<Vec<IpAddr>>();
            addr_block(
                INFO,
                &format!("Got a new connection ({fd}) from"),
                &first,
                a.peer_port(),
            );
        }
        net::print_events(format!("assoc ({fd})"), &a);
        tokio::spawn(serve(fd, a, addrs.clone(), port, peers, service));
        fd += 1;
    }
    die("accept endpoint closed\n")
}

async fn serve(
    fd: u32,
    a: Arc<Association>,
    local: Vec<IpAddr>,
    port: u16,
    peers: Vec<IpAddr>,
    service: Service,
) {
    if log::enabled(INFO) {
        log::log(INFO, &format!("serverThread ({fd}).\n"));
        addr_block(INFO, "Local addresses", &local, port);
        addr_block(INFO, "Peer addresses", &peers, a.peer_port());
    }
    // The kernel's defaults for what the server sends on its own.
    let served = service.ulp.serve(&a, Origin::default());
    let served = match service.abort_after {
        None => served.await,
        Some(after) => tokio::select! {
            s = served => s,
            () = tokio::time::sleep(after) => {
                log::log(DEBUG, &format!("assoc ({fd}): abort (--abort-after)\n"));
                a.abort(&b"sctpt server --abort-after"[..]);
                return;
            }
        },
    };
    match served {
        Served::PeerClosed => log::out("Connection closed\n"),
        Served::Closed => {}
        Served::Failed { op, error } => {
            // The C server dies here, killing every association; we end only this one.
            log::log(WARNING, &format!("{op} {}\n", net::describe(&error)));
            if let Error::NotWritable(_) = error {
                // The peer is shutting down (RFC 9260 §9.2): let the shutdown finish, as
                // the kernel does for the C server after it died.
                let _ = a.shutdown().await;
            } else {
                a.abort(&b""[..]);
            }
        }
    }
}
