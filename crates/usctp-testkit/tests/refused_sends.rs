//! The runners ask for the streams they use and stop on a send the stack refuses for good,
//! instead of retrying it as back-pressure until the virtual time limit.

use std::time::{Duration, Instant};

use usctp_proto::AssociationConfig;
use usctp_testkit::{run_failover, run_transfer, FailoverSpec, RunError, TransferSpec};

#[test]
fn transfer_over_more_streams_than_the_default_delivers_everything() {
    let default_streams = AssociationConfig::default().outbound_streams;
    let spec = TransferSpec {
        loss: 0.1,
        messages: 1000,
        size: 100,
        streams: default_streams + 7,
        ..TransferSpec::default()
    };
    let r = run_transfer(&spec);
    assert!(r.is_perfect(), "{r}");
    assert_eq!(r.sent, 1000);
}

#[test]
fn transfer_past_the_receivers_stream_limit_stops_before_sending() {
    let max = AssociationConfig::default().max_inbound_streams;
    let spec = TransferSpec {
        streams: max + 1,
        ..TransferSpec::default()
    };
    let r = run_transfer(&spec);
    assert_eq!(r.closed, "error");
    assert_eq!(
        r.error,
        Some(RunError::TooManyStreams {
            streams: max + 1,
            max
        })
    );
    assert_eq!(r.sent, 0);
}

#[test]
fn transfer_of_an_oversized_message_stops_at_once() {
    let max = AssociationConfig::default().max_message_size;
    let spec = TransferSpec {
        messages: 3,
        size: max + 1,
        ..TransferSpec::default()
    };
    let start = Instant::now();
    let r = run_transfer(&spec);
    assert!(start.elapsed() < Duration::from_secs(1), "{r}");
    assert_eq!(r.closed, "error");
    assert!(
        matches!(r.error, Some(RunError::Send { index: 0, .. })),
        "{r}"
    );
    assert!(
        r.to_string()
            .ends_with(&format!("exceeds the maximum of {max}")),
        "{r}"
    );
    // Stopped, not retried until the week-long limit.
    assert!(r.virtual_time < Duration::from_secs(1), "{r}");
}

#[test]
fn failover_of_an_oversized_message_stops_at_once() {
    let spec = FailoverSpec {
        size: AssociationConfig::default().max_message_size + 1,
        ..FailoverSpec::default()
    };
    let r = run_failover(&spec);
    assert_eq!(r.closed, "error");
    assert!(
        matches!(r.error, Some(RunError::Send { index: 0, .. })),
        "{r}"
    );
    assert_eq!(r.sent, 0);
}

#[test]
fn failover_without_inbound_streams_is_refused() {
    let mut spec = FailoverSpec::default();
    spec.assoc.max_inbound_streams = 0;
    let r = run_failover(&spec);
    assert_eq!(r.closed, "error");
    assert_eq!(
        r.error,
        Some(RunError::TooManyStreams { streams: 1, max: 0 })
    );
}
