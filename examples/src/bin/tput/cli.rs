//! Command line of `tput` and the endpoint configuration it selects.

use std::net::IpAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use usctp::{EndpointConfig, RawConfig, TransportAddr, TransportConfig, UdpConfig};

const ABOUT: &str = "Throughput tool for usctp: `tput server` receives and counts, `tput client` \
sends. Interoperates with usrsctp's tsctp (same default SCTP port 5001 and UDP port 9899).";

const AFTER: &str = "Output: one line per association (receiver: messages, bytes, duration from \
the first to the last message, goodput in MB/s = 10^6 bytes/s, CPU user+sys seconds of this \
process from getrusage and CPU seconds per GB = 10^9 bytes); --json prints the same as one JSON \
object per line.\n\
Examples:\n  tput server --once\n  tput client -n 100000 -l 1200 127.0.0.1\n  \
tput server --raw -L 10.0.0.1 -L 10.0.1.1\n  tput client --raw -T 10 10.0.0.1 10.0.1.1";

/// `tput`'s arguments.
#[derive(Debug, Parser)]
#[command(name = "tput", about = ABOUT, after_help = AFTER)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Accept associations and count what arrives; one report per association.
    Server(ServerArgs),
    /// Connect and send messages, then shut down gracefully (or abort).
    Client(ClientArgs),
}

/// Server options.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Common options.
    #[command(flatten)]
    pub common: Common,
    /// Exit after this many associations ended (0: run until SIGINT/SIGTERM).
    #[arg(long, default_value_t = 0)]
    pub assocs: u64,
    /// Exit after the first association ended (same as --assocs 1).
    #[arg(long)]
    pub once: bool,
    /// Abort each association after this many messages were received (tests the
    /// receiver-initiated ABORT); 0: never.
    #[arg(long, default_value_t = 0)]
    pub abort_after: u64,
}

/// Client options.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// Common options.
    #[command(flatten)]
    pub common: Common,
    /// Server addresses (several: multihomed; the first is the primary path).
    #[arg(required = true, value_name = "REMOTE")]
    pub remote: Vec<IpAddr>,
    /// Message size, bytes.
    #[arg(short = 'l', long, default_value_t = 1200)]
    pub length: usize,
    /// Messages to send (0: use --time).
    #[arg(short = 'n', long, default_value_t = 0)]
    pub count: u64,
    /// Seconds to send for, when --count is 0.
    #[arg(short = 'T', long, default_value_t = 10.0)]
    pub time: f64,
    /// Send unordered messages (U bit).
    #[arg(short = 'u', long)]
    pub unordered: bool,
    /// Spread messages round-robin over this many streams.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub streams: u16,
    /// Payload protocol identifier.
    #[arg(long, default_value_t = 0)]
    pub ppid: u32,
    /// Sends handed to usctp at once before waiting for them to be queued (0: as many as
    /// fit in 512 KiB, at most 64). A `send` only pushes onto the association's submission
    /// queue, which the driver task takes whole: even `--inflight 1` fills GSO batches.
    #[arg(long, default_value_t = 0)]
    pub inflight: usize,
    /// End with ABORT instead of a graceful SHUTDOWN.
    #[arg(long)]
    pub abort: bool,
    /// Seconds to wait for the handshake.
    #[arg(long, default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Associations sending at once, each from its own endpoint (its own SCTP port, so that a
    /// server with `--workers` spreads them); prints each and the aggregate.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub assocs: u16,
    /// SCTP port of the first association's endpoint (the next ones count up); default: one
    /// from the process id.
    #[arg(long)]
    pub sport: Option<u16>,
}

/// Options of both roles: addresses, ports, transport, tunables, output.
#[derive(Debug, Args)]
pub struct Common {
    /// Local address (repeat, or comma-separate, for several; default: any).
    #[arg(short = 'L', long = "local", value_delimiter = ',')]
    pub local: Vec<IpAddr>,
    /// SCTP port (the server's; the client binds an ephemeral one).
    #[arg(short = 'p', long, default_value_t = 5001)]
    pub port: u16,
    /// Native SCTP over raw IP (needs CAP_NET_RAW and no kernel SCTP module) instead of
    /// UDP encapsulation.
    #[arg(long)]
    pub raw: bool,
    /// Local UDP encapsulation port (default: the library's RFC 6951 port for the server, any
    /// for the client).
    #[arg(short = 'E', long)]
    pub udp_port: Option<u16>,
    /// Remote UDP encapsulation port (client).
    #[arg(short = 'U', long, default_value_t = usctp::DEFAULT_UDP_PORT)]
    pub encap_port: u16,
    /// Turn UDP GSO off: one send per SCTP packet (UDP encapsulation only).
    #[arg(long)]
    pub no_gso: bool,
    /// UDP / raw socket buffer size, bytes.
    #[arg(long)]
    pub sock_buf: Option<usize>,
    /// Advertised receive window, bytes.
    #[arg(long)]
    pub rwnd: Option<u32>,
    /// Send queue limit, bytes (back-pressure point of `send`).
    #[arg(long)]
    pub send_queue: Option<usize>,
    /// Max.Burst, packets.
    #[arg(long)]
    pub max_burst: Option<u32>,
    /// Initial path MTU, bytes (IP header included).
    #[arg(long)]
    pub mtu: Option<usize>,
    /// Delayed SACK timeout, ms.
    #[arg(long)]
    pub sack_delay: Option<u64>,
    /// Heartbeat interval, ms (0: off).
    #[arg(long)]
    pub hb_interval: Option<u64>,
    /// Largest message accepted, bytes.
    #[arg(long)]
    pub max_message: Option<usize>,
    /// Print reports as JSON objects (one per line).
    #[arg(long)]
    pub json: bool,
    /// tokio worker threads (1: a current-thread runtime, where the application task and
    /// usctp's driver task hand over without cross-thread wake-ups).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: u16,
    /// Endpoint workers, each with its own sockets and driver, packets steered by SCTP ports
    /// (`EndpointConfig::workers`; give `--threads` as many to run them in parallel).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub workers: u16,
    /// Run each endpoint worker on a thread of its own (a current-thread runtime each)
    /// instead of as a task on tput's runtime.
    #[arg(long)]
    pub worker_threads: bool,
}

impl Common {
    /// The endpoint configuration on SCTP `port`; `default_udp` is the local UDP port when
    /// `--udp-port` is not given.
    pub fn endpoint(&self, port: u16, default_udp: u16) -> Result<EndpointConfig, String> {
        if self.no_gso && self.raw {
            return Err("--no-gso applies to UDP encapsulation only (not with --raw)".into());
        }
        let transport = if self.raw {
            let mut raw = RawConfig::default();
            if let Some(b) = self.sock_buf {
                raw.buffer_size = b;
            }
            TransportConfig::Raw(raw)
        } else {
            let mut udp = UdpConfig::with_port(self.udp_port.unwrap_or(default_udp));
            if let Some(b) = self.sock_buf {
                udp.buffer_size = b;
            }
            udp.gso = !self.no_gso;
            TransportConfig::Udp(udp)
        };
        let mut cfg = EndpointConfig::new(self.local.clone(), port, transport);
        cfg.workers = usize::from(self.workers);
        cfg.worker_threads = self.worker_threads;
        let a = &mut cfg.protocol.association;
        if let Some(v) = self.rwnd {
            a.receive_window = v;
        }
        if let Some(v) = self.send_queue {
            a.send_queue_limit = v;
        }
        if let Some(v) = self.max_burst {
            a.max_burst = v;
        }
        if let Some(v) = self.mtu {
            a.initial_mtu = v;
        }
        if let Some(v) = self.sack_delay {
            a.sack_delay = Duration::from_millis(v);
        }
        if let Some(v) = self.hb_interval {
            a.hb_interval = (v != 0).then(|| Duration::from_millis(v));
        }
        if let Some(v) = self.max_message {
            a.max_message_size = v;
        }
        Ok(cfg)
    }

    /// The peer transport address of `ip` under the chosen transport.
    pub fn peer(&self, ip: IpAddr) -> TransportAddr {
        if self.raw {
            TransportAddr::raw(ip)
        } else {
            TransportAddr::udp(ip, self.encap_port)
        }
    }
}
