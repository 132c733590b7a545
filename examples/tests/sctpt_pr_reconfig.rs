//! `sctpt client --reset-streams`, `--lifetime` and `--max-rtx` against `sctpt server` over
//! UDP encapsulation on loopback (UDP ports 7140-7141): the client's capture shows PR-SCTP and
//! RE-CONFIG offered both ways, the reset of stream 2 asked for and answered before any DATA
//! on it, and the lines then sent on stream 2 from SSN 0, echoed back.

use std::time::Duration;

use usctp_pcap::{ExtractOptions, PcapReader};
use usctp_wire::chunk::Chunk;
use usctp_wire::param::{Parameter, ReconfigResult};
use usctp_wire::{Packet, ParseOptions};

mod sctpt_util;
use sctpt_util::{run, text, Server};

/// Every packet of the capture at `path`, with whether the client (UDP 7141) sent it.
fn packets(path: &std::path::Path) -> Vec<(bool, Packet)> {
    let data = std::fs::read(path).expect("pcap written");
    let reader = PcapReader::new(data.into()).expect("pcap header");
    let opts = ExtractOptions {
        udp_ports: vec![7140, 7141],
    };
    reader
        .sctp_packets_with(opts)
        .map(|f| {
            let f = f.expect("frame decodes");
            let from_client = f.udp.is_some_and(|u| u.src == 7141);
            let p = Packet::parse(&f.sctp, ParseOptions::default()).expect("SCTP packet parses");
            (from_client, p)
        })
        .collect()
}

#[test]
fn client_resets_its_stream_then_sends_partially_reliable_lines_from_ssn_0() {
    let dir = std::env::temp_dir().join(format!("usctp-sctpt-rc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let pcap = dir.join("client.pcap");
    let server = Server::start(&["--addr=127.0.0.1", "--port=6140", "--udp-port=7140"]);
    std::thread::sleep(Duration::from_millis(300));
    let out = run(
        &[
            "client",
            "--addr=127.0.0.1",
            "--laddr=127.0.0.1",
            "--port=6140",
            "--udp-port=7141",
            "--encap-port=7140",
            "--stream=2",
            "--reset-streams=2",
            "--lifetime=5000",
            "--max-rtx=3",
            "--pcap",
            pcap.to_str().unwrap_or_default(),
        ],
        b"one\ntwo\n",
        Duration::from_secs(15),
    );
    assert_eq!(
        text(&out.stdout),
        "send> recv> one\nsend> recv> two\nsend> ",
        "{}",
        text(&out.stderr)
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.stop(), "Connection closed\n");

    let pkts = packets(&pcap);
    let chunks: Vec<(bool, &Chunk)> = pkts
        .iter()
        .flat_map(|(c, p)| p.chunks.iter().map(move |ch| (*c, ch)))
        .collect();
    // Both INIT and INIT ACK offer PR-SCTP (Forward-TSN-Supported) and RE-CONFIG.
    let offers = chunks
        .iter()
        .filter_map(|(_, c)| match c {
            Chunk::Init(i) => Some(&i.params),
            Chunk::InitAck(a) => Some(&a.params),
            _ => None,
        })
        .filter(|ps| {
            ps.iter().any(|p| matches!(p, Parameter::ForwardTsnSupported(_)))
                && ps.iter().any(|p| {
                    matches!(p, Parameter::SupportedExtensions(s) if s.chunk_types.contains(&0x82))
                })
        })
        .count();
    assert_eq!(offers, 2, "{chunks:?}");
    // The request for stream 2, the server's Success - Performed, then DATA on stream 2.
    let request = chunks.iter().position(|(c, ch)| {
        *c && matches!(ch, Chunk::ReConfig(r) if r.params.iter().any(|p|
            matches!(p, Parameter::OutgoingSsnResetRequest(o) if o.streams.iter().any(|s| s.0 == 2))))
    });
    let answer = chunks.iter().position(|(c, ch)| {
        !*c && matches!(ch, Chunk::ReConfig(r) if r.params.iter().any(|p|
            matches!(p, Parameter::ReconfigurationResponse(x) if x.result == ReconfigResult::SuccessPerformed)))
    });
    let data: Vec<(usize, u16, u16)> = chunks
        .iter()
        .enumerate()
        .filter_map(|(i, (c, ch))| match ch {
            Chunk::Data(d) if *c => Some((i, d.stream.0, d.ssn.0)),
            _ => None,
        })
        .collect();
    let (Some(request), Some(answer)) = (request, answer) else {
        panic!("no reset request or answer: {chunks:?}")
    };
    assert!(request < answer, "{chunks:?}");
    assert!(
        data.iter().all(|&(i, _, _)| i > answer),
        "DATA before the reset: {data:?}"
    );
    let ssns: Vec<(u16, u16)> = data.iter().map(|&(_, s, n)| (s, n)).collect();
    assert_eq!(ssns, [(2, 0), (2, 1)]);
    let _ = std::fs::remove_dir_all(&dir);
}
