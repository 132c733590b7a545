//! I-DATA (RFC 8260) between usctp (namespace `ukv`) and the guest kernel's SCTP through
//! interop/kernel/peer/kernel_peer `--idata` (SCTP_FRAGMENT_INTERLEAVE 2, then
//! SCTP_INTERLEAVING_SUPPORTED), raw IPv4 and UDP 9899. The guest runs them with
//! `net.sctp.intl_enable=1`, set back to 0 after.
//!
//! * `whole`: 20 messages of 1000 bytes on streams 0 and 1, each one I-DATA chunk, from usctp
//!   to a kernel_peer server and from a kernel_peer client to usctp: negotiated, I-DATA only,
//!   all intact.
//! * `fragmented`: the pair of idata_interop/mod.rs (1 MiB on stream 0, then 100 B on stream
//!   1). Linux 6.1 numbers the fragments after a message's first from FSN 0
//!   (`sctp_chunk_assign_mid`), where RFC 8260 §2.1 has the first fragment at FSN 0 and the
//!   second at 1; so the two stacks cannot exchange a fragmented message. The cases check
//!   exactly that, so that a kernel that changes makes them fail: from the kernel (stream
//!   scheduler SCTP_SS_RR, which interleaves), the second fragment carries FSN 0 and usctp
//!   aborts (Protocol Violation); to the kernel, it delivers no part of the 1 MiB message
//!   (its window fills) and kernel_peer gives up (`--timeout 8`).
//! * `fragmented, Linux numbering`: the same pair with usctp's
//!   `i_data_fsn = FsnNumbering::SecondIsZero`, which speaks Linux's numbering both ways: the
//!   sender interleaves the small message among the large one's fragments on the wire, and
//!   the receiver completes it first, both intact (the verdict of the usrsctp cases).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::time::timeout;
use usctp::{Endpoint, EndpointConfig, FsnNumbering};

use super::cases::finish;
use super::reconfig::{guest_start, guest_wait};
use super::usctp_client::Net;
use super::vm::{guest, host, in_netns, Vm, UDP_PORT};
use crate::idata_interop::*;
use crate::pr_interop::{capture_drops, pcap_log, tune};

/// The cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdataKind {
    UsctpSendsWhole,
    KernelSendsWhole,
    UsctpSendsFragmented,
    KernelSendsFragmented,
    UsctpSendsLinuxNumbered,
    KernelSendsLinuxNumbered,
}

/// `whole`: messages and their size.
const N: u32 = 20;
const SIZE: usize = 1000;

impl IdataKind {
    pub const ALL: [IdataKind; 6] = [
        IdataKind::UsctpSendsWhole,
        IdataKind::KernelSendsWhole,
        IdataKind::UsctpSendsFragmented,
        IdataKind::KernelSendsFragmented,
        IdataKind::UsctpSendsLinuxNumbered,
        IdataKind::KernelSendsLinuxNumbered,
    ];

    /// usctp numbers (and reads) FSNs as Linux does.
    fn linux_numbering(self) -> bool {
        matches!(
            self,
            Self::UsctpSendsLinuxNumbered | Self::KernelSendsLinuxNumbered
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::UsctpSendsWhole => "usctp sends 20 whole messages on streams 0, 1",
            Self::KernelSendsWhole => "kernel sends 20 whole messages on streams 0, 1",
            Self::UsctpSendsFragmented => {
                "usctp sends 1 MiB + 100 B: Linux expects FSN 0 on the second fragment"
            }
            Self::KernelSendsFragmented => {
                "kernel sends 1 MiB + 100 B (SCTP_SS_RR): its second fragment has FSN 0"
            }
            Self::UsctpSendsLinuxNumbered => {
                "usctp sends 1 MiB + 100 B with Linux's FSN numbering: interleaved, small first"
            }
            Self::KernelSendsLinuxNumbered => {
                "kernel sends 1 MiB + 100 B (SCTP_SS_RR) to usctp reading Linux's FSN \
                 numbering: interleaved, small first"
            }
        }
    }
}

fn usctp_addrs() -> Vec<IpAddr> {
    vec![host('A', false), host('B', false)]
}

fn bind(rt: &Runtime, net: Net, port: u16, kind: IdataKind) -> Result<Endpoint, String> {
    let mut cfg = if net.udp {
        EndpointConfig::udp(usctp_addrs(), port, UDP_PORT)
    } else {
        EndpointConfig::raw(usctp_addrs(), port)
    };
    let a = &mut cfg.protocol.association;
    tune(a);
    offer(a);
    if kind.linux_numbering() {
        a.i_data_fsn = FsnNumbering::SecondIsZero;
    }
    in_netns(|| rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

/// What usctp's side saw: the messages it received (when the kernel sent), whether I-DATA
/// was in force, and how its association ended (or the error of its send).
struct Side {
    got: Vec<Done>,
    in_force: bool,
    end: Result<(), String>,
}

/// One case; usctp bound to `port`, a kernel_peer server on `guest_port`.
pub fn idata_case(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    kind: IdataKind,
    port: u16,
    guest_port: u16,
) -> Result<String, String> {
    let name = "h22i";
    vm.exec(10, "sysctl -qw net.sctp.intl_enable=1")?;
    let whole: Vec<(u16, u32, usize)> = (0..N).map(|i| ((i % 2) as u16, i, SIZE)).collect();
    let pair = [(0, 0, BIG), (1, 1, SMALL)];
    let whole_args = format!("--send {} --size {SIZE} --also {SIZE},1", N - 1);
    let pair_args = format!("{} --sched rr", peer_send_args().join(" "));
    let side = match kind {
        IdataKind::UsctpSendsWhole => {
            usctp_sends(vm, rt, net, (port, kind), guest_port, name, &whole, 20)
        }
        IdataKind::UsctpSendsFragmented => {
            usctp_sends(vm, rt, net, (port, kind), guest_port, name, &pair, 8)
        }
        IdataKind::UsctpSendsLinuxNumbered => {
            usctp_sends(vm, rt, net, (port, kind), guest_port, name, &pair, 20)
        }
        IdataKind::KernelSendsWhole => kernel_sends(vm, rt, net, (port, kind), name, &whole_args),
        IdataKind::KernelSendsFragmented | IdataKind::KernelSendsLinuxNumbered => {
            kernel_sends(vm, rt, net, (port, kind), name, &pair_args)
        }
    };
    let p = guest_wait(vm, name);
    let _ = vm.exec(10, "sysctl -qw net.sctp.intl_enable=0");
    let suite = finish(vm, pcap);
    let drops = capture_drops(&pcap_log(std::path::Path::new(pcap)));
    let verdict = (|| {
        let (p, ok) = p?;
        let side = side?;
        suite?;
        let w = wire(pcap, &usctp_addrs())?;
        let kernel_got = peer_done(&p.text);
        match kind {
            IdataKind::UsctpSendsWhole | IdataKind::KernelSendsWhole => {
                side.end
                    .map_err(|e| format!("{e}; kernel_peer: {}", p.text))?;
                if !ok {
                    return Err(format!("kernel_peer failed: {}", p.text));
                }
                let usctp_sent = kind == IdataKind::UsctpSendsWhole;
                let got = if usctp_sent { &kernel_got } else { &side.got };
                check_unfragmented(usctp_sent, side.in_force, got, &w, N, SIZE)
            }
            IdataKind::UsctpSendsLinuxNumbered | IdataKind::KernelSendsLinuxNumbered => {
                side.end
                    .map_err(|e| format!("{e}; kernel_peer: {}", p.text))?;
                if !ok {
                    return Err(format!("kernel_peer failed: {}", p.text));
                }
                let usctp_sent = kind == IdataKind::UsctpSendsLinuxNumbered;
                let got = if usctp_sent { &kernel_got } else { &side.got };
                let fsns = if usctp_sent {
                    w.chunks_from(true).filter_map(|c| c.1).take(3).collect()
                } else {
                    peer_fsns(&w)
                };
                if fsns.first() != Some(&0) {
                    return Err(format!("FSNs after B {fsns:?}: want Linux's, from 0"));
                }
                let head = &fsns[..fsns.len().min(4)];
                check_despite_drops(usctp_sent, side.in_force, got, &w, drops)
                    .map(|v| format!("{v}; FSNs after B from 0 ({head:?}..)"))
            }
            IdataKind::KernelSendsFragmented => {
                let fsns = peer_fsns(&w);
                let violation = side.end.as_ref().err().is_some_and(|e| {
                    e.contains("ProtocolViolation") && e.contains("fragmentation")
                });
                if fsns.first() != Some(&0) || !usctp_aborted(&w) || !violation {
                    return Err(format!(
                        "expected Linux's second fragment at FSN 0 and usctp's Protocol \
                         Violation ABORT; FSNs after B {fsns:?}, usctp ABORTs {}, usctp: \
                         {:?}; if Linux now follows RFC 8260 §2.1, check interleaving here",
                        usctp_aborted(&w),
                        side.end
                    ));
                }
                Ok(format!(
                    "I-DATA in force {}; the kernel's fragments after the first carried FSN \
                     {fsns:?} (RFC 8260 §2.1: from 1), usctp aborted: Protocol Violation",
                    side.in_force
                ))
            }
            IdataKind::UsctpSendsFragmented => {
                let ours = w
                    .chunks_from(true)
                    .filter_map(|c| c.1)
                    .take(3)
                    .collect::<Vec<_>>();
                let big = kernel_got.iter().any(|d| d.stream == 0);
                if ours.first() != Some(&1) || big || ok || side.end.is_ok() {
                    return Err(format!(
                        "expected the kernel to deliver nothing of the 1 MiB message and give \
                         up; usctp's FSNs after B {ours:?}, kernel got {kernel_got:?}, \
                         kernel_peer ok {ok}, usctp: {:?}",
                        side.end
                    ));
                }
                Ok(format!(
                    "usctp's fragments after the first carried FSN {ours:?}.. (RFC 8260 §2.1); \
                     the kernel delivered none of the 1 MiB message and kernel_peer gave up; \
                     usctp: {}",
                    side.end.err().unwrap_or_default()
                ))
            }
        }
    })();
    let note = |s: String| format!("{s}; capture drops {drops}");
    verdict.map(note).map_err(note)
}

#[allow(clippy::too_many_arguments)]
fn usctp_sends(
    vm: &Vm,
    rt: &Runtime,
    net: Net,
    (port, kind): (u16, IdataKind),
    guest_port: u16,
    name: &str,
    msgs: &[(u16, u32, usize)],
    peer_timeout: u32,
) -> Result<Side, String> {
    guest_start(
        vm,
        name,
        &format!("--role server --lport {guest_port} --idata --timeout {peer_timeout}"),
    )?;
    std::thread::sleep(Duration::from_millis(300));
    let ep = bind(rt, net, port, kind)?;
    rt.block_on(async {
        let a =
            super::usctp_client::connect_to(&ep, guest('A', false), net.udp, guest_port).await?;
        let a = Arc::new(a);
        let in_force = a
            .stats()
            .await
            .is_some_and(|s| s.extensions.contains(usctp::Extensions::I_DATA));
        let r = usctp_send(a, msgs).await;
        ep.close().await;
        Ok(Side {
            got: Vec::new(),
            in_force,
            end: r.map(|_| ()),
        })
    })
}

fn kernel_sends(
    vm: &Vm,
    rt: &Runtime,
    net: Net,
    (port, kind): (u16, IdataKind),
    name: &str,
    args: &str,
) -> Result<Side, String> {
    let ep = bind(rt, net, port, kind)?;
    let rudp = if net.udp {
        format!("--rudp {UDP_PORT}")
    } else {
        String::new()
    };
    guest_start(
        vm,
        name,
        &format!(
            "--role client --remote {} --port {port} {rudp} --idata --timeout 20 --hold 1000 \
             {args}",
            host('A', false),
        ),
    )?;
    rt.block_on(async {
        let a = timeout(Duration::from_secs(10), ep.accept())
            .await
            .map_err(|_| "no association from the kernel within 10 s".to_string())?
            .ok_or("endpoint closed")?;
        let (got, in_force, end) =
            usctp_recv_interleaved(Arc::new(a), Duration::from_secs(20)).await;
        ep.close().await;
        let end = if end == "graceful" { Ok(()) } else { Err(end) };
        Ok(Side { got, in_force, end })
    })
}
