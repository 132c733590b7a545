//! Two network namespaces joined by two veth links, for the raw IP tests (needs root).
//!
//! Every name starts with `uwr` and carries the process id and a tag, so parallel tests and
//! runs never touch each other's namespaces; the guard deletes exactly the namespaces it
//! created (which removes their veth devices), also when the test panics.

use std::fs::File;
use std::net::IpAddr;
use std::process::Command;

/// Why the namespaced tests cannot run here, if they cannot.
pub fn skip_reason() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?");
    if euid != "0" {
        return Some(format!(
            "needs root (CAP_NET_ADMIN for namespaces, CAP_NET_RAW for raw sockets); euid is {euid}"
        ));
    }
    if Command::new("ip").arg("-V").output().is_err() {
        return Some("the `ip` tool (iproute2) is not installed".into());
    }
    None
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip {args:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The two namespaces; dropped: deleted.
pub struct Netns {
    /// Client namespace name.
    pub client: String,
    /// Server namespace name.
    pub server: String,
    created: Vec<String>,
}

/// Addresses of link `l` (1 or 2): (client, server) for IPv4 and IPv6.
pub fn link_addrs(l: u8) -> [(IpAddr, IpAddr); 2] {
    let v4 = |h: u8| IpAddr::from([10, 91, l, h]);
    let v6 = |h: u16| IpAddr::from([0xfd00, 0x91, u16::from(l), 0, 0, 0, 0, h]);
    [(v4(1), v4(2)), (v6(1), v6(2))]
}

/// The client-side device of link `l`.
pub fn client_dev(ns: &Netns, l: u8) -> String {
    format!("{}{l}", ns.client)
}

impl Netns {
    /// Create `uwr<pid><tag>c` and `uwr<pid><tag>s` with links 1 and 2 between them, IPv4
    /// and IPv6 addresses on both (IPv6 without duplicate address detection, so usable at
    /// once). `Err` when namespaces cannot be created here.
    pub fn create(tag: char) -> Result<Self, String> {
        Self::create_with_prefix("uwr", tag)
    }

    /// [`create`](Self::create) with names starting `prefix` instead of `uwr`.
    pub fn create_with_prefix(prefix: &str, tag: char) -> Result<Self, String> {
        let base = format!("{prefix}{}{tag}", std::process::id());
        let mut ns = Netns {
            client: format!("{base}c"),
            server: format!("{base}s"),
            created: Vec::new(),
        };
        for name in [ns.client.clone(), ns.server.clone()] {
            ip(&["netns", "add", &name])?;
            ns.created.push(name.clone());
            ip(&["-n", &name, "link", "set", "lo", "up"])?;
        }
        for l in 1..=2u8 {
            let (c, s) = (format!("{}{l}", ns.client), format!("{}{l}", ns.server));
            ip(&[
                "link", "add", &c, "netns", &ns.client, "type", "veth", "peer", "name", &s,
                "netns", &ns.server,
            ])?;
            for (i, (n, dev)) in [(&ns.client, &c), (&ns.server, &s)].into_iter().enumerate() {
                for (ca, sa) in link_addrs(l) {
                    let a = if i == 0 { ca } else { sa };
                    let prefix = if a.is_ipv4() { 24 } else { 64 };
                    let cidr = format!("{a}/{prefix}");
                    let mut args = vec!["-n", n, "addr", "add", &cidr, "dev", dev];
                    if a.is_ipv6() {
                        args.push("nodad");
                    }
                    ip(&args)?;
                }
                ip(&["-n", n, "link", "set", dev, "up"])?;
            }
        }
        Ok(ns)
    }
}

/// Run `ip -n <ns> args...` and panic on failure.
pub fn ip_in(ns: &str, args: &[&str]) {
    let mut all = vec!["-n", ns];
    all.extend_from_slice(args);
    ip(&all).expect("ip command");
}

impl Drop for Netns {
    fn drop(&mut self) {
        for name in self.created.drain(..) {
            if let Err(e) = ip(&["netns", "del", &name]) {
                eprintln!("cleanup: {e}");
            }
        }
    }
}

/// Run `f` on a thread that entered namespace `ns`: sockets it creates live there.
pub fn in_netns<T: Send>(ns: &str, f: impl FnOnce() -> T + Send) -> T {
    let path = format!("/var/run/netns/{ns}");
    std::thread::scope(|s| {
        s.spawn(|| {
            let fd = File::open(&path).unwrap_or_else(|e| panic!("open {path}: {e}"));
            nix::sched::setns(fd, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
            f()
        })
        .join()
        .expect("namespace thread")
    })
}
