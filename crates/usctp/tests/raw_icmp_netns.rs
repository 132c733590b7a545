//! ICMP over raw IP reaches the core: in two network namespaces joined by veth links, a raw
//! IP client sends INIT to the other namespace, where no SCTP socket is open and the kernel
//! has no SCTP module, so that kernel answers ICMP protocol unreachable (IPv4) or parameter
//! problem "unrecognized next header" (IPv6). The connect must fail at once with
//! `NoSctpListener` (RFC 9260 Appendix C ICMP8), not after Max.Init.Retransmits.
//!
//! Needs root (namespaces and CAP_NET_RAW); skips with a message otherwise, but fails when
//! USCTP_REQUIRE_TOOLS=1 and running as root. Namespaces are named `ufx<pid>i{c,s}`.

mod common;

use std::time::{Duration, Instant};

use common::netns::{in_netns, link_addrs, skip_reason, Netns};
use usctp::{ConnectError, Endpoint, EndpointConfig, TransportAddr};

fn required() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the effective user.
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    std::env::var("USCTP_REQUIRE_TOOLS").as_deref() == Ok("1") && root
}

fn setup() -> Option<Netns> {
    let why = skip_reason().or_else(|| {
        usctp::kernel_sctp_loaded().then(|| {
            "the kernel SCTP module is loaded: the other namespace would answer ABORT, not ICMP"
                .to_string()
        })
    });
    if let Some(why) = why {
        assert!(!required(), "USCTP_REQUIRE_TOOLS=1 as root, but: {why}");
        eprintln!("SKIPPED raw IP ICMP test: {why}");
        return None;
    }
    Some(Netns::create_with_prefix("ufx", 'i').unwrap_or_else(|e| panic!("namespaces: {e}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_init_to_a_host_without_sctp_fails_at_once_with_no_sctp_listener() {
    let Some(ns) = setup() else { return };
    let [(c4, s4), (c6, s6)] = link_addrs(1);
    // Timers so long that only the ICMP report can end an attempt within the bound below:
    // the first INIT retransmission would come after a minute.
    let mut cfg = EndpointConfig::raw(vec![c4, c6], 5000);
    cfg.protocol.association.rto_initial = Duration::from_secs(60);
    cfg.protocol.association.rto_max = Duration::from_secs(60);
    let rt = tokio::runtime::Handle::current();
    let client = in_netns(&ns.client, move || {
        rt.block_on(Endpoint::bind(cfg))
            .expect("bind raw endpoint (CAP_NET_RAW?)")
    });
    for server in [s6, s4, s6] {
        let peer = TransportAddr::raw(server);
        let start = Instant::now();
        let r = tokio::time::timeout(Duration::from_secs(30), client.connect(&[peer], 5001))
            .await
            .unwrap_or_else(|_| panic!("connect to {server} still pending: no ICMP reached it"));
        println!(
            "connect to {server} failed after {:?}: {r:?}",
            start.elapsed()
        );
        let e = r.expect_err("nothing speaks SCTP there");
        assert_eq!(e, ConnectError::NoSctpListener(peer), "{server}");
        assert!(e.to_string().contains("protocol unreachable"), "{e}");
    }
    client.close().await;
    drop(ns);
}
