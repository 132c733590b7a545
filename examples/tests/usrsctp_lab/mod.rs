//! Two network namespaces joined by a veth, with the project's usrsctp_peer built for namespace
//! B: what the usrsctp interop tests (`interop_usrsctp_pr`, `interop_usrsctp_reconfig`) share.
//! Names carry the test's tag and the process id; everything is deleted on drop (`KEEP=1`
//! keeps the captures and outputs).

use std::fs::File;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// usctp's address (namespace A) and the peer's (namespace B).
pub const USCTP_IP: [u8; 4] = [10, 79, 1, 1];
pub const PEER_IP: [u8; 4] = [10, 79, 1, 2];

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
