//! Constant-rate echo traffic between two multihomed endpoints while paths are cut and
//! restored, checked end to end: the engine behind the `sim_failover` example and the
//! multihoming tests.

mod run;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use usctp_proto::{AssociationConfig, Event};

use crate::RunError;

pub use run::{run_failover, run_failover_with};

/// A scheduled outage of one path, both directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// Path index (0 is the client's first, primary, path).
    pub path: usize,
    /// When the link goes down (virtual time since the start).
    pub from: Duration,
    /// When it comes back; `None`: never.
    pub until: Option<Duration>,
}

impl FromStr for Cut {
    type Err = String;

    /// `PATH@MS` or `PATH@MS..MS`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("bad cut {s:?}: expected PATH@MS or PATH@MS..MS");
        let (path, times) = s.split_once('@').ok_or_else(bad)?;
        let ms = |t: &str| t.trim().parse::<u64>().map(Duration::from_millis);
        let (from, until) = match times.split_once("..") {
            Some((a, b)) => (ms(a).map_err(|_| bad())?, Some(ms(b).map_err(|_| bad())?)),
            None => (ms(times).map_err(|_| bad())?, None),
        };
        if until.is_some_and(|u| u < from) {
            return Err(bad());
        }
        let path = path.trim().parse().map_err(|_| bad())?;
        Ok(Self { path, from, until })
    }
}

/// A scheduled address change (RFC 5061): one side unbinds its address of `path` at `from`
/// and binds it again at `until`, through `Endpoint::remove_address` / `add_address`; the
/// peer learns each by an ASCONF. Needs ASCONF in `FailoverSpec::assoc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressChange {
    /// Whose address.
    pub side: Side,
    /// Its path index.
    pub path: usize,
    /// When it is deleted (virtual time since the start).
    pub from: Duration,
    /// When it is added back; `None`: never.
    pub until: Option<Duration>,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct FailoverSpec {
    /// Simulator and endpoint seed.
    pub seed: u64,
    /// Round-trip time of every path (each link has half of it each way).
    pub rtt: Duration,
    /// Addresses per endpoint, one link per path (at least 1).
    pub paths: usize,
    /// Paths that use IPv6 addresses (the others use IPv4).
    pub ipv6_paths: Vec<usize>,
    /// Messages per second, client to server (each echoed back).
    pub rate: u32,
    /// Bytes per message (at least 8).
    pub size: usize,
    /// How long the client sends, from the start of the simulation.
    pub duration: Duration,
    /// Outages.
    pub cuts: Vec<Cut>,
    /// Addresses deleted and added back while the association runs.
    pub address_changes: Vec<AddressChange>,
    /// Random loss on every link, each direction.
    pub loss: f64,
    /// After `duration`, how long to wait for outstanding echoes before shutting down.
    pub drain_limit: Duration,
    /// Protocol parameters for both ends.
    pub assoc: AssociationConfig,
}

impl Default for FailoverSpec {
    fn default() -> Self {
        Self {
            seed: 1,
            rtt: Duration::from_millis(20),
            paths: 2,
            ipv6_paths: Vec::new(),
            rate: 100,
            size: 100,
            duration: Duration::from_secs(10),
            cuts: Vec::new(),
            address_changes: Vec::new(),
            loss: 0.0,
            drain_limit: Duration::from_secs(600),
            assoc: AssociationConfig::default(),
        }
    }
}

/// Which endpoint an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The sender of the messages.
    Client,
    /// The echo server.
    Server,
}

/// An association event with its virtual time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Virtual time since the start.
    pub at: Duration,
    /// Which endpoint.
    pub side: Side,
    /// The event.
    pub event: Event,
}

impl fmt::Display for EventRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = match self.side {
            Side::Client => "client",
            Side::Server => "server",
        };
        let at = self.at.as_secs_f64() * 1000.0;
        match &self.event {
            Event::PathAdded { path, addr } => {
                write!(f, "{at:>10.1} ms {side} path {} {addr} added", path.0)
            }
            Event::PathStateChanged { path, addr, state } => {
                write!(f, "{at:>10.1} ms {side} path {} {addr} {state:?}", path.0)
            }
            Event::PrimaryChanged { path, addr } => {
                write!(f, "{at:>10.1} ms {side} primary -> path {} {addr}", path.0)
            }
            e => write!(f, "{at:>10.1} ms {side} {e:?}"),
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverReport {
    /// Messages the client queued.
    pub sent: usize,
    /// Distinct messages the server received.
    pub delivered: usize,
    /// Distinct echoes the client received.
    pub received: usize,
    /// Messages sent whose echo never came back.
    pub lost: usize,
    /// Messages (or echoes) delivered more than once, or corrupted.
    pub duplicates: usize,
    /// Longest time from sending a message to receiving its echo.
    pub max_latency: Duration,
    /// Longest time from a cut to the first echo of a message sent after it (`None`
    /// without cuts).
    pub failover: Option<Duration>,
    /// After the primary path (0) was restored, whether new data went back to it (`None`
    /// when path 0 was never cut and restored).
    pub switchback: Option<bool>,
    /// `graceful`, `aborted`, `timeout`, or `error` (see `error`).
    pub closed: &'static str,
    /// Path, connection and close events of both sides, in order.
    pub events: Vec<EventRecord>,
    /// Virtual time at the end.
    pub virtual_time: Duration,
    /// Why the run stopped early, when the stack refused a request for good.
    pub error: Option<RunError>,
}

impl FailoverReport {
    /// Nothing lost, nothing duplicated, graceful close.
    pub fn is_clean(&self) -> bool {
        self.lost == 0
            && self.duplicates == 0
            && self.delivered == self.sent
            && self.closed == "graceful"
    }
}

impl fmt::Display for FailoverReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failover = self
            .failover
            .map_or("n/a".to_string(), |d| d.as_millis().to_string());
        let switchback = match self.switchback {
            None => "n/a",
            Some(true) => "yes",
            Some(false) => "no",
        };
        write!(
            f,
            "sent={} received={} lost={} max_latency_ms={} failover_ms={} switchback={} closed={}",
            self.sent,
            self.received,
            self.lost,
            self.max_latency.as_millis(),
            failover,
            switchback,
            self.closed
        )?;
        match &self.error {
            Some(e) => write!(f, " error={e}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_syntax() {
        let ms = Duration::from_millis;
        assert_eq!(
            "0@5000..20000".parse(),
            Ok(Cut {
                path: 0,
                from: ms(5000),
                until: Some(ms(20000))
            })
        );
        assert_eq!(
            "2@700".parse(),
            Ok(Cut {
                path: 2,
                from: ms(700),
                until: None
            })
        );
        assert!("x@1".parse::<Cut>().is_err());
        assert!("1@5..2".parse::<Cut>().is_err());
        assert!("1".parse::<Cut>().is_err());
    }
}
