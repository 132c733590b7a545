//! `sctpt`: the Xcluster SCTP test tool (server, client) on usctp.

#[path = "../sctpt/mod.rs"]
mod sctpt;

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => sctpt::log::die(&format!("tokio runtime {e}\n")),
    };
    let code = rt.block_on(sctpt::main(argv));
    std::process::exit(code);
}
