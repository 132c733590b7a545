//! What `tput` measures and how it prints it: a human line or a JSON object.

use std::net::IpAddr;
use std::time::Duration;

use nix::sys::resource::{getrusage, UsageWho};

/// CPU time this process has used so far (user, system).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    /// User time.
    pub user: Duration,
    /// System time.
    pub sys: Duration,
}

fn tv(t: nix::sys::time::TimeVal) -> Duration {
    Duration::new(t.tv_sec().max(0) as u64, (t.tv_usec().max(0) as u32) * 1000)
}

impl Cpu {
    /// `getrusage(RUSAGE_SELF)`; zero if it fails.
    pub fn now() -> Self {
        match getrusage(UsageWho::RUSAGE_SELF) {
            Ok(u) => Self {
                user: tv(u.user_time()),
                sys: tv(u.system_time()),
            },
            Err(_) => Self::default(),
        }
    }

    /// The CPU used since `earlier`.
    pub fn since(self, earlier: Cpu) -> Cpu {
        Cpu {
            user: self.user.saturating_sub(earlier.user),
            sys: self.sys.saturating_sub(earlier.sys),
        }
    }
}

/// One association's figures.
#[derive(Debug, Clone)]
pub struct Report {
    /// "server" (receiver) or "client" (sender).
    pub role: &'static str,
    /// The association's id in this process.
    pub assoc: u64,
    /// The peer's addresses (paths), primary first.
    pub peer: Vec<IpAddr>,
    /// Messages counted.
    pub messages: u64,
    /// User-data bytes counted.
    pub bytes: u64,
    /// Measured interval.
    pub duration: Duration,
    /// CPU used by the process over the interval.
    pub cpu: Cpu,
    /// How the association ended: "shutdown", "abort (...)", "in progress".
    pub end: String,
}

impl Report {
    /// Goodput, MB/s (10^6 bytes per second).
    pub fn mbps(&self) -> f64 {
        let s = self.duration.as_secs_f64();
        if s > 0.0 {
            self.bytes as f64 / s / 1e6
        } else {
            0.0
        }
    }

    /// CPU seconds (user + sys) per 10^9 bytes.
    pub fn cpu_per_gb(&self) -> f64 {
        if self.bytes == 0 {
            return 0.0;
        }
        (self.cpu.user + self.cpu.sys).as_secs_f64() / (self.bytes as f64 / 1e9)
    }

    fn peers(&self) -> String {
        let v: Vec<String> = self.peer.iter().map(IpAddr::to_string).collect();
        v.join(",")
    }

    /// The human-readable line.
    pub fn human(&self) -> String {
        format!(
            "tput {} assoc {} peer [{}]: {} messages, {} bytes in {:.3} s: goodput {:.2} MB/s; \
             cpu {:.3} s user + {:.3} s sys = {:.2} cpu-s/GB; end {}",
            self.role,
            self.assoc,
            self.peers(),
            self.messages,
            self.bytes,
            self.duration.as_secs_f64(),
            self.mbps(),
            self.cpu.user.as_secs_f64(),
            self.cpu.sys.as_secs_f64(),
            self.cpu_per_gb(),
            self.end
        )
    }

    /// One JSON object (no serde: the fields are numbers and plain strings).
    pub fn json(&self) -> String {
        let peer: Vec<String> = self
            .peer
            .iter()
            .map(|ip| format!("\"{}\"", escape(&ip.to_string())))
            .collect();
        format!(
            "{{\"role\":\"{}\",\"assoc\":{},\"peer\":[{}],\"messages\":{},\"bytes\":{},\
             \"duration_s\":{:.6},\"goodput_mb_s\":{:.3},\"cpu_user_s\":{:.6},\
             \"cpu_sys_s\":{:.6},\"cpu_s_per_gb\":{:.4},\"end\":\"{}\"}}",
            self.role,
            self.assoc,
            peer.join(","),
            self.messages,
            self.bytes,
            self.duration.as_secs_f64(),
            self.mbps(),
            self.cpu.user.as_secs_f64(),
            self.cpu.sys.as_secs_f64(),
            self.cpu_per_gb(),
            escape(&self.end)
        )
    }

    /// Print as `json` asks, to stdout.
    pub fn print(&self, json: bool) {
        if json {
            println!("{}", self.json());
        } else {
            println!("{}", self.human());
        }
    }
}

/// JSON string escaping for the few characters that need it.
fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

/// How an association ended, from the result of `shutdown` on an ended association.
pub fn end_of(r: Result<(), usctp::Error>) -> String {
    match r {
        Ok(()) => "shutdown".into(),
        Err(usctp::Error::Closed(Some(reason))) => format!("abort ({reason:?})"),
        Err(e) => format!("error ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn figures_and_json() {
        let r = Report {
            role: "server",
            assoc: 1,
            peer: vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()],
            messages: 1000,
            bytes: 2_000_000_000,
            duration: Duration::from_secs(4),
            cpu: Cpu {
                user: Duration::from_secs(3),
                sys: Duration::from_secs(1),
            },
            end: "abort (\"x\")".into(),
        };
        assert_eq!(r.mbps(), 500.0);
        assert_eq!(r.cpu_per_gb(), 2.0);
        let j = r.json();
        assert!(j.contains("\"peer\":[\"127.0.0.1\",\"::1\"]"), "{j}");
        assert!(j.contains("\"goodput_mb_s\":500.000"), "{j}");
        assert!(j.contains("\"end\":\"abort (\\\"x\\\")\""), "{j}");
        assert!(r.human().contains("goodput 500.00 MB/s"));
    }
}
