//! Send queue through the Sender: TSN assignment, fragmentation, back-pressure, streams.

use super::*;
use crate::tx::SendError;

#[test]
fn fragments_get_consecutive_tsns_across_the_wrap_with_b_and_e_flags() {
    let mut s = sender();
    push(&mut s, 1, 2500);
    let now = t0();
    let c = send_all(&mut s, now, P0);
    assert_eq!(idx(&c), [0, 1, 2]);
    assert_eq!(c[2].tsn, Tsn(u32::MAX));
    let flags: Vec<_> = c.iter().map(|d| (d.beginning, d.ending)).collect();
    assert_eq!(flags, [(true, false), (false, false), (false, true)]);
    let lens: Vec<_> = c.iter().map(|d| d.payload.len()).collect();
    assert_eq!(lens, [1000, 1000, 500]);
    assert!(c.iter().all(|d| d.ssn.0 == 0 && d.stream == StreamId(0)));
    assert_eq!(s.next_tsn(), Tsn(0)); // wrapped
    assert_eq!((s.queued_bytes(), s.outstanding_bytes()), (0, 2500));
}

#[test]
fn ssn_is_assigned_per_stream_when_the_first_fragment_leaves() {
    let mut s = sender();
    for stream in [0, 1, 0] {
        let m = Bytes::from_static(b"abc");
        assert_eq!(s.push(m, &SendOptions::new(stream)), Ok(()));
    }
    let c = send_all(&mut s, t0(), P0);
    let got: Vec<_> = c.iter().map(|d| (d.stream.0, d.ssn.0)).collect();
    assert_eq!(got, [(0, 0), (1, 0), (0, 1)]);
    let m = Bytes::from_static(b"d");
    assert_eq!(s.push(m, &SendOptions::new(1)), Ok(()));
    assert_eq!(s.next_chunk(t0(), P0, 1000).map(|d| d.ssn.0), Some(1));
}

#[test]
fn back_pressure_counts_unacked_data_until_it_is_acked() {
    let cfg = AssociationConfig {
        send_queue_limit: 3000,
        ..AssociationConfig::default()
    };
    let mut s = Sender::new(Tsn(ITSN), 4, 100_000, &cfg);
    s.add_path(P0, MTU);
    push(&mut s, 3, 1000);
    let m = || Bytes::from(vec![0; 1000]);
    assert_eq!(s.push(m(), &SendOptions::new(0)), Err(SendError::QueueFull));
    let now = t0();
    assert_eq!(send_all(&mut s, now, P0).len(), 3);
    // Sent but unacknowledged data still counts.
    assert_eq!(s.push(m(), &SendOptions::new(0)), Err(SendError::QueueFull));
    s.on_sack(now, &sack(0, &[], 100_000));
    assert_eq!(s.push(m(), &SendOptions::new(0)), Ok(()));
    assert_eq!(
        s.push(Bytes::from(vec![0; 3001]), &SendOptions::new(0)),
        Err(SendError::TooLarge {
            size: 3001,
            max: 3000
        })
    );
}

#[test]
fn fewer_negotiated_streams_drop_queued_messages_and_bound_push() {
    let mut s = sender();
    for stream in [0, 3, 3, 1] {
        let m = Bytes::from_static(b"xy");
        assert_eq!(s.push(m, &SendOptions::new(stream)), Ok(()));
    }
    assert_eq!(s.set_outbound_streams(2), 2);
    assert_eq!((s.queued_bytes(), s.outbound_streams()), (4, 2));
    assert_eq!(
        s.push(Bytes::from_static(b"z"), &SendOptions::new(2)),
        Err(SendError::InvalidStream {
            stream: StreamId(2),
            streams: 2
        })
    );
}

#[test]
fn idle_only_when_nothing_queued_and_everything_cum_acked() {
    let mut s = sender();
    assert!(s.is_idle());
    push(&mut s, 2, 100);
    assert!(!s.is_idle());
    let now = t0();
    send_all(&mut s, now, P0);
    assert!(!s.is_idle());
    s.on_sack(now, &sack(-1, &[(2, 2)], 100_000));
    assert!(!s.is_idle(), "gap-acked data is still outstanding");
    s.on_sack(now, &sack(1, &[], 100_000));
    assert!(s.is_idle());
    assert_eq!(s.cum_ack(), tsn(1));
}

#[test]
fn unknown_path_or_no_room_gives_no_chunk() {
    let mut s = sender();
    push(&mut s, 1, 10);
    assert_eq!(s.next_chunk(t0(), P1, 1000), None);
    assert_eq!(s.next_chunk(t0(), P0, 0), None);
    assert_eq!(s.queued_bytes(), 10);
    assert_eq!((s.cwnd(P1), s.ssthresh(P1)), (0, 0));
}
