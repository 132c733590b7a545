//! Medians and the markdown table the `compare` script prints.

use std::fmt::Write;

/// The median of `v` (the mean of the middle two for an even count); 0 when empty.
pub fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => 0.0,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// One row: usctp's median against one peer's, for one metric.
#[derive(Debug, Clone)]
pub struct Row {
    /// What ran (e.g. "in memory, 1200 B").
    pub scenario: String,
    /// What was measured, with its unit and direction (e.g. "MB/s ↑").
    pub metric: String,
    /// usctp's median.
    pub usctp: f64,
    /// The peer's name, or "—" for a usctp-only row.
    pub peer: String,
    /// The peer's median.
    pub peer_value: Option<f64>,
}

fn num(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The rows as one markdown table; the last column is usctp/peer.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | metric | usctp | peer | peer value | usctp/peer |\n|---|---|---:|---|---:|---:|\n",
    );
    for r in rows {
        let (pv, ratio) = match r.peer_value {
            Some(p) if p > 0.0 => (num(p), format!("{:.2}", r.usctp / p)),
            Some(p) => (num(p), "–".into()),
            None => ("–".into(), "–".into()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.scenario,
            r.metric,
            num(r.usctp),
            r.peer,
            pv,
            ratio
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn table_has_ratio() {
        let t = markdown(&[Row {
            scenario: "s".into(),
            metric: "MB/s ↑".into(),
            usctp: 300.0,
            peer: "p".into(),
            peer_value: Some(100.0),
        }]);
        assert!(
            t.lines().nth(2).is_some_and(|l| l.ends_with("| 3.00 |")),
            "{t}"
        );
    }
}
