//! The association's paths as text: `!paths` at the client prompt, and at `--log 7` after
//! every event that changes the address set.

use usctp::{AssocStats, Association, Event, PathOrigin, PathState};

/// One line per path: `  <peer addr:port> from <local> <state>[ primary] origin=<o>`, where
/// the origin says whether the peer's address came with the handshake (`init`) or was added
/// later by the peer's ASCONF (`asconf`, RFC 5061 §4.2.1).
pub fn table(st: &AssocStats) -> String {
    let mut s = String::new();
    for p in &st.paths {
        let local = p.local.map_or_else(|| "-".to_string(), |ip| ip.to_string());
        let state = match p.state {
            PathState::Unconfirmed => "unconfirmed",
            PathState::Active => "active",
            PathState::PotentiallyFailed => "potentially-failed",
            PathState::Inactive => "inactive",
            _ => "other",
        };
        let origin = match p.origin {
            PathOrigin::Handshake => "init",
            PathOrigin::Asconf => "asconf",
            _ => "other",
        };
        let primary = if p.id == st.primary { " primary" } else { "" };
        s.push_str(&format!(
            "  {} from {local} {state}{primary} origin={origin}\n",
            p.remote
        ));
    }
    s
}

/// The table of `a`'s paths now, under `header`; empty once the association is gone.
pub async fn of(a: &Association, header: &str) -> String {
    match a.stats().await {
        Some(st) => format!("{header}\n{}", table(&st)),
        None => String::new(),
    }
}

/// Whether `e` changes which addresses the association has or uses.
pub fn changes_addresses(e: &Event) -> bool {
    matches!(
        e,
        Event::PathAdded { .. }
            | Event::PathRemoved { .. }
            | Event::PrimaryChanged { .. }
            | Event::AddressRequestDone(_)
    )
}
