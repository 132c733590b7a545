//! RFC 4895 §3 and §6.1: AUTH is offered with RANDOM, CHUNKS and HMAC-ALGO in INIT and INIT
//! ACK, is in force only when both sides sent valid ones, survives the stateless cookie, and
//! the association shared key is the one §6.1 describes (checked by computing it here
//! independently and verifying the SUT's HMACs with it).
#![allow(clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::auth::*;
use common::tester::*;
use usctp_proto::{AssociationConfig, Extensions};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Chunk, CookieAck, CookieEcho};
use usctp_wire::param::Parameter;

const DATA: u8 = 0;
const SACK: u8 = 3;

/// The SUT with AUTH on, asking for `chunks` to be authenticated.
fn auth_on(chunks: &[u8]) -> AssociationConfig {
    let mut c = quiet();
    c.extensions = Extensions::default().with(Extensions::AUTH);
    c.auth_chunks = chunks.to_vec();
    c
}

/// The SUT (server) answers the tester's INIT offering `params`; returns the tester (SUT
/// tag known) and the SUT's INIT ACK.
fn init_ack_for(
    cfg: AssociationConfig,
    params: Vec<Parameter>,
) -> (Tester, usctp_wire::chunk::InitAck) {
    let mut t = Tester::listen(cfg);
    let out = t.send_tag(0, vec![init_with(params)]);
    let ack = init_ack_of(&out).unwrap_or_else(|| panic!("no INIT ACK: {out:?}"));
    t.sut_tag = ack.initiate_tag.0;
    t.sut_tsn = ack.initial_tsn.0;
    (t, ack)
}

/// ... and the tester echoes the cookie: the association is up.
fn accepted(cfg: AssociationConfig, tester: Option<&Side>) -> (Tester, Option<Side>) {
    let params = tester.map(Side::params).unwrap_or_default();
    let (mut t, ack) = init_ack_for(cfg, params);
    let cookie = ack.state_cookie().unwrap();
    let out = t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    assert!(has(&out, |c| matches!(c, Chunk::CookieAck(_))), "{out:?}");
    t.id = t.ep.association_ids().next();
    (t, Side::of(&ack.params))
}

fn extensions(t: &mut Tester) -> Extensions {
    t.user(|a| a.extensions())
}

#[test]
fn rfc4895_6_1_init_and_init_ack_carry_random_chunks_and_hmac_algo_when_on() {
    let (_, init) = Tester::connect(auth_on(&[DATA, SACK]));
    let ours = Side::of(&init.params).expect("RANDOM in INIT");
    assert_eq!(ours.random.len(), 32);
    assert_eq!(ours.chunks.as_deref(), Some(&[DATA, SACK][..]));
    assert_eq!(
        ours.hmacs,
        [SHA256, SHA1],
        "SHA-256 preferred, SHA-1 always"
    );
    let listed = init
        .params
        .iter()
        .any(|p| matches!(p, Parameter::SupportedExtensions(s) if s.chunk_types.contains(&AUTH)));
    assert!(listed, "AUTH in Supported Extensions");
    let (_, ack) = init_ack_for(auth_on(&[]), vec![]);
    let theirs = Side::of(&ack.params).expect("RANDOM in INIT ACK");
    assert_eq!((theirs.chunks, theirs.hmacs), (None, vec![SHA256, SHA1]));
    assert_ne!(theirs.random, ours.random);
    // Off (the default): none of them.
    let (_, init) = Tester::connect(quiet());
    assert_eq!(Side::of(&init.params), None);
    assert!(!quiet().extensions.contains(Extensions::AUTH));
}

#[test]
fn rfc4895_6_1_in_force_only_when_both_offer() {
    let tester = Side::tester(0x11, None, &[SHA1]);
    let (mut t, _) = accepted(auth_on(&[]), Some(&tester));
    assert!(extensions(&mut t).contains(Extensions::AUTH));
    let (mut t, _) = accepted(auth_on(&[]), None);
    assert!(!extensions(&mut t).contains(Extensions::AUTH));
    assert!(t.user(|a| a.auth_keys().is_none()));
    let (mut t, _) = accepted(quiet(), Some(&tester));
    assert!(!extensions(&mut t).contains(Extensions::AUTH));
    // As the client: the INIT ACK decides.
    let mut t = Tester::connected_offering(auth_on(&[]), tester.params());
    assert!(extensions(&mut t).contains(Extensions::AUTH));
    let mut t = Tester::connected_offering(auth_on(&[]), vec![]);
    assert!(!extensions(&mut t).contains(Extensions::AUTH));
    // Supported Extensions listing AUTH without RANDOM and HMAC-ALGO is not enough.
    let mut t = Tester::connected_offering(auth_on(&[]), tester.params()[..1].to_vec());
    assert!(!extensions(&mut t).contains(Extensions::AUTH));
}

#[test]
fn rfc4895_6_1_bad_random_or_no_sha1_aborts() {
    for bad in [
        Side {
            random: vec![1; 16],
            ..Side::tester(1, None, &[SHA1])
        },
        Side::tester(1, None, &[SHA256]),
    ] {
        let mut t = Tester::listen(auth_on(&[]));
        let out = t.send_tag(0, vec![init_with(bad.params())]);
        let abort = out.iter().flat_map(|p| &p.chunks).find_map(|c| match c {
            Chunk::Abort(a) => Some(a.clone()),
            _ => None,
        });
        let abort = abort.unwrap_or_else(|| panic!("no ABORT: {out:?}"));
        assert!(
            matches!(abort.causes[..], [ErrorCause::ProtocolViolation(_)]),
            "{abort:?}"
        );
        // The client refuses such an INIT ACK the same way.
        let (mut t, _) = Tester::connect(auth_on(&[]));
        let mut ack = t.init_ack();
        ack.params.extend(bad.params());
        let out = t.send(vec![Chunk::InitAck(ack)]);
        assert!(has(&out, |c| matches!(c, Chunk::Abort(_))), "{out:?}");
        assert!(t.gone() || t.state() == Some(usctp_proto::State::Closed));
    }
    // Off: the same parameters are skipped without a word (type bits 10).
    let mut t = Tester::listen(quiet());
    let bad = Side::tester(1, None, &[SHA256]);
    let out = t.send_tag(0, vec![init_with(bad.params())]);
    assert!(init_ack_of(&out).is_some());
}

/// The SUT's DATA to a peer that asks for DATA to be authenticated: the first chunk of each
/// DATA packet after COOKIE ECHO is AUTH, and its HMAC verifies with the association shared
/// key computed here from both sides' parameters (RFC 4895 §6.1, §6.2).
#[test]
fn rfc4895_6_2_sut_signs_data_with_the_association_shared_key() {
    for hmacs in [&[SHA256, SHA1][..], &[SHA1]] {
        let tester = Side::tester(0x22, Some(&[DATA]), hmacs);
        let (mut t, init) = Tester::connect(auth_on(&[]));
        let sut = Side::of(&init.params).unwrap();
        let mut ack = t.init_ack();
        ack.params.extend(tester.params());
        t.send(vec![Chunk::InitAck(ack)]);
        t.send(vec![Chunk::CookieAck(CookieAck)]);
        let from = t.log.len();
        t.user_send(b"hello");
        let sent = t.log[from..].to_vec();
        let key = association_key(&[], &tester, &sut);
        let mut checked = 0;
        for s in &sent {
            let p = &s.packet;
            let Some(i) = p.chunks.iter().position(|c| matches!(c, Chunk::Data(_))) else {
                continue;
            };
            let Some(Chunk::Auth(a)) = i.checked_sub(1).and_then(|j| p.chunks.get(j)) else {
                panic!("DATA without AUTH before it: {p:?}")
            };
            assert_eq!((a.shared_key_id, a.hmac_id), (0, hmacs[0]));
            let at = 12
                + p.chunks[..i - 1]
                    .iter()
                    .map(Chunk::padded_len)
                    .sum::<usize>();
            assert!(verifies(&p.to_vec(), at, &key), "HMAC does not verify");
            // The same key with the vectors the other way round does not.
            let mut wrong = Vec::new();
            wrong.extend_from_slice(&tester.key_vector());
            wrong.extend_from_slice(&sut.key_vector());
            if wrong != key {
                assert!(!verifies(&p.to_vec(), at, &wrong));
            }
            checked += 1;
        }
        assert_eq!(checked, 1, "{sent:?}");
        // The peer did not ask for SACK: the SUT's SACK goes without AUTH.
        let d = t.data(b"no AUTH needed");
        let out = t.send(vec![d]);
        assert!(has(&out, |c| matches!(c, Chunk::Sack(_))));
        assert!(!has(&out, |c| matches!(c, Chunk::Auth(_))), "{out:?}");
    }
}

/// The cookie carries both sides' parameters: the association the SUT makes at COOKIE ECHO
/// verifies the tester's AUTH with the key from them, and signs with it.
#[test]
fn rfc4895_6_1_cookie_round_trip_keeps_both_sides_parameters() {
    let tester = Side::tester(0x33, Some(&[SACK]), &[SHA1]);
    let (mut t, sut) = accepted(auth_on(&[DATA]), Some(&tester));
    let sut = sut.unwrap();
    assert_eq!(sut.chunks.as_deref(), Some(&[DATA][..]));
    let key = association_key(&[], &sut, &tester);
    let d = t.data(b"after cookie");
    let out = t.send_bytes(
        common::wire::PEER,
        signed_packet(t.sut_tag, &[], (0, SHA1, &key), &[d]),
    );
    let p = out
        .iter()
        .find(|p| p.chunks.iter().any(|c| matches!(c, Chunk::Sack(_))));
    let p = p.unwrap_or_else(|| panic!("no SACK: {out:?}"));
    // The tester asked for SACK to be authenticated, with SHA-1.
    let Chunk::Auth(a) = &p.chunks[0] else {
        panic!("SACK without AUTH first: {p:?}")
    };
    assert_eq!(a.hmac_id, SHA1);
    assert!(verifies(&p.to_vec(), 12, &key));
    assert_eq!(t.messages(), [Bytes::from_static(b"after cookie")]);
}

/// RFC 4895 §6.1 by hand, on fixed vectors: what `association_key` here computes, written
/// out byte by byte, so that the helper the other tests trust is itself checked.
#[test]
fn rfc4895_6_1_association_shared_key_on_a_known_vector() {
    let a = Side::tester(0x01, Some(&[0x00, 0xc1]), &[SHA1]);
    let b = Side::tester(0x01, None, &[SHA256, SHA1]);
    let mut va = vec![0x80, 0x02, 0x00, 0x24];
    va.extend([0x01; 32]);
    va.extend([0x80, 0x03, 0x00, 0x06, 0x00, 0xc1]);
    va.extend([0x80, 0x04, 0x00, 0x06, 0x00, 0x01]);
    let mut vb = vec![0x80, 0x02, 0x00, 0x24];
    vb.extend([0x01; 32]);
    vb.extend([0x80, 0x04, 0x00, 0x08, 0x00, 0x03, 0x00, 0x01]);
    assert_eq!((a.key_vector(), b.key_vector()), (va.clone(), vb.clone()));
    // b's vector is 44 bytes, a's 48: b's is the smaller number and goes first.
    let mut expected = b"shared".to_vec();
    expected.extend(&vb);
    expected.extend(&va);
    assert_eq!(association_key(b"shared", &a, &b), expected);
    assert_eq!(association_key(b"shared", &b, &a), expected);
}
