//! Which worker of a sharded endpoint owns an association: one hash of the SCTP ports,
//! computed here in Rust (for outgoing `connect`) and as classic BPF programs the kernel runs
//! on received packets (UDP `SO_ATTACH_REUSEPORT_CBPF`, raw `SO_ATTACH_FILTER`).
//!
//! Every transport address of an endpoint has the same port (RFC 9260 §2.3, "SCTP
//! endpoint"), so all paths of an association land on one worker: the cluster load
//! balancer's "hash on ports only" applied to cores. The key is the first 32-bit word of the
//! SCTP common header, (peer port, local port), which is (source, destination) of every
//! packet we receive. nfqlb's djb2 over those bytes is not used: its value depends on
//! 33·b0 + b1 only, so consecutive peer ports collide in groups, and `% 3` sees the last
//! byte alone; a bijective 32-bit mixer of the whole word spreads them evenly.

use nix::libc::sock_filter;

/// The key: peer port in the high half, local port in the low half (the first four bytes of
/// a received SCTP packet, read big-endian).
pub fn port_key(peer: u16, local: u16) -> u32 {
    (u32::from(peer) << 16) | u32::from(local)
}

/// The steps of [`mix`]: `A ^= A >> n`, or `A *= k`.
#[derive(Clone, Copy)]
enum Step {
    XorShift(u32),
    Mul(u32),
}

/// MurmurHash3's 32-bit finalizer (fmix32).
const MIX: [Step; 5] = [
    Step::XorShift(16),
    Step::Mul(0x85eb_ca6b),
    Step::XorShift(13),
    Step::Mul(0xc2b2_ae35),
    Step::XorShift(16),
];

/// Spread the bits of `h` (a bijection: distinct port pairs differ before the modulo).
pub fn mix(h: u32) -> u32 {
    MIX.iter().fold(h, |h, s| match *s {
        Step::XorShift(n) => h ^ (h >> n),
        Step::Mul(k) => h.wrapping_mul(k),
    })
}

/// The worker (of `workers`) that owns associations between these ports.
pub fn worker_for(peer: u16, local: u16, workers: usize) -> usize {
    let n = u32::try_from(workers.max(1)).unwrap_or(u32::MAX);
    usize::try_from(mix(port_key(peer, local)) % n).unwrap_or(0)
}

/// Where the SCTP common header starts in what the BPF program sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// At offset 0: the UDP payload (Linux runs the reuseport program with the UDP header
    /// pulled: `udp4_lib_lookup2` / `udp6_lib_lookup2` pass `sizeof(struct udphdr)` to
    /// `reuseport_select_sock`), or an IPv6 raw socket (no IP header).
    Sctp,
    /// After an IPv4 header of IHL words (IPv4 raw sockets see the IP header).
    Ipv4,
}

// Classic BPF opcodes (linux/filter.h, linux/bpf_common.h).
const LD: u16 = 0x00;
const LDX: u16 = 0x01;
const ALU: u16 = 0x04;
const JMP: u16 = 0x05;
const RET: u16 = 0x06;
const TAX: u16 = 0x07;
const W: u16 = 0x00;
const B: u16 = 0x10;
const ABS: u16 = 0x20;
const IND: u16 = 0x40;
const MSH: u16 = 0xa0;
const MUL: u16 = 0x20;
const RSH: u16 = 0x70;
const MOD: u16 = 0x90;
const XOR: u16 = 0xa0;
const JEQ: u16 = 0x10;
const X: u16 = 0x08;
const RET_A: u16 = 0x10;

fn op(code: u16, k: u32) -> sock_filter {
    sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

/// Instructions leaving `mix(port_key(sport, dport)) % workers` in A.
fn hash_mod(layout: Layout, workers: usize) -> Vec<sock_filter> {
    let mut p = Vec::with_capacity(16);
    match layout {
        Layout::Sctp => p.push(op(LD | W | ABS, 0)),
        Layout::Ipv4 => {
            p.push(op(LDX | B | MSH, 0)); // X = 4 * IHL
            p.push(op(LD | W | IND, 0));
        }
    }
    for s in MIX {
        match s {
            Step::XorShift(n) => {
                p.push(op(TAX, 0));
                p.push(op(ALU | RSH, n));
                p.push(op(ALU | XOR | X, 0));
            }
            Step::Mul(k) => p.push(op(ALU | MUL, k)),
        }
    }
    p.push(op(
        ALU | MOD,
        u32::try_from(workers.max(1)).unwrap_or(u32::MAX),
    ));
    p
}

/// The `SO_ATTACH_REUSEPORT_CBPF` program of a UDP group: returns the worker index, which
/// is the socket's index in the group (its bind order). A packet too short to hold the
/// ports makes the program fail, which the kernel treats as index 0.
pub(crate) fn reuseport_program(workers: usize) -> Vec<sock_filter> {
    let mut p = hash_mod(Layout::Sctp, workers);
    p.push(op(RET | RET_A, 0));
    p
}

/// The `SO_ATTACH_FILTER` program of worker `worker`'s raw socket: keeps the packets whose
/// port hash picks it, drops the others.
pub(crate) fn raw_filter(layout: Layout, worker: usize, workers: usize) -> Vec<sock_filter> {
    let mut p = hash_mod(layout, workers);
    let mut jeq = op(JMP | JEQ, u32::try_from(worker).unwrap_or(u32::MAX));
    jeq.jf = 1;
    p.push(jeq);
    p.push(op(RET, u32::MAX));
    p.push(op(RET, 0));
    p
}

#[cfg(test)]
#[path = "shard_tests.rs"]
mod tests;
