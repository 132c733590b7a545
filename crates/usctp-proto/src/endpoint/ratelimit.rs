//! Rate limit of the replies the endpoint sends without an association (INIT ACK, ABORT,
//! SHUTDOWN COMPLETE, Stale Cookie ERROR): their destination is the unverified source of the
//! packet answered, so without a limit a spoofed flood would make usctp flood a third party
//! (RFC 9260 §11.2.2 and §11.2.4 ask an endpoint to limit what it sends out of the blue).

use std::collections::HashMap;
use std::net::IpAddr;

use super::settings::Settings;

/// Fixed one-second windows: at most `per_source` replies to one address and `global` in all
/// per window. The per-source table only holds addresses that got a reply in the current
/// window, so it never exceeds `global` entries.
#[derive(Debug, Default)]
pub(super) struct ReplyLimiter {
    window: u64,
    total: u32,
    per_source: HashMap<IpAddr, u32>,
}

impl ReplyLimiter {
    /// Whether a reply to `dst` may go at `now_ms`; counts it if so.
    pub(super) fn allow(&mut self, cfg: &Settings, dst: IpAddr, now_ms: u64) -> bool {
        let window = now_ms / 1000;
        if window != self.window {
            self.window = window;
            self.total = 0;
            self.per_source.clear();
        }
        let per_source = cfg.stateless_reply_rate_per_source;
        if self.total >= cfg.stateless_reply_rate || per_source == 0 {
            return false;
        }
        // One probe: with a non-zero budget a refused source already has its entry, so
        // refusals add none and the table stays within `global` entries.
        let n = self.per_source.entry(dst).or_insert(0);
        if *n >= per_source {
            return false;
        }
        *n += 1;
        self.total += 1;
        true
    }

    /// Addresses remembered in the current window.
    pub(super) fn sources(&self) -> usize {
        self.per_source.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn cfg(global: u32, per_source: u32) -> Settings {
        let cfg = crate::EndpointConfig {
            stateless_reply_rate: global,
            stateless_reply_rate_per_source: per_source,
            ..crate::EndpointConfig::default()
        };
        Settings::split(cfg).0
    }

    fn ip(i: u32) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i))
    }

    #[test]
    fn per_source_limit_resets_each_second() {
        let (c, mut l) = (cfg(100, 3), ReplyLimiter::default());
        let allowed = (0..10).filter(|_| l.allow(&c, ip(1), 500)).count();
        assert_eq!(allowed, 3);
        assert!(l.allow(&c, ip(2), 999), "another source has its own budget");
        assert!(l.allow(&c, ip(1), 1000), "a new window");
    }

    #[test]
    fn a_zero_per_source_budget_refuses_all_and_remembers_nothing() {
        let (c, mut l) = (cfg(50, 0), ReplyLimiter::default());
        assert_eq!((0..1000).filter(|&i| l.allow(&c, ip(i), 0)).count(), 0);
        assert_eq!(l.sources(), 0);
    }

    #[test]
    fn global_limit_bounds_the_table() {
        let (c, mut l) = (cfg(50, 3), ReplyLimiter::default());
        let allowed = (0..10_000).filter(|&i| l.allow(&c, ip(i), 0)).count();
        assert_eq!(allowed, 50);
        assert_eq!(l.sources(), 50);
    }
}
