//! Two network namespaces joined by a veth, with the project's usrsctp_peer built for namespace
//! B, and the frame of a test that runs named cases there: what the usrsctp interop tests
//! (`interop_usrsctp_pr`, `_reconfig`, `_auth`, `_asconf`, `_idata`, `_plpmtud`) share.
//! Names carry the test's tag and the process id; everything is deleted on drop (`KEEP=1`
//! keeps the captures and outputs).

use std::fs::File;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// Run `f` on a thread in namespace `ns` (sockets it creates stay there).
pub fn in_netns<T: Send>(ns: &str, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            let fd = File::open(format!("/var/run/netns/{ns}")).expect("open netns");
            nix::sched::setns(fd, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
            f()
        })
        .join()
        .expect("namespace thread")
    })
}

/// One case: its name and what runs it (a summary, or why it failed).
pub type Case<'a> = (String, Box<dyn Fn() -> Result<String, String> + 'a>);

/// The lab for `test` (namespace tag `tag`) and a tokio runtime, once root, the tools
/// (`tools`, for `pkg_need`) and the peer's build are there; `None` (with a SKIPPED line)
/// otherwise, unless USCTP_REQUIRE_TOOLS=1 makes missing tools a failure.
pub fn open(
    test: &'static str,
    tag: &'static str,
    tools: &str,
) -> Option<(Lab, tokio::runtime::Runtime)> {
    if !nix::unistd::Uid::effective().is_root() {
        println!("SKIPPED {test}: needs root (network namespaces)");
        return None;
    }
    let require = std::env::var("USCTP_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
    if let Err(e) = sh(test, &format!("pkg_need {tools}")) {
        assert!(!require, "tools: {e}");
        println!("SKIPPED {test}: tools missing: {e}");
        return None;
    }
    let lab = match Lab::up(tag, test) {
        Ok(l) => l,
        Err(e) if !require && e.contains("usrsctp_peer_build") => {
            println!("SKIPPED {test}: usrsctp_peer not built: {e}");
            return None;
        }
        Err(e) => panic!("lab: {e}"),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    Some((lab, rt))
}

/// Run the cases whose names contain one of the comma-separated words of `$filter_var`
/// (all when unset), printing PASS or FAIL with each one's time; fail if any failed.
pub fn run_cases(test: &str, filter_var: &str, cases: &[Case<'_>]) {
    let only = std::env::var(filter_var).unwrap_or_default();
    let t0 = Instant::now();
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, case) in cases {
        if !only.is_empty() && !only.split(',').any(|o| name.contains(o)) {
            continue;
        }
        ran += 1;
        let t = Instant::now();
        let r = case();
        let secs = t.elapsed().as_secs_f64();
        match r {
            Ok(d) => println!("PASS {name} ({secs:.1} s): {d}"),
            Err(e) => {
                println!("FAIL {name} ({secs:.1} s): {e}");
                failed.push(name.clone());
            }
        }
    }
    println!("{test}: {ran} cases in {:.1} s", t0.elapsed().as_secs_f64());
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

/// usctp's address (namespace A) and the peer's (namespace B).
pub const USCTP_IP: [u8; 4] = [10, 79, 1, 1];
pub const PEER_IP: [u8; 4] = [10, 79, 1, 2];

/// Connect `ep` to the peer at PEER_IP, over UDP to `udp_port` when given (RFC 6951), else
/// raw IP; an error if it takes more than 10 s.
pub async fn connect(
    ep: &usctp::Endpoint,
    udp_port: Option<u16>,
    peer_port: u16,
) -> Result<usctp::Association, String> {
    let ip = IpAddr::from(PEER_IP);
    let to = udp_port.map_or(usctp::TransportAddr::raw(ip), |p| {
        usctp::TransportAddr::udp(ip, p)
    });
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        ep.connect(&[to], peer_port),
    )
    .await
    .map_err(|_| "connect timed out".to_string())?
    .map_err(|e| format!("connect: {e}"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `bash -c SCRIPT` with the scripts' library sourced (`tag` names the log lines); its stdout,
/// or the error.
pub fn sh(tag: &str, script: &str) -> Result<String, String> {
    let r = root();
    let lib = format!(
        "set -u; LOG_TAG={tag}; . {0}/scripts/lib/log.sh; . {0}/scripts/lib/pkg.sh; \
         . {0}/scripts/lib/netns.sh; . {0}/interop/usrsctp/lib.sh; ",
        r.display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(lib + script)
        .output()
        .map_err(|e| format!("bash: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{script}`: {}: {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The two namespaces and their link; deleted on drop.
pub struct Lab {
    /// usctp's namespace.
    pub a: String,
    /// The peer's namespace.
    pub b: String,
    /// Captures, outputs and the peer binary.
    pub dir: PathBuf,
    /// usrsctp_peer.
    pub peer: String,
    /// The test's tag (`h10`, `h11`): a prefix of every name it makes.
    pub tag: &'static str,
    /// The test's log tag.
    pub log: &'static str,
}

impl Lab {
    /// Build usrsctp_peer and the namespaces `TAGa-PID` / `TAGb-PID`.
    pub fn up(tag: &'static str, log: &'static str) -> Result<Lab, String> {
        let pid = std::process::id();
        let dir = std::env::temp_dir().join(format!("usctp-{tag}-{pid}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let lab = Lab {
            a: format!("{tag}a-{pid}"),
            b: format!("{tag}b-{pid}"),
            peer: dir.join("usrsctp_peer").display().to_string(),
            dir,
            tag,
            log,
        };
        lab.sh(&format!("usrsctp_peer_build {} >&2", lab.dir.display()))?;
        let ip = |a: [u8; 4]| IpAddr::from(a).to_string();
        lab.sh(&format!(
            "ns_add {a} && ns_add {b} && veth {a} {tag}a{pid} {b} {tag}b{pid} && \
             ns_addr {a} {tag}a{pid} {}/24 && ns_addr {b} {tag}b{pid} {}/24",
            ip(USCTP_IP),
            ip(PEER_IP),
            a = lab.a,
            b = lab.b
        ))?;
        Ok(lab)
    }

    /// [`sh`] under this test's log tag.
    pub fn sh(&self, script: &str) -> Result<String, String> {
        sh(self.log, script)
    }

    /// usrsctp_peer in namespace B with `args`, its output in `out`.
    pub fn peer(&self, args: &[String], out: &Path) -> Result<Child, String> {
        let f = File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let e = f.try_clone().map_err(|e| e.to_string())?;
        Command::new("ip")
            .args(["netns", "exec", &self.b, &self.peer])
            .args(args)
            .stdin(Stdio::null())
            .stdout(f)
            .stderr(e)
            .spawn()
            .map_err(|e| format!("usrsctp_peer: {e}"))
    }

    /// The nft table a test may add for its loss rules, in either namespace.
    pub fn loss_table(&self) -> String {
        format!("{}loss", self.tag)
    }

    /// Delete the loss table wherever it is (nothing when there is none).
    pub fn loss_off(&self) {
        let table = self.loss_table();
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip")
                .args([
                    "netns", "exec", ns, "nft", "delete", "table", "inet", &table,
                ])
                .stderr(Stdio::null())
                .status();
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.loss_off();
        let _ = self.sh(&format!("ns_del {} {}", self.a, self.b));
        if std::env::var_os("KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!("captures and outputs kept in {}", self.dir.display());
        }
    }
}
