//! RFC 9260 §7.3: a packet marked `may_fragment` leaves without DF, every other one with it.
//! In a namespace of the test's own whose loopback carries 1400 bytes: a 3000-byte packet
//! with DF cannot be sent (quinn-udp sends UDP with DF, ignoring the kernel's PMTU cache);
//! without DF the kernel fragments it and it arrives whole. Needs root; skips without it.

use std::fs::File;
use std::future::poll_fn;
use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::process::Command;
use std::time::Duration;

use usctp_transport::{Outgoing, Transport, TransportAddr, UdpConfig, UdpTransport};

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

struct Ns(String);

impl Drop for Ns {
    fn drop(&mut self) {
        ip(&["netns", "del", &self.0]);
    }
}

#[test]
fn rfc9260_7_3_may_fragment_clears_df_for_that_packet_only() {
    let ns = Ns(format!("utdf-{}", std::process::id()));
    if !ip(&["netns", "add", &ns.0]) {
        eprintln!("SKIP: cannot create a network namespace (needs root and iproute2)");
        return;
    }
    let n = &ns.0;
    assert!(ip(&["-n", n, "link", "set", "lo", "mtu", "1400", "up"]));
    let path = format!("/var/run/netns/{n}");
    std::thread::scope(|s| {
        s.spawn(|| {
            let fd = File::open(&path).expect("open netns");
            nix::sched::setns(fd, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(check());
        })
        .join()
        .expect("namespace thread");
    });
}

async fn check() {
    let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let rx = UdpSocket::bind((lo, 0)).expect("receiver");
    rx.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let dst = TransportAddr::udp(lo, rx.local_addr().expect("addr").port());
    let mut cfg = UdpConfig::with_port(0);
    cfg.ipv6 = false;
    let t = UdpTransport::bind(&cfg).expect("bind");
    let packet: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
    let send = |may_fragment| {
        let out = Outgoing {
            dst,
            src: None,
            data: &packet,
            may_fragment,
        };
        let t = &t;
        async move { poll_fn(|cx| t.poll_send(cx, &out)).await }
    };
    let mut buf = vec![0u8; 4000];

    let with_df = send(false).await;
    assert!(
        with_df.is_err() || rx.recv(&mut buf).is_err(),
        "a 3000-byte packet with DF over a 1400-byte link"
    );
    send(true).await.expect("sent without DF");
    let n = rx.recv(&mut buf).expect("the fragmented packet arrives");
    assert_eq!(&buf[..n], &packet[..]);
    // DF is back for the next packet.
    let again = send(false).await;
    assert!(again.is_err() || rx.recv(&mut buf).is_err());
}
