//! Round trips of the ping-pong rows: the percentiles each driver prints.

use std::time::Duration;

/// The `q` quantile (0..=1) of sorted `v`, nearest rank.
fn quantile(v: &[Duration], q: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// The line a ping driver prints: `rtts=N p50_us=.. p99_us=.. p999_us=..`.
pub fn summary(mut rtts: Vec<Duration>) -> String {
    rtts.sort_unstable();
    let us = |q| quantile(&rtts, q).as_secs_f64() * 1e6;
    format!(
        "rtts={} p50_us={:.1} p99_us={:.1} p999_us={:.1}",
        rtts.len(),
        us(0.5),
        us(0.99),
        us(0.999)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<_> = (1..=1000).map(Duration::from_micros).collect();
        assert_eq!(
            summary(v),
            "rtts=1000 p50_us=500.0 p99_us=990.0 p999_us=999.0"
        );
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }
}
