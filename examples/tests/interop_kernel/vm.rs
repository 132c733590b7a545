//! The kernel peer: `interop/kernel/ukv` drives a QEMU guest (Debian kernel with sctp.ko)
//! reachable from namespace `ukv` over two tap links, paths A and B.

use std::fs::File;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Host (namespace) side of `path` ('A' or 'B'), IPv4 or IPv6; keep in step with `ukv`.
pub fn host(path: char, v6: bool) -> IpAddr {
    addr(path, v6, 1)
}

/// Guest side of `path`.
pub fn guest(path: char, v6: bool) -> IpAddr {
    addr(path, v6, 2)
}

fn addr(path: char, v6: bool, h: u8) -> IpAddr {
    let n = if path == 'A' { 1 } else { 2 };
    if v6 {
        IpAddr::from([0xfd77, n, 0, 0, 0, 0, 0, u16::from(h)])
    } else {
        IpAddr::from([10, 77, n as u8, h])
    }
}

/// The path an address is on and whether it is the host's: `None` for others.
pub fn classify(ip: IpAddr) -> Option<(char, bool)> {
    let (net, h) = match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            (
                (o[0] == 10 && o[1] == 77).then_some(o[2].into()),
                o[3].into(),
            )
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            ((s[0] == 0xfd77).then_some(s[1]), s[7])
        }
    };
    let path = match net? {
        1 => 'A',
        2 => 'B',
        _ => return None,
    };
    Some((path, h == 1))
}

/// The guest's echo server port (sctp_darn -l -e, bound to all four guest addresses).
pub const ECHO_PORT: u16 = 5000;
/// RFC 6951 port on both sides.
pub const UDP_PORT: u16 = 9899;

/// A running guest; dropped: torn down (`ukv down`).
pub struct Vm {
    script: PathBuf,
    /// Where the cases keep their captures and logs.
    pub dir: PathBuf,
    /// Held while the guest is in use: another run of the suite waits instead of taking
    /// over namespace `ukv`.
    _lock: nix::fcntl::Flock<File>,
}

/// Lock `<cache>/suite.lock` (the cache `ukv` uses), waiting for another run to finish.
fn suite_lock() -> Result<nix::fcntl::Flock<File>, String> {
    let cache = std::env::var("UKV_CACHE").unwrap_or_else(|_| "/var/cache/usctp-kernel-vm".into());
    std::fs::create_dir_all(&cache).map_err(|e| format!("{cache}: {e}"))?;
    let f = File::create(Path::new(&cache).join("suite.lock"))
        .map_err(|e| format!("{cache}/suite.lock: {e}"))?;
    nix::fcntl::Flock::lock(f, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| format!("lock {cache}/suite.lock: {e}"))
}

fn run(cmd: &mut Command) -> Result<Output, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{cmd:?}: {}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl Vm {
    /// `ukv up`, tried three times (a boot can stall on a loaded machine).
    pub fn up() -> Result<Vm, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../interop/kernel/ukv");
        let dir = std::env::temp_dir().join(format!("usctp-ukv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let vm = Vm {
            script,
            dir,
            _lock: suite_lock()?,
        };
        let mut last = String::new();
        for attempt in 1..=3 {
            match vm.ukv(&["up"]) {
                Ok(out) => {
                    eprint!("{}", String::from_utf8_lossy(&out.stderr));
                    return Ok(vm);
                }
                Err(e) => {
                    eprintln!("ukv up, attempt {attempt}: {e}");
                    last = e;
                }
            }
        }
        Err(last)
    }

    /// Run `ukv args...`.
    pub fn ukv(&self, args: &[&str]) -> Result<Output, String> {
        run(Command::new("bash").arg(&self.script).args(args))
    }

    /// Run a sh script in the guest (at most `timeout_s`); its output.
    pub fn exec(&self, timeout_s: u32, script: &str) -> Result<String, String> {
        let t = timeout_s.to_string();
        let out = self.ukv(&["exec", "--timeout", &t, script])?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// A command run inside namespace `ukv`.
    pub fn ns_command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", "ukv", program]);
        c
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        if let Err(e) = self.ukv(&["down"]) {
            eprintln!("ukv down: {e}");
        }
    }
}

/// Run `f` on a thread inside namespace `ukv`: sockets it creates live there.
pub fn in_netns<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            let fd = File::open("/var/run/netns/ukv").expect("open /var/run/netns/ukv");
            nix::sched::setns(fd, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
            f()
        })
        .join()
        .expect("namespace thread")
    })
}
