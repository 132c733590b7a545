//! The guest kernel as the client (sctp_darn -s -I, driven through a fifo) against
//! `sctpt server` in namespace `ukv`; the kernel ends the association with SHUTDOWN or ABORT.

use std::io::Read;
use std::process::{Child, Stdio};
use std::time::Duration;

use super::cases::{common_checks, finish, kernel_assoc_gone, End};
use super::vm::{guest, host, Vm, UDP_PORT};

pub const SERVER_PORT: u16 = 6000;

/// `sctpt server` inside the namespace; killed on drop.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    fn start(vm: &Vm, v6: bool, udp: bool, ulp: &str) -> Result<Server, String> {
        let addrs = format!("{},{}", host('A', v6), host('B', v6));
        Server::spawn(vm, &addrs, udp, &["--log", "6", "--ulp", ulp])
    }

    /// On port 6000 of `addrs` (a comma list), short timers, UDP 9899 when `udp`, and
    /// `args` (`--log`, `--ulp`, extensions).
    pub fn spawn(vm: &Vm, addrs: &str, udp: bool, args: &[&str]) -> Result<Server, String> {
        let mut cmd = vm.ns_command(env!("CARGO_BIN_EXE_sctpt"));
        cmd.arg("server").args(args);
        cmd.args(["--addr", addrs, "--port", &SERVER_PORT.to_string()]);
        cmd.args([
            "--hb-interval",
            "500",
            "--rto-min",
            "500",
            "--rto-max",
            "1000",
        ]);
        if udp {
            cmd.args(["--udp-port", &UDP_PORT.to_string()]);
        }
        let child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("sctpt server: {e}"))?;
        std::thread::sleep(Duration::from_millis(300));
        Ok(Server(child))
    }

    /// Stop it; its stdout and stderr.
    pub fn stop(mut self) -> String {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let mut s = String::new();
        for r in [
            self.0.stdout.take().map(|o| Box::new(o) as Box<dyn Read>),
            self.0.stderr.take().map(|e| Box::new(e) as Box<dyn Read>),
        ]
        .into_iter()
        .flatten()
        {
            let mut r = r;
            let _ = r.read_to_string(&mut s);
        }
        s
    }
}

/// Kernel client -> sctpt server: 20 messages of 1000 bytes, a user HEARTBEAT on path B,
/// then the kernel ends the association (`end`).
///
/// For SHUTDOWN the server discards instead of echoing: after sending SHUTDOWN, `sctp_darn`
/// waits for the SHUTDOWN_COMP notification, exits when it reads an unread echo instead, and
/// Linux closes a socket holding unread data with an ABORT (User Initiated Abort). That ABORT
/// raced the SHUTDOWN ACK in one run; it is the tool's doing, not the protocol's.
pub fn kernel_to_usctp(
    vm: &Vm,
    pcap: &str,
    v6: bool,
    udp: bool,
    end: End,
    lport: u16,
) -> Result<String, String> {
    let ulp = if end == End::Shutdown {
        "discard"
    } else {
        "echo"
    };
    let server = Server::start(vm, v6, udp, ulp)?;
    let encap = if udp { UDP_PORT } else { 0 };
    // net.sctp.encap_port applies to sockets created while it is set (RFC 6951 for this one).
    let start = format!(
        "rm -f /tmp/c.in; mkfifo /tmp/c.in; sysctl -qw net.sctp.encap_port={encap}\n\
         sctp_darn -H {} -B {} -P {lport} -h {} -p {SERVER_PORT} -s -I </tmp/c.in >/tmp/c.log 2>&1 &\n\
         echo $! >/tmp/c.pid; sleep 100000 >/tmp/c.in & echo $! >/tmp/k.pid",
        guest('A', v6),
        guest('B', v6),
        host('A', v6)
    );
    let cmd = match end {
        End::Shutdown => "shutdown",
        End::Abort => "abort",
    };
    let drive = format!(
        "for i in $(seq 20); do echo snd=1000; usleep 20000; done >/tmp/c.in; sleep 1\n\
         echo heartbeat={} >/tmp/c.in; sleep 2; echo {cmd} >/tmp/c.in",
        host('B', v6)
    );
    let stop =
        "kill $(cat /tmp/c.pid) $(cat /tmp/k.pid) 2>/dev/null; sysctl -qw net.sctp.encap_port=0";
    let r = vm
        .exec(10, &start)
        .and_then(|_| vm.exec(20, &drive))
        .and_then(|_| kernel_assoc_gone(vm, lport));
    let _ = vm.exec(10, stop);
    let out = server.stop();
    r.map_err(|e| format!("{e}\nsctpt server:\n{out}"))?;
    if end == End::Shutdown && !out.contains("Connection closed") {
        return Err(format!(
            "sctpt server did not print `Connection closed`:\n{out}"
        ));
    }
    // The kernel's INIT listed both its addresses: sctpt lists both as peer addresses.
    let peers = out
        .lines()
        .skip_while(|l| *l != "Peer addresses")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .count();
    if peers != 2 {
        return Err(format!(
            "sctpt server lists {peers} peer addresses, not 2:\n{out}"
        ));
    }
    let detail = common_checks(&finish(vm, pcap)?, false, end, udp, end == End::Abort)?;
    // What sctpt made of the end: `Connection closed` (stdout) or a recv error (stderr).
    let end_line = out
        .lines()
        .find(|l| *l == "Connection closed" || l.starts_with("recv"))
        .unwrap_or("");
    Ok(format!(
        "{detail}; sctpt server: 2 peer addresses, `{end_line}`"
    ))
}
