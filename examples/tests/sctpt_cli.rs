//! `sctpt` as a child process: help output, getopt errors, the `echo Hi | sctpt client`
//! probe against `sctpt server` over UDP encapsulation on loopback, and the server's
//! `--log 6` transcript, all as the spec of the C tool writes them. UDP ports 7100-7109.

use std::time::{Duration, Instant};

mod sctpt_util;
use sctpt_util::{mask_port, run, text, Server, BIN};

#[test]
fn top_level_help_lists_the_commands() {
    for args in [&[][..], &["-h"][..], &["--help"][..]] {
        let out = run(args, b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            text(&out.stdout),
            format!(
                "Usage: {BIN} <command> [opt...]\nCommands:\n  client\n  ctraffic\n  stats\n  \
                 server\n"
            )
        );
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn client_help_is_the_c_tools() {
    let expected = "client [options]\n  Start an interactive client. If --size is specified, \
        only  one packet is sent, and the program will terminate after  the reply (intended \
        for mtu/fragmentation test)\n  --log= Log level 0-7 \n  --addr= Server addresses \
        (default ::1) \n  --laddr= Local addresses (default ::1) \n  --port= Port (default \
        6000) \n  --size= One-packet size \n";
    for flag in ["-h", "--help", "-help", "--he"] {
        let out = run(&["client", flag], b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert_eq!(text(&out.stdout), expected, "{flag}");
    }
}

#[test]
fn server_help_is_the_c_tools_plus_the_abort_note() {
    let out = run(&["server", "-h"], b"", Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "server [options]\n  Start a server\n  (usctp: an association that aborts ends alone, \
         the others keep running; the C server exits. See --help-usctp)\n  --log= Log level \
         0-7 \n  --addr= Numeric comma separated addresses (default ::1) \n  --port= Port \
         (default 6000) \n"
    );
}

#[test]
fn getopt_errors_and_fatal_messages_exit_1() {
    let cases: &[(&[&str], &str)] = &[
        (&["bogus"], "Unknown command [bogus]\n"),
        (
            &["server", "--foo"],
            "server: unrecognized option '--foo'\n",
        ),
        (
            &["server", "-foo=1"],
            "server: unrecognized option '-foo=1'\n",
        ),
        (
            &["client", "-l", "6"],
            "client: option '-l' is ambiguous; possibilities: '-log' '-laddr'\n",
        ),
        (
            &["client", "--log"],
            "client: option '--log' requires an argument\n",
        ),
        (&["server", "--port=abc"], "Invalid port [abc]\n"),
        (&["server", "--addr="], "Invalid (or no) addresses []\n"),
        (
            &["client", "-addr", "nohost"],
            "Name or service not known [nohost]\nInvalid addresses [nohost]\n",
        ),
    ];
    for (args, err) in cases {
        let out = run(args, b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr), *err, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn echo_hi_probe_and_server_log6_transcript() {
    let server = Server::start(&[
        "--log",
        "6",
        "--addr",
        "127.0.0.1,127.0.0.2",
        "--port",
        "6001",
        "--udp-port",
        "7100",
    ]);
    let head = server.lines(3, Duration::from_secs(10));
    assert_eq!(
        head,
        [
            "Accepting connections on:",
            "  ::ffff:127.0.0.1,6001",
            "  ::ffff:127.0.0.2,6001"
        ]
    );

    let out = run(
        &[
            "client",
            "--addr",
            "127.0.0.1",
            "--laddr",
            "127.0.0.1",
            "--port",
            "6001",
            "--udp-port",
            "7101",
            "--encap-port",
            "7100",
        ],
        b"Hi\n",
        Duration::from_secs(15),
    );
    assert_eq!(text(&out.stdout), "send> recv> Hi\nsend> ");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    let raw = server.lines(8, Duration::from_secs(10));
    let rest: Vec<String> = raw.iter().map(|l| mask_port(l)).collect();
    assert_eq!(
        rest,
        [
            "Got a new connection (4) from",
            "  ::ffff:127.0.0.1,*",
            "serverThread (4).",
            "Local addresses",
            "  ::ffff:127.0.0.1,*",
            "  ::ffff:127.0.0.2,*",
            "Peer addresses",
            "  ::ffff:127.0.0.1,*",
        ]
    );
    // The peer's port is the client's ephemeral SCTP port, the same in both blocks.
    let peer_port = raw[1].rsplit_once(',').map(|(_, p)| p.to_string());
    assert_ne!(peer_port.as_deref(), Some("0"));
    assert_eq!(raw[7], raw[1]);
    assert_eq!(raw[4], "  ::ffff:127.0.0.1,6001");
    // `Connection closed` on stdout once the client's SHUTDOWN completed.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.stop(), "Connection closed\n");
}

#[test]
fn client_logs_connected_at_log6_and_size_mode() {
    let server = Server::start(&[
        "--addr",
        "127.0.0.1",
        "--port",
        "6002",
        "--udp-port",
        "7102",
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let out = run(
        &[
            "client",
            "--log=6",
            "-addr=127.0.0.1",
            "-laddr",
            "127.0.0.1",
            "--port",
            "6002",
            "--udp-port",
            "7103",
            "--encap-port",
            "7102",
            "--size",
            "3000",
        ],
        b"",
        Duration::from_secs(15),
    );
    let err: Vec<String> = text(&out.stderr).lines().map(mask_port).collect();
    assert_eq!(
        err,
        [
            "Connected",
            "Local addresses",
            "  ::ffff:127.0.0.1,*",
            "Peer addresses",
            "  ::ffff:127.0.0.1,*",
            "Sent 3000 bytes",
            "Received 3000 bytes",
        ]
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    drop(server);
}

/// `sctpt client` over UDP from local UDP port `udp` to remote UDP port `encap`.
fn probe_client(udp: &str, encap: &str) -> std::process::Output {
    run(
        &[
            "client",
            "--addr",
            "127.0.0.1",
            "--laddr",
            "127.0.0.1",
            "--udp-port",
            udp,
            "--encap-port",
            encap,
        ],
        b"Kalle\n",
        Duration::from_secs(10),
    )
}

#[test]
fn client_without_server_fails_within_about_2s() {
    // A socket that never reads: the INITs vanish without a word (no ICMP either).
    let _silent = std::net::UdpSocket::bind("127.0.0.1:7105").expect("bind UDP 7105");
    let start = Instant::now();
    let out = probe_client("7104", "7105");
    assert_eq!(out.status.code(), Some(1));
    assert!(start.elapsed() < Duration::from_secs(4));
    assert_eq!(text(&out.stderr), "sctp_connectx timeout\n");
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn client_to_a_closed_udp_port_is_refused() {
    // Nothing on UDP 7107: the INIT draws ICMP port unreachable, which ends the connect at
    // once like an ABORT (RFC 6951 §5.5; Linux says ECONNREFUSED).
    let out = probe_client("7106", "7107");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "sctp_connectx (getsockopt) Connection refused\n"
    );
    assert_eq!(text(&out.stdout), "");
}

/// The number after "(default " in `line`.
fn stated_default(line: &str) -> Option<u128> {
    let rest = &line[line.find("(default ")? + "(default ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[test]
fn usctp_help_states_the_library_defaults() {
    let d = usctp::AssociationConfig::default();
    let ms = |t: Duration| t.as_millis();
    let expected = [
        ("rto-initial", ms(d.rto_initial)),
        ("rto-min", ms(d.rto_min)),
        ("rto-max", ms(d.rto_max)),
        ("hb-interval", d.hb_interval.map_or(0, ms)),
        ("path-max-retrans", u128::from(d.path_max_retrans)),
        ("assoc-max-retrans", u128::from(d.assoc_max_retrans)),
        ("max-init-retrans", u128::from(d.max_init_retransmits)),
        (
            "pf-max-retrans",
            u128::from(d.pf_max_retrans.expect("SCTP-PF on")),
        ),
        ("sack-delay", ms(d.sack_delay)),
        ("streams", u128::from(d.outbound_streams)),
        ("encap-port", u128::from(usctp::DEFAULT_UDP_PORT)),
    ];
    for cmd in ["server", "client", "ctraffic"] {
        let help = usctp_help(cmd);
        for (name, value) in expected {
            let line = option_line(&help, name);
            assert_eq!(stated_default(&line), Some(value), "{cmd}: {line}");
        }
    }
}

/// `sctpt <cmd> --help-usctp`, checked to exit 0.
fn usctp_help(cmd: &str) -> String {
    let out = run(&[cmd, "--help-usctp"], b"", Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(0));
    text(&out.stdout)
}

/// The line of `--<name>=` in `help`.
fn option_line(help: &str, name: &str) -> String {
    help.lines()
        .find(|l| l.starts_with(&format!("  --{name}= ")))
        .unwrap_or_else(|| panic!("--{name} missing from:\n{help}"))
        .to_string()
}

#[test]
fn client_usctp_help_lists_its_own_options() {
    let help = usctp_help("client");
    assert!(
        help.starts_with("client: options added by usctp (full names only; not in the C tool)\n")
    );
    for name in [
        "connect-timeout",
        "reconnect",
        "ulp",
        "stream",
        "ppid",
        "pcap",
        "udp-port",
    ] {
        option_line(&help, name);
    }
    assert_eq!(
        stated_default(&option_line(&help, "connect-timeout")),
        Some(2000)
    );
    assert!(option_line(&help, "connect-timeout").contains("'init'"));
    assert!(option_line(&help, "ulp").contains("echo|discard|daytime"));
    assert_eq!(stated_default(&option_line(&help, "stream")), Some(0));
    assert_eq!(stated_default(&option_line(&help, "ppid")), Some(0));
    // The server's own additions are not the client's, and the reverse.
    assert!(!help.contains("--abort-after="));
    assert!(!usctp_help("server").contains("--reconnect="));
    assert!(help.contains("Differences from the C tool:\n"));
    // Additions match only by their full name: the C tool's prefixes are unchanged.
    let out = run(&["client", "--reconn=5"], b"", Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "client: unrecognized option '--reconn=5'\n"
    );
}

#[test]
fn client_option_values_are_checked() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["client", "--connect-timeout=soon"],
            "Invalid connect-timeout [soon]\n",
        ),
        (
            &["client", "--connect-timeout=0"],
            "Invalid connect-timeout [0]: give ms > 0 or 'init'\n",
        ),
        (&["client", "--reconnect=-1"], "Invalid reconnect [-1]\n"),
        (&["client", "--stream=65536"], "Invalid stream [65536]\n"),
        (&["client", "--ppid=x"], "Invalid ppid [x]\n"),
        (&["client", "--ulp=chargen"], "Invalid ulp [chargen]\n"),
        (
            &["client", "--ulp=echo", "--size=10"],
            "Invalid: --size and --ulp exclude each other\n",
        ),
        (
            &["server", "--abort-after=soon"],
            "Invalid abort-after [soon]\n",
        ),
        (&["client", "--lifetime=soon"], "Invalid lifetime [soon]\n"),
        (&["client", "--max-rtx=-1"], "Invalid max-rtx [-1]\n"),
        (
            &["client", "--reset-streams=one"],
            "Invalid reset-streams [one]\n",
        ),
        (
            &["server", "--udp-port=7190", "--peer-addresses=all"],
            "Invalid peer-addresses [all]: list or source\n",
        ),
        (
            &["server", "--udp-port=7191", "--ootb-heartbeat=ignore"],
            "Invalid ootb-heartbeat [ignore]: abort or drop\n",
        ),
        (
            &["server", "--udp-port=7192", "--scheduler=lifo"],
            "Invalid scheduler [lifo]\n",
        ),
        (
            &["server", "--udp-port=7193", "--stream-priority=1:2,3"],
            "Invalid stream-priority [1:2,3]\n",
        ),
        (
            &["server", "--udp-port=7194", "--idata=yes"],
            "Invalid idata [yes]: on, linux or off\n",
        ),
        (
            &["server", "--udp-port=7195", "--plpmtud=1000"],
            "Invalid plpmtud [1000]: on, off or an MTU of 1200-65535\n",
        ),
    ];
    for (args, err) in cases {
        let out = run(args, b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr), *err, "{args:?}");
    }
}

#[test]
fn usctp_help_lists_the_stream_scheduler_options() {
    let default = usctp::AssociationConfig::default().scheduler;
    for cmd in ["server", "client", "ctraffic"] {
        let help = usctp_help(cmd);
        let line = option_line(&help, "scheduler");
        assert!(line.ends_with(&format!("(default {default}) ")), "{line}");
        for name in usctp::StreamScheduler::ALL.map(|s| s.name()) {
            assert!(line.contains(name), "{name}: {line}");
        }
        option_line(&help, "stream-priority");
    }
}

#[test]
fn idata_and_plpmtud_are_listed_with_the_library_defaults() {
    for cmd in ["server", "client", "ctraffic"] {
        let help = usctp_help(cmd);
        assert!(option_line(&help, "idata").contains("RFC 8260"), "{cmd}");
        let pl = option_line(&help, "plpmtud");
        let ceiling = usctp::PlpmtudConfig::default().max_mtu;
        assert!(
            pl.contains(&format!("(default off; ceiling {ceiling})")),
            "{pl}"
        );
    }
}
