//! Dynamic addresses (RFC 5061) through the tokio API, over UDP on loopback: the client adds
//! 127.0.0.2 to a live association, asks the server to make it its primary, then removes
//! 127.0.0.1; the server follows each step and the echo keeps working. Without ASCONF in
//! force the calls are refused with a typed error.

mod common;

use std::net::IpAddr;
use std::time::Duration;

use common::{fast, LO1, LO2};
use usctp::{
    AddressRequest, AssocError, Association, Endpoint, EndpointConfig, Error, Event, Extensions,
    PathOrigin, PathState, TransportAddr, TransportConfig, UdpConfig,
};

fn cfg(port: u16, asconf: bool) -> EndpointConfig {
    let mut u = UdpConfig::with_port(0);
    u.ipv6 = false;
    let mut c = fast(EndpointConfig::new(
        vec![LO1],
        port,
        TransportConfig::Udp(u),
    ));
    if asconf {
        let a = &mut c.protocol.association;
        a.extensions = a.extensions.with(Extensions::ASCONF);
    }
    c
}

async fn pair(port: u16, asconf: bool) -> (Association, Association, [Endpoint; 2]) {
    let server = Endpoint::bind(cfg(port, asconf)).await.expect("bind");
    let client = Endpoint::bind(cfg(port + 1, asconf)).await.expect("bind");
    let udp = server.local_udp_port().expect("udp");
    let accept = tokio::spawn({
        let server = server.clone();
        async move { server.accept().await }
    });
    let a = client
        .connect(&[TransportAddr::udp(LO1, udp)], port)
        .await
        .expect("connect");
    let b = accept.await.expect("join").expect("accepted");
    (a, b, [server, client])
}

/// Wait for an event of `a` that `f` picks.
async fn event(a: &Association, f: impl Fn(&Event) -> bool) -> Event {
    let wait = async {
        loop {
            match a.event().await {
                Some(e) if f(&e) => return e,
                Some(_) => {}
                None => panic!("association ended"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .expect("event timed out")
}

async fn echo(a: &Association, b: &Association, text: &'static str) {
    a.send(0, text).await.expect("send");
    let got = tokio::time::timeout(Duration::from_secs(5), b.recv())
        .await
        .expect("recv timed out")
        .expect("recv");
    assert_eq!(got.payload, text);
}

/// Poll the server's stats until `f` holds.
async fn until(b: &Association, f: impl Fn(&usctp::AssocStats) -> bool) -> usctp::AssocStats {
    for _ in 0..100 {
        let s = b.stats().await.expect("stats");
        if f(&s) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{:?}", b.stats().await);
}

fn path_to(s: &usctp::AssocStats, ip: IpAddr) -> Option<&usctp::PathStats> {
    s.paths.iter().find(|p| p.remote.ip == ip)
}

#[tokio::test]
async fn add_set_peer_primary_and_remove_on_a_live_association() {
    let (a, b, _eps) = pair(7730, true).await;
    assert!(a
        .stats()
        .await
        .expect("stats")
        .extensions
        .contains(Extensions::ASCONF));
    echo(&a, &b, "before").await;
    a.add_local_address(LO2).await.expect("add");
    let done = Event::AddressRequestDone(AddressRequest::Add(LO2));
    event(&a, |e| *e == done).await;
    let s = until(&b, |s| {
        path_to(s, LO2).is_some_and(|p| p.state == PathState::Active)
    })
    .await;
    assert_eq!(path_to(&s, LO2).map(|p| p.origin), Some(PathOrigin::Asconf));
    a.set_peer_primary(LO2).await.expect("set primary");
    event(
        &b,
        |e| matches!(e, Event::PrimaryRequested { addr, .. } if addr.ip == LO2),
    )
    .await;
    let s = b.stats().await.expect("stats");
    assert_eq!(
        s.paths
            .iter()
            .find(|p| p.id == s.primary)
            .map(|p| p.remote.ip),
        Some(LO2)
    );
    echo(&b, &a, "over the new primary").await;
    a.remove_local_address(LO1).await.expect("remove");
    event(
        &b,
        |e| matches!(e, Event::PathRemoved { addr, .. } if addr.ip == LO1),
    )
    .await;
    let s = b.stats().await.expect("stats");
    assert_eq!(s.paths.len(), 1);
    echo(&a, &b, "after").await;
    echo(&b, &a, "and back").await;
    // The last address stays.
    assert_eq!(
        a.remove_local_address(LO2).await,
        Err(Error::Address(AssocError::LastAddress(LO2)))
    );
}

#[tokio::test]
async fn address_changes_without_asconf_are_refused() {
    let (a, b, _eps) = pair(7732, false).await;
    assert_eq!(
        a.add_local_address(LO2).await,
        Err(Error::Address(AssocError::AsconfNotNegotiated))
    );
    echo(&a, &b, "still fine").await;
}
