//! `sctpt stats` and the statistics record `ctraffic` fills: in shared memory, five
//! native-endian u32 (`sent, received, maxRtt, nBuckets, interval`) then `nBuckets` u32
//! histogram buckets, all updated with relaxed atomics, as the C tool's `stats.c` lays it out.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use super::cli::{self, Opt};
use super::log::{self, atoi, die, out, DEBUG};
use super::shm::{self, Words};

const HELP: &str = "stats [options] (init|clear|show|json)\n  Handle continuous traffic statistics";

const OPTS: &[Opt] = &[
    cli::LOG,
    cli::SHM,
    Opt {
        name: "buckets",
        help: "Number of buckets for the histogram",
    },
    Opt {
        name: "interval",
        help: "Interval in histogram (micro S)",
    },
];

const SENT: usize = 0;
const RECEIVED: usize = 1;
const MAX_RTT: usize = 2;
const N_BUCKETS: usize = 3;
const INTERVAL: usize = 4;
const HEADER: usize = 5;

/// Buckets `init` accepts at most (the C tool's limit is its stack: it crashes instead).
const MAX_BUCKETS: i64 = 1 << 20;

/// The statistics in a mapped shm object.
#[derive(Debug)]
pub struct Stats {
    shm: Words,
}

impl Stats {
    /// Map the object `name`, or die like the C tool's `mapSharedDataOrDie`.
    pub fn map_or_die(name: &str, writable: bool) -> Self {
        match Words::map(name, writable) {
            Some(shm) if shm.words().len() >= HEADER => Self { shm },
            _ => die(&format!("FAILED mapSharedData: {name}\n")),
        }
    }

    fn word(&self, i: usize) -> &AtomicU32 {
        &self.shm.words()[i]
    }

    fn get(&self, i: usize) -> u32 {
        self.word(i).load(Relaxed)
    }

    /// The buckets, as many as the object holds of the `nBuckets` it claims.
    fn buckets(&self) -> &[AtomicU32] {
        let all = &self.shm.words()[HEADER..];
        let n = usize::try_from(self.get(N_BUCKETS)).unwrap_or(usize::MAX);
        &all[..n.min(all.len())]
    }

    /// Zero the counters and set the histogram shape (`stats_init`).
    pub fn reset(&self, n_buckets: u32, interval: u32) {
        for i in [SENT, RECEIVED, MAX_RTT] {
            self.word(i).store(0, Relaxed);
        }
        self.word(N_BUCKETS).store(n_buckets, Relaxed);
        self.word(INTERVAL).store(interval, Relaxed);
        for b in self.buckets() {
            b.store(0, Relaxed);
        }
    }

    /// Keep the histogram shape, zero the counters (what `ctraffic` does at start).
    pub fn clear_counters(&self) {
        self.reset(self.get(N_BUCKETS), self.get(INTERVAL));
    }

    /// One message sent.
    pub fn packet_sent(&self) {
        self.word(SENT).fetch_add(1, Relaxed);
    }

    /// One reply received; `rtt_us` when it carried a timestamp.
    pub fn packet_received(&self, rtt_us: Option<u32>) {
        self.word(RECEIVED).fetch_add(1, Relaxed);
        let Some(rtt) = rtt_us else {
            return;
        };
        self.word(MAX_RTT).fetch_max(rtt / 1000, Relaxed);
        let b = self.buckets();
        let Some(last) = b.len().checked_sub(1) else {
            return;
        };
        let i = match self.get(INTERVAL) {
            0 => last,
            iv => usize::try_from(rtt / iv).map_or(last, |i| i.min(last)),
        };
        b[i].fetch_add(1, Relaxed);
    }

    /// The `show` text: counters, then one histogram bar per bucket.
    pub fn show(&self) -> String {
        let mut s = format!(
            "Sent:     {}\nReceived: {}\nMaxRTT:   {}\nInterval: {}\n",
            self.get(SENT),
            self.get(RECEIVED),
            self.get(MAX_RTT),
            self.get(INTERVAL)
        );
        let counts: Vec<u64> = self
            .buckets()
            .iter()
            .map(|b| b.load(Relaxed).into())
            .collect();
        let max = counts.iter().copied().max().unwrap_or(0).max(1);
        for c in counts {
            s.push_str(&format!("{c:6} |{}\n", "=".repeat((c * 64 / max) as usize)));
        }
        s
    }

    /// The `json` text.
    pub fn json(&self) -> String {
        let mut s = String::from("{\n");
        for (key, i) in [
            ("sent", SENT),
            ("received", RECEIVED),
            ("maxRtt", MAX_RTT),
            ("nBuckets", N_BUCKETS),
            ("interval", INTERVAL),
        ] {
            s.push_str(&format!("  \"{key}\": {},\n", self.get(i)));
        }
        s.push_str("  \"buckets\": [\n");
        let b = self.buckets();
        for (i, v) in b.iter().enumerate() {
            let sep = if i + 1 < b.len() { "," } else { "" };
            s.push_str(&format!("    {}{sep}\n", v.load(Relaxed)));
        }
        s.push_str("  ]\n}\n");
        s
    }
}

/// The bytes of a fresh record (native endian, zeroed counters).
fn image(n_buckets: u32, interval: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity((HEADER + n_buckets as usize) * 4);
    for w in [0, 0, 0, n_buckets, interval] {
        v.extend_from_slice(&u32::to_ne_bytes(w));
    }
    v.resize((HEADER + n_buckets as usize) * 4, 0);
    v
}

fn interval_or_die(s: &str) -> u32 {
    match u32::try_from(atoi(s)) {
        Ok(v) if v >= 1 => v,
        _ => die("Too small interval\n"),
    }
}

/// Run `sctpt stats`.
pub fn run(args: &[String]) -> i32 {
    let p = cli::parse("stats", HELP, OPTS, None, args);
    if let Some(l) = p.get("log") {
        log::set_level(atoi(l));
    }
    let shm_name = p.or("shm", "sctpstats");
    let cmd = p.positional.first().map(String::as_str);
    log::log(DEBUG, &format!("Cmd: {}\n", cmd.unwrap_or("(none)")));
    match cmd {
        None | Some("show") => out(&Stats::map_or_die(shm_name, false).show()),
        Some("json") => out(&Stats::map_or_die(shm_name, false).json()),
        Some("init") => {
            let n = atoi(p.or("buckets", "16"));
            if n < 1 {
                die("Too few buckets\n");
            }
            if n > MAX_BUCKETS {
                die("Too many buckets\n");
            }
            let interval = interval_or_die(p.or("interval", "1000"));
            let n = u32::try_from(n).unwrap_or(1);
            if let Err(e) = shm::create(shm_name, &image(n, interval)) {
                die(&format!("createSharedData: {}\n", super::net::strerror(&e)));
            }
        }
        Some("clear") => {
            let s = Stats::map_or_die(shm_name, true);
            let interval = interval_or_die(p.or("interval", "1000"));
            s.reset(s.get(N_BUCKETS), interval);
        }
        Some(other) => die(&format!("Invalid command: {other}\n")),
    }
    0
}
