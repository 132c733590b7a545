//! `--scheduler` and `--stream-priority`: the stream scheduler (RFC 8260 §3) and the
//! per-stream priorities or weights it reads, set on each association once it is up.

use usctp::{Association, AssociationConfig};

use super::cli::Parsed;
use super::log::die;

/// `--scheduler NAME` into the association config.
pub fn scheduler(p: &Parsed, a: &mut AssociationConfig) {
    if let Some(v) = p.get("scheduler") {
        a.scheduler = v
            .parse()
            .unwrap_or_else(|_| die(&format!("Invalid scheduler [{v}]\n")));
    }
    priorities(p);
}

/// `--stream-priority S:V[,S:V...]` as (stream, value) pairs; dies on a malformed list.
pub fn priorities(p: &Parsed) -> Vec<(u16, u16)> {
    let Some(list) = p.get("stream-priority") else {
        return Vec::new();
    };
    let pair = |item: &str| {
        let (s, v) = item.split_once(':')?;
        Some((s.trim().parse().ok()?, v.trim().parse().ok()?))
    };
    list.split(',')
        .map(pair)
        .collect::<Option<_>>()
        .unwrap_or_else(|| die(&format!("Invalid stream-priority [{list}]\n")))
}

/// Set the `--stream-priority` values on a new association; dies when one is refused (a
/// stream beyond the outbound streams).
pub async fn apply(p: &Parsed, a: &Association) {
    for (s, v) in priorities(p) {
        if let Err(e) = a.set_stream_priority(s, v).await {
            die(&format!("stream-priority {s}:{v}: {e}\n"));
        }
    }
}
