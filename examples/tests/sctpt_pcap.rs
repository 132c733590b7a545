//! `--pcap FILE`: the capture of an `echo Hi | sctpt client` exchange over UDP
//! encapsulation on loopback (UDP ports 7120-7121) is a valid pcap whose packets all parse,
//! from the handshake to the shutdown.

use std::time::Duration;

use usctp_pcap::{ExtractOptions, PcapReader};
use usctp_wire::chunk::Chunk;
use usctp_wire::{Packet, ParseOptions};

mod sctpt_util;
use sctpt_util::{run, text, Server};

/// Chunk names of every packet in `path`, checking that each one parses.
fn chunks(path: &std::path::Path, udp: (u16, u16)) -> Vec<Vec<String>> {
    let data = std::fs::read(path).expect("pcap written");
    let reader = PcapReader::new(data.into()).expect("pcap header");
    let opts = ExtractOptions {
        udp_ports: vec![udp.0, udp.1],
    };
    let mut v = Vec::new();
    for f in reader.sctp_packets_with(opts) {
        let f = f.expect("frame decodes");
        let ports = f.udp.map(|u| (u.src, u.dst)).expect("UDP-encapsulated");
        assert!(ports == udp || ports == (udp.1, udp.0), "{ports:?}");
        let p = Packet::parse(&f.sctp, ParseOptions::default()).expect("SCTP packet parses");
        v.push(p.chunks.iter().map(chunk_name).collect());
    }
    assert_eq!(
        v.len(),
        reader.records().count(),
        "every record is an SCTP packet"
    );
    v
}

fn chunk_name(c: &Chunk) -> String {
    let dbg = format!("{c:?}");
    dbg.split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn client_and_server_captures_hold_the_whole_exchange() {
    let dir = std::env::temp_dir().join(format!("usctp-sctpt-pcap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let spcap = dir.join("server.pcap");
    let cpcap = dir.join("client.pcap");
    let server = Server::start(&[
        "--addr=127.0.0.1",
        "--port=6120",
        "--udp-port=7120",
        "--pcap",
        spcap.to_str().unwrap_or_default(),
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let out = run(
        &[
            "client",
            "--addr=127.0.0.1",
            "--laddr=127.0.0.1",
            "--port=6120",
            "--udp-port=7121",
            "--encap-port=7120",
            "--pcap",
            cpcap.to_str().unwrap_or_default(),
        ],
        b"Hi\n",
        Duration::from_secs(15),
    );
    assert_eq!(text(&out.stdout), "send> recv> Hi\nsend> ");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.stop(), "Connection closed\n");

    for pcap in [&cpcap, &spcap] {
        let pkts = chunks(pcap, (7121, 7120));
        let all: Vec<&str> = pkts.iter().flatten().map(String::as_str).collect();
        println!("{}: {all:?}", pcap.display());
        for want in [
            "Init",
            "InitAck",
            "CookieEcho",
            "CookieAck",
            "Data",
            "Sack",
            "Shutdown",
            "ShutdownAck",
            "ShutdownComplete",
        ] {
            assert!(
                all.contains(&want),
                "{want} missing in {}: {all:?}",
                pcap.display()
            );
        }
        assert_eq!(
            pkts.first().map(Vec::as_slice),
            Some(&["Init".to_string()][..])
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
