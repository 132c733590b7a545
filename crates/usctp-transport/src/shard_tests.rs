//! The BPF programs run by a small classic-BPF interpreter (the kernel's semantics for the
//! instructions they use) and compared with the Rust hash.

use super::*;

/// Run `prog` on `pkt` as the kernel would; `None` where the kernel aborts the program (an
/// out-of-bounds load), which it treats as returning 0.
fn run(prog: &[sock_filter], pkt: &[u8]) -> Option<u32> {
    let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
    let byte = |off: u32| pkt.get(usize::try_from(off).ok()?).copied().map(u32::from);
    let word = |off: u32| {
        let o = usize::try_from(off).ok()?;
        let b: [u8; 4] = pkt.get(o..o.checked_add(4)?)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    };
    loop {
        let i = prog.get(pc)?;
        pc += 1;
        match i.code {
            c if c == LD | W | ABS => a = word(i.k)?,
            c if c == LD | W | IND => a = word(x.wrapping_add(i.k))?,
            c if c == LDX | B | MSH => x = 4 * (byte(i.k)? & 0xf),
            c if c == ALU | MUL => a = a.wrapping_mul(i.k),
            c if c == ALU | MOD => a %= i.k,
            c if c == ALU | RSH => a >>= i.k,
            c if c == ALU | XOR | X => a ^= x,
            c if c == TAX => x = a,
            c if c == JMP | JEQ => pc += usize::from(if a == i.k { i.jt } else { i.jf }),
            c if c == RET => return Some(i.k),
            c if c == RET | RET_A => return Some(a),
            c => panic!("opcode {c:#x} not modelled"),
        }
    }
}

fn sctp(sport: u16, dport: u16) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&[0xab; 12]); // vtag, checksum, a chunk header
    p
}

fn ipv4(ihl_words: u8, sctp: &[u8]) -> Vec<u8> {
    let mut p = vec![0u8; usize::from(ihl_words) * 4];
    p[0] = 0x40 | ihl_words;
    p[9] = 132;
    p.extend_from_slice(sctp);
    p
}

#[test]
fn the_key_is_the_first_word_of_the_sctp_header_and_mix_is_murmur3_fmix32() {
    assert_eq!(
        port_key(59024, 6000),
        u32::from_be_bytes([0xe6, 0x90, 0x17, 0x70])
    );
    // MurmurHash3 fmix32 reference values.
    assert_eq!(mix(0), 0);
    assert_eq!(mix(1), 0x514e_28b7);
}

#[test]
fn reuseport_program_returns_the_rust_worker_for_every_port_pair_sampled() {
    for workers in [2, 3, 4, 7] {
        let prog = reuseport_program(workers);
        for sport in (1..=65_535u16).step_by(97) {
            for dport in [1u16, 5000, 9899, 65_535] {
                let want = worker_for(sport, dport, workers);
                let got = run(&prog, &sctp(sport, dport));
                assert_eq!(got, Some(want as u32), "{sport}->{dport} of {workers}");
            }
        }
    }
}

#[test]
fn raw_filters_keep_each_packet_on_exactly_the_rust_worker() {
    for (layout, ihl) in [(Layout::Sctp, 0u8), (Layout::Ipv4, 5), (Layout::Ipv4, 7)] {
        let workers = 3;
        let progs: Vec<_> = (0..workers)
            .map(|w| raw_filter(layout, w, workers))
            .collect();
        for sport in (1..=65_535u16).step_by(211) {
            let s = sctp(sport, 5000);
            let pkt = if layout == Layout::Ipv4 {
                ipv4(ihl, &s)
            } else {
                s
            };
            let kept: Vec<usize> = (0..workers)
                .filter(|&w| run(&progs[w], &pkt) == Some(u32::MAX))
                .collect();
            assert_eq!(
                kept,
                vec![worker_for(sport, 5000, workers)],
                "{layout:?} ihl {ihl}"
            );
        }
    }
}

#[test]
fn short_packets_are_dropped_or_sent_to_worker_0_not_misread() {
    let short = [0x12u8, 0x34, 0x56];
    assert_eq!(run(&reuseport_program(4), &short), None);
    assert_eq!(run(&raw_filter(Layout::Sctp, 1, 2), &short), None);
    // An IPv4 header claiming more words than the packet holds.
    assert_eq!(run(&raw_filter(Layout::Ipv4, 0, 2), &[0x4f, 0, 0, 0]), None);
}

#[test]
fn every_worker_count_gets_a_fair_share_of_consecutive_peer_ports() {
    // Peers' ports are often consecutive (one client per port); djb2 alone would put all
    // of them on one worker of 3 or 6.
    for workers in 2..=12 {
        let mut count = vec![0u32; workers];
        for peer in 30_000..40_000u16 {
            count[worker_for(peer, 5000, workers)] += 1;
        }
        let fair = 10_000 / workers as u32;
        for c in &count {
            assert!(c.abs_diff(fair) * 10 < fair, "{workers} workers: {count:?}");
        }
    }
}
