//! The I bit (RFC 7053): asked for by the user per message, and set by the sender itself
//! where §4 says a delayed SACK only costs time.

use super::*;

/// The I bits of what `send_all` sent.
fn bits(chunks: &[Data]) -> Vec<bool> {
    chunks.iter().map(|d| d.immediate).collect()
}

#[test]
fn sack_immediately_sets_the_i_bit_on_the_last_fragment_of_that_message_only() {
    let mut s = sender();
    let m = || Bytes::from(vec![1; 2500]);
    assert_eq!(
        s.push(m(), &SendOptions::new(0).sack_immediately(true)),
        Ok(())
    );
    assert_eq!(s.push(m(), &SendOptions::new(0)), Ok(()));
    let sent = send_all(&mut s, t0(), P0);
    let ends: Vec<_> = sent.iter().map(|d| d.ending).collect();
    assert_eq!(ends, [false, false, true, false, false, true]);
    assert_eq!(bits(&sent), [false, false, true, false, false, false]);
}

#[test]
fn the_last_chunk_before_a_shutdown_carries_the_i_bit() {
    let mut s = sender();
    push(&mut s, 3, 100);
    let first = send_all(&mut s, t0(), P0);
    assert_eq!(bits(&first), [false; 3]);
    push(&mut s, 3, 100);
    s.set_closing();
    assert_eq!(bits(&send_all(&mut s, t0(), P0)), [false, false, true]);
}

#[test]
fn the_chunk_that_fills_the_peer_window_carries_the_i_bit() {
    // 2500 bytes of window: two chunks of 1000 fit, the third would not.
    let mut s = sender_rwnd(2500);
    push(&mut s, 4, 1000);
    assert_eq!(bits(&send_all(&mut s, t0(), P0)), [false, true]);
    // Nothing queued behind: no stall, no I bit.
    let mut s = sender_rwnd(2500);
    push(&mut s, 2, 1000);
    assert_eq!(bits(&send_all(&mut s, t0(), P0)), [false, false]);
}

#[test]
fn the_i_bit_is_kept_on_retransmission_and_limits_travel_with_the_chunks() {
    let now = t0();
    let mut s = sender();
    let opts = SendOptions::new(1)
        .sack_immediately(true)
        .max_retransmissions(2)
        .lifetime(ms(300));
    assert_eq!(s.push(Bytes::from_static(b"x"), &opts), Ok(()));
    assert_eq!(bits(&send_all(&mut s, now, P0)), [true]);
    let pr = s.out.get(0).and_then(|e| e.pr.clone());
    let pr = pr.map(|p| (p.max_retransmissions, p.deadline, p.priority));
    assert_eq!(pr, Some((Some(2), None, None)));
    s.on_t3_timeout(P0);
    assert_eq!(bits(&send_all(&mut s, now, P0)), [true]);
}
