//! `tput`: a throughput tool (server and client) on usctp; `tput -h` documents it.

#[path = "../tput/mod.rs"]
mod tput;

fn main() {
    std::process::exit(tput::main());
}
