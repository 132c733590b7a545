//! RFC 4895 §6.3: a chunk the SUT asked to be authenticated is processed only after an AUTH
//! chunk in the same packet that verifies; forged packets (no AUTH, a wrong HMAC, an unknown
//! key, an HMAC identifier the SUT did not offer) change nothing. Also the AUTH bundled after
//! a COOKIE ECHO (checked with the key the cookie carries), and the shared-key API.
#![allow(clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::auth::*;
use common::tester::*;
use common::wire::PEER;
use usctp_proto::{AssociationConfig, AuthKeyError, Extensions, HmacAlgorithm};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Chunk, CookieEcho};

const DATA: u8 = 0;
const SACK: u8 = 3;

fn auth_on(chunks: &[u8]) -> AssociationConfig {
    let mut c = quiet();
    c.extensions = Extensions::default().with(Extensions::AUTH);
    c.auth_chunks = chunks.to_vec();
    c
}

/// The tester's INIT (offering `tester`) and the SUT's INIT ACK: the tester, the SUT's AUTH
/// side, and the cookie to echo.
fn handshake(cfg: AssociationConfig, tester: &Side) -> (Tester, Side, Bytes) {
    let mut t = Tester::listen(cfg);
    let out = t.send_tag(0, vec![init_with(tester.params())]);
    let ack = init_ack_of(&out).unwrap();
    t.sut_tag = ack.initiate_tag.0;
    t.sut_tsn = ack.initial_tsn.0;
    (
        t,
        Side::of(&ack.params).unwrap(),
        ack.state_cookie().unwrap(),
    )
}

/// The association up, AUTH in force, the SUT asking for DATA to be authenticated; the
/// association shared key for the empty key 0.
fn established(cfg: AssociationConfig, tester: &Side) -> (Tester, Side) {
    let (mut t, sut, cookie) = handshake(cfg, tester);
    let out = t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    assert!(has(&out, |c| matches!(c, Chunk::CookieAck(_))));
    t.id = t.ep.association_ids().next();
    assert!(t.user(|a| a.extensions().contains(Extensions::AUTH)));
    (t, sut)
}

fn acked(out: &[usctp_wire::Packet]) -> bool {
    has(out, |c| matches!(c, Chunk::Sack(_)))
}

/// Send `p`, let the delayed SACK timer run out: what the SUT sent, and the messages it
/// delivered.
fn exchange(t: &mut Tester, p: Bytes) -> (Vec<usctp_wire::Packet>, Vec<Bytes>) {
    let mut out = t.send_bytes(PEER, p);
    out.extend(packets(&t.run(std::time::Duration::from_secs(1))));
    (out, t.messages())
}

/// A whole message with the tester's next TSN, each on a stream of its own (SSN 0).
fn msg(t: &mut Tester, payload: &'static [u8]) -> Chunk {
    let tsn = t.next_tsn;
    t.next_tsn += 1;
    data_chunk(tsn, (tsn - TSN0) as u16 % 10, 0, payload, true, true)
}

fn auth_stats(t: &mut Tester) -> usctp_proto::AuthStats {
    t.user(|a| a.stats().auth)
}

#[test]
fn rfc4895_6_3_forged_data_changes_nothing_and_signed_data_is_taken() {
    let tester = Side::tester(0x44, None, &[SHA256, SHA1]);
    let (mut t, sut) = established(auth_on(&[DATA]), &tester);
    let key = association_key(&[], &sut, &tester);
    let tsn = t.next_tsn;
    let d = data_chunk(tsn, 0, 0, b"payload", true, true);
    // No AUTH: the DATA is dropped, the HEARTBEAT beside it still answered.
    let out = t.send(vec![heartbeat(b"hb"), d.clone()]);
    assert!(!acked(&out), "{out:?}");
    assert!(
        has(&out, |c| matches!(c, Chunk::HeartbeatAck(_))),
        "{out:?}"
    );
    assert_eq!(auth_stats(&mut t).discarded_chunks, 1);
    // A wrong HMAC (another key), an unknown key id, a truncated HMAC: dropped too.
    for (key_id, hmac_id, k) in [
        (0, SHA256, &b"not the key"[..]),
        (7, SHA256, &key[..]),
        (0, SHA1, &b"not the key"[..]),
    ] {
        let p = signed_packet(
            t.sut_tag,
            &[],
            (key_id, hmac_id, k),
            std::slice::from_ref(&d),
        );
        let out = t.send_bytes(PEER, p);
        assert!(out.is_empty(), "key {key_id}: {out:?}");
    }
    let mut bad =
        signed_packet(t.sut_tag, &[], (0, SHA256, &key), std::slice::from_ref(&d)).to_vec();
    bad[12 + 8] ^= 1; // one bit of the HMAC
    usctp_wire::crc::write_checksum(&mut bad);
    assert!(t.send_bytes(PEER, bad.into()).is_empty());
    let s = auth_stats(&mut t);
    assert_eq!((s.failed, s.discarded_chunks), (4, 1 + 4 * 2));
    assert!(t.messages().is_empty());
    assert!(packets(&t.run(std::time::Duration::from_secs(1))).is_empty());
    // Correct: taken and acknowledged, in SHA-256 and in SHA-1.
    let p = signed_packet(t.sut_tag, &[], (0, SHA256, &key), &[d]);
    let (out, got) = exchange(&mut t, p);
    assert!(acked(&out), "{out:?}");
    assert_eq!(got, [&b"payload"[..]]);
    let d2 = data_chunk(tsn + 1, 0, 1, b"second", true, true);
    let p = signed_packet(t.sut_tag, &[], (0, SHA1, &key), &[d2]);
    let (out, got) = exchange(&mut t, p);
    assert!(acked(&out), "{out:?}");
    assert_eq!(got, [&b"second"[..]]);
    assert_eq!(auth_stats(&mut t).failed, 4);
}

#[test]
fn rfc4895_6_3_unlisted_hmac_identifier_is_answered_with_an_error() {
    let tester = Side::tester(0x55, None, &[SHA1]);
    let mut cfg = auth_on(&[DATA]);
    cfg.auth_hmacs = vec![HmacAlgorithm::Sha1].into();
    let (mut t, sut) = established(cfg, &tester);
    assert_eq!(sut.hmacs, [SHA1]);
    let key = association_key(&[], &sut, &tester);
    let d = t.data(b"x");
    for hmac_id in [SHA256, 2] {
        let p = signed_packet(t.sut_tag, &[], (0, hmac_id, &key), std::slice::from_ref(&d));
        let out = t.send_bytes(PEER, p);
        assert!(!acked(&out), "{out:?}");
        let causes: Vec<_> = out
            .iter()
            .flat_map(|p| &p.chunks)
            .filter_map(|c| match c {
                Chunk::Error(e) => Some(e.causes.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(
            matches!(causes[..], [ErrorCause::UnsupportedHmacIdentifier(u)] if u.hmac_id == hmac_id),
            "{out:?}"
        );
    }
    assert!(t.messages().is_empty());
}

#[test]
fn rfc4895_6_3_auth_bundled_after_cookie_echo_uses_the_cookies_key() {
    let tester = Side::tester(0x66, None, &[SHA256, SHA1]);
    for good in [true, false] {
        let (mut t, sut, cookie) = handshake(auth_on(&[DATA]), &tester);
        let key = if good {
            association_key(&[], &sut, &tester)
        } else {
            b"wrong".to_vec()
        };
        let echo = Chunk::CookieEcho(CookieEcho { cookie });
        let d = t.data(b"with the cookie");
        let out = t.send_bytes(
            PEER,
            signed_packet(t.sut_tag, &[echo], (0, SHA256, &key), &[d]),
        );
        assert!(has(&out, |c| matches!(c, Chunk::CookieAck(_))), "{out:?}");
        t.id = t.ep.association_ids().next();
        assert_eq!(acked(&out), good, "{out:?}");
        let delivered = t.messages();
        assert_eq!(delivered.len(), usize::from(good));
    }
}

#[test]
fn rfc4895_6_1_keys_add_activate_delete() {
    let tester = Side::tester(0x77, Some(&[SACK]), &[SHA256, SHA1]);
    let mut cfg = auth_on(&[DATA]);
    cfg.auth_keys.add(1, &b"endpoint key"[..]);
    let (mut t, sut) = established(cfg, &tester);
    let key_for = |shared: &[u8]| association_key(shared, &sut, &tester);
    // Key 1 from the endpoint's configuration works from the start.
    let d = msg(&mut t, b"key 1");
    let out = t.send_bytes(
        PEER,
        signed_packet(t.sut_tag, &[], (1, SHA256, &key_for(b"endpoint key")), &[d]),
    );
    assert!(acked(&out), "{out:?}");
    assert_eq!(t.messages(), [&b"key 1"[..]]);
    // Key 2, added on the association; then deleted: no longer accepted.
    t.user(|a| a.add_auth_key(2, Bytes::from_static(b"assoc key")))
        .unwrap();
    let d = msg(&mut t, b"key 2");
    let p = signed_packet(t.sut_tag, &[], (2, SHA256, &key_for(b"assoc key")), &[d]);
    assert_eq!(exchange(&mut t, p).1, [&b"key 2"[..]]);
    t.user(|a| a.delete_auth_key(2)).unwrap();
    let d = msg(&mut t, b"key 2 gone");
    let p = signed_packet(t.sut_tag, &[], (2, SHA256, &key_for(b"assoc key")), &[d]);
    let (out, got) = exchange(&mut t, p);
    assert!(!acked(&out) && got.is_empty(), "{out:?}");
    t.next_tsn -= 1;
    // The active key cannot be deleted; switching makes the SUT sign with the new one.
    assert_eq!(
        t.user(|a| a.delete_auth_key(0)),
        Err(AuthKeyError::ActiveKey(0))
    );
    assert_eq!(
        t.user(|a| a.set_active_auth_key(9)),
        Err(AuthKeyError::NoSuchKey(9))
    );
    t.user(|a| a.set_active_auth_key(1)).unwrap();
    t.user(|a| a.delete_auth_key(0)).unwrap();
    assert_eq!(
        t.user(|a| a.auth_keys().unwrap().ids().collect::<Vec<_>>()),
        [1]
    );
    let d = msg(&mut t, b"signed back with key 1");
    let p = signed_packet(t.sut_tag, &[], (1, SHA256, &key_for(b"endpoint key")), &[d]);
    let (out, got) = exchange(&mut t, p);
    assert_eq!(got, [&b"signed back with key 1"[..]]);
    let p = out.iter().find(|p| acked(std::slice::from_ref(p))).unwrap();
    let Chunk::Auth(a) = &p.chunks[0] else {
        panic!("SACK not authenticated: {p:?}")
    };
    assert_eq!(a.shared_key_id, 1);
    assert!(verifies(&p.to_vec(), 12, &key_for(b"endpoint key")));
    assert!(!verifies(&p.to_vec(), 12, &key_for(b"")));
}

#[test]
fn rfc4895_key_api_refuses_without_auth() {
    let mut t = Tester::connected(quiet());
    assert_eq!(
        t.user(|a| a.add_auth_key(1, Bytes::new())),
        Err(AuthKeyError::NotNegotiated)
    );
    assert!(t.user(|a| a.auth_keys().is_none()));
}

/// RFC 4895 §6.3 with RFC 9260 §8.4 rule 5: an out-of-the-blue packet that starts with AUTH
/// is judged by the chunk after it: AUTH + SHUTDOWN ACK gets SHUTDOWN COMPLETE (T bit).
#[test]
fn rfc4895_6_3_ootb_auth_then_shutdown_ack_gets_shutdown_complete() {
    let mut t = Tester::listen(auth_on(&[]));
    let ack = Chunk::ShutdownAck(usctp_wire::chunk::ShutdownAck);
    let p = signed_packet(0x1234_5678, &[], (0, SHA1, b"any"), &[ack]);
    let out = t.send_bytes(PEER, p);
    let [p] = &out[..] else {
        panic!("one reply expected: {out:?}")
    };
    assert!(
        matches!(p.chunks[..], [Chunk::ShutdownComplete(ref s)] if s.t_bit),
        "{p:?}"
    );
    assert_eq!(p.header.vtag.0, 0x1234_5678);
}

/// Without AUTH negotiated, an AUTH chunk is an unrecognized chunk of type bits 00: the
/// packet is dropped from it on, unreported (RFC 9260 §3.2); the chunks before it count.
#[test]
fn rfc4895_without_negotiation_auth_is_an_unrecognized_chunk() {
    let mut t = Tester::accept(auth_on(&[]));
    assert!(!t.user(|a| a.extensions().contains(Extensions::AUTH)));
    let d = msg(&mut t, b"behind an AUTH");
    let p = signed_packet(t.sut_tag, &[heartbeat(b"before")], (0, SHA1, b""), &[d]);
    let (out, got) = exchange(&mut t, p);
    assert!(
        has(&out, |c| matches!(c, Chunk::HeartbeatAck(_))),
        "{out:?}"
    );
    assert!(!acked(&out) && got.is_empty(), "{out:?}");
    assert!(!has(&out, |c| matches!(c, Chunk::Error(_))), "{out:?}");
}
