//! Once the peer aborted, every call on the association reports that reason, also when the
//! call races the ABORT (the driver has just forgotten the association, or the core closed
//! it and its event is still on the way): never `Closed(None)`, which means a graceful end.

mod common;

use std::sync::Arc;

use common::{fast, LO1};
use usctp::{Association, TransportConfig};
use usctp::{CloseReason, Endpoint, EndpointConfig, Error, MemoryNetwork, TransportAddr};

async fn memory_endpoint(net: &MemoryNetwork, port: u16) -> Endpoint {
    let t = Arc::new(net.bind(&[LO1], port).expect("bind"));
    let cfg = EndpointConfig::new(vec![LO1], port, TransportConfig::Custom(t));
    Endpoint::bind(fast(cfg)).await.expect("endpoint")
}

fn is_peer_abort(r: &Result<(), Error>) -> bool {
    matches!(r, Err(Error::Closed(Some(CloseReason::PeerAborted(_)))))
}

/// Call `f` until it fails; its first error.
async fn first_error<F: std::future::Future<Output = Result<(), Error>>>(
    mut f: impl FnMut() -> F,
) -> Result<(), Error> {
    loop {
        f().await?;
        tokio::task::yield_now().await;
    }
}

/// A connected pair: (the side that will abort, the side that is aborted).
async fn pair(client: &Endpoint, server: &Endpoint) -> (Association, Association) {
    let a = client
        .connect(&[TransportAddr::udp(LO1, 1)], 1)
        .await
        .expect("connect");
    let b = server.accept().await.expect("accept");
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_after_a_peer_abort_reports_the_abort() {
    let net = MemoryNetwork::new();
    let server = memory_endpoint(&net, 1).await;
    let client = memory_endpoint(&net, 2).await;
    // Many rounds, so that calls land before, during and after the driver's handling of the
    // ABORT; each call's first failure must carry the reason.
    for round in 0..500 {
        let (a, b) = pair(&client, &server).await;
        let b = Arc::new(b);
        let sender = tokio::spawn({
            let b = Arc::clone(&b);
            async move { first_error(|| b.send(0, &b"x"[..])).await }
        });
        let primary = tokio::spawn({
            let b = Arc::clone(&b);
            async move { first_error(|| b.set_primary(LO1)).await }
        });
        tokio::task::yield_now().await;
        a.abort(&b"bye"[..]);
        let sent = sender.await.expect("join");
        assert!(is_peer_abort(&sent), "round {round}: send gave {sent:?}");
        let primary = primary.await.expect("join");
        assert!(
            is_peer_abort(&primary),
            "round {round}: set_primary gave {primary:?}"
        );
        let shut = b.shutdown().await;
        assert!(
            is_peer_abort(&shut),
            "round {round}: shutdown gave {shut:?}"
        );
    }
}

#[tokio::test]
async fn a_graceful_end_stays_closed_none_and_shutdown_ok() {
    let net = MemoryNetwork::new();
    let server = memory_endpoint(&net, 1).await;
    let client = memory_endpoint(&net, 2).await;
    let (a, b) = pair(&client, &server).await;
    a.shutdown().await.expect("graceful shutdown");
    assert!(b.recv().await.is_err());
    assert_eq!(b.send(0, &b"x"[..]).await, Err(Error::Closed(None)));
    assert_eq!(a.send(0, &b"x"[..]).await, Err(Error::Closed(None)));
    assert_eq!(b.set_primary(LO1).await, Err(Error::Closed(None)));
    assert_eq!(a.shutdown().await, Ok(()));
    assert_eq!(b.shutdown().await, Ok(()));
}
