//! `sctpt server`: accept associations and echo every message (or discard, or daytime).

use std::net::IpAddr;
use std::sync::Arc;

use usctp::{Association, Endpoint};

use super::cli::{self, Opt, EXTRA};
use super::log::{self, addr_block, atoi, die, DEBUG, INFO, WARNING};
use super::net;

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

#[derive(Debug, Clone, Copy)]
enum Ulp {
    Echo,
    Discard,
    Daytime,
}

/// Run `sctpt server`; never returns normally.
pub async fn run(args: &[String]) -> i32 {
    let p = cli::parse("server", HELP, OPTS, EXTRA, args);
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
    let ulp = match p.or("ulp", "echo") {
        "echo" => Ulp::Echo,
        "discard" => Ulp::Discard,
        "daytime" => Ulp::Daytime,
        other => die(&format!("Invalid ulp [{other}]\n")),
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
        tokio::spawn(serve(fd, a, addrs.clone(), port, peers, ulp));
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
    ulp: Ulp,
) {
    if log::enabled(INFO) {
        log::log(INFO, &format!("serverThread ({fd}).\n"));
        addr_block(INFO, "Local addresses", &local, port);
        addr_block(INFO, "Peer addresses", &peers, a.peer_port());
    }
    if let Ulp::Daytime = ulp {
        if let Err(e) = a.send(0, 0, false, daytime().into_bytes()).await {
            log::log(WARNING, &format!("send {e}\n"));
        }
        let _ = a.shutdown().await;
        return;
    }
    while let Some(m) = a.recv().await {
        if let Ulp::Echo = ulp {
            if let Err(e) = a.send(0, 0, false, m.payload).await {
                // The C server dies here, killing every association; we end only this one.
                log::log(WARNING, &format!("send {}\n", net::describe(&e)));
                a.abort(&b""[..]);
                return;
            }
        }
    }
    match a.shutdown().await {
        Ok(()) => log::out("Connection closed\n"),
        // The C server dies with `recv Connection reset by peer`; only this one ends here.
        Err(e) => log::log(WARNING, &format!("recv {}\n", net::describe(&e))),
    }
}

/// The time of day as RFC 867 suggests, in UTC: `Weekday, Month Day, Year HH:MM:SS-UTC`.
fn daytime() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WD: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MO: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let wd = WD.get(days.rem_euclid(7) as usize).copied().unwrap_or("");
    let mo = MO.get((month - 1) as usize).copied().unwrap_or("");
    format!(
        "{wd}, {mo} {day}, {year} {:02}:{:02}:{:02}-UTC\n",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}
