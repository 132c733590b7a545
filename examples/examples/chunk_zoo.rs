//! Write the chunk zoo (every chunk type, parameter and error cause the wire codec knows, as SCTP
//! over IPv4, over IPv6 and inside UDP 9899) to a pcap file.
//!
//! `cargo run -p usctp-examples --example chunk_zoo -- OUT.pcap`, then e.g.
//! `tshark -r OUT.pcap -d udp.port==9899,sctp`.

use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: chunk_zoo OUT.pcap");
        return ExitCode::from(2);
    };
    let written =
        File::create(&path).and_then(|f| usctp_examples::zoo::write_pcap(BufWriter::new(f)));
    match written {
        Ok(n) => {
            println!("{n} packets written to {}", path.to_string_lossy());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("chunk_zoo: {}: {e}", path.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
