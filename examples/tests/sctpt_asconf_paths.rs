//! `sctpt client --asconf on` adds an address at its prompt (`!add`) against `sctpt server
//! --asconf on --log 7`, over UDP encapsulation on loopback (UDP ports 7150-7151): the
//! server lists the new path with origin `asconf` beside the handshake's with `init`
//! (RFC 5061 §4.2.1), and the client's `!paths` lists its paths with theirs.

use std::time::Duration;

mod sctpt_util;
use sctpt_util::{run, text, Server};

/// The rows of the path tables in `out` (lines starting with two spaces after a line that
/// ends with `paths` or `paths>`).
fn rows(out: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut inside = false;
    for l in out.lines() {
        if l.ends_with("paths") || l.ends_with("paths>") {
            inside = true;
        } else if inside && l.starts_with("  ") {
            v.push(l.to_string());
        } else {
            inside = false;
        }
    }
    v
}

#[test]
fn rfc5061_4_2_1_sctpt_shows_a_path_the_peers_asconf_added_with_its_origin() {
    let server = Server::start(&[
        "--addr=127.0.0.1,127.0.0.2",
        "--port=6150",
        "--udp-port=7150",
        "--encap-port=7151",
        "--asconf=on",
        "--log=7",
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let out = run(
        &[
            "client",
            "--addr=127.0.0.1",
            "--laddr=127.0.0.4",
            "--port=6150",
            "--udp-port=7151",
            "--encap-port=7150",
            "--asconf=on",
        ],
        b"one\n!add 127.0.0.3\ntwo\nthree\n!paths\nfour\n",
        Duration::from_secs(15),
    );
    let client = text(&out.stdout);
    let server_log = server.lines(500, Duration::from_secs(2)).join("\n");
    drop(server);
    assert!(out.status.success(), "client: {client}");
    for l in [
        "recv> one",
        "asconf> !add 127.0.0.3 requested",
        "recv> four",
    ] {
        assert!(client.contains(l), "client printed no `{l}`: {client}");
    }
    // The client's paths: the server's two addresses, from its INIT ACK.
    let mine = rows(&client);
    assert_eq!(mine.len(), 2, "client's `!paths`: {client}");
    for a in ["udp:127.0.0.1:7150 ", "udp:127.0.0.2:7150 "] {
        assert!(
            mine.iter()
                .any(|r| r.contains(a) && r.ends_with(" origin=init")),
            "client's `!paths` has no {a}from the handshake: {mine:?}"
        );
    }
    assert_eq!(mine.iter().filter(|r| r.contains(" primary ")).count(), 1);
    // The server's table after the client's ADD-IP: the new address came by ASCONF.
    let theirs = rows(&server_log);
    let has = |addr: &str, origin: &str| {
        theirs
            .iter()
            .any(|r| r.contains(addr) && r.ends_with(&format!(" origin={origin}")))
    };
    assert!(
        has("udp:127.0.0.3:7151 ", "asconf"),
        "server lists no path to 127.0.0.3 added by ASCONF: {theirs:?}\n{server_log}"
    );
    assert!(
        has("udp:127.0.0.4:7151 ", "init"),
        "server lists no path to 127.0.0.4 from the INIT: {theirs:?}"
    );
}
