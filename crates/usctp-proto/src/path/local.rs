//! Choosing the local address a path's packets leave from.

use std::net::IpAddr;

/// The local address to send from toward `remote`: of the same family, sharing the longest
/// address prefix with it (a stand-in for the routing table a sans-IO stack cannot see: on a
/// multihomed host each interface usually sits in the peer's subnet on that network). Ties are
/// spread by the path's `index`, so paths to equally near addresses leave from different
/// local addresses.
pub(crate) fn select_local(local: &[IpAddr], remote: IpAddr, index: usize) -> Option<IpAddr> {
    let best = local
        .iter()
        .filter_map(|l| common_prefix(*l, remote))
        .max()?;
    let ties = || {
        local
            .iter()
            .copied()
            .filter(move |l| common_prefix(*l, remote) == Some(best))
    };
    ties().nth(index % ties().count())
}

/// Whether `candidate` is a better source toward `remote` than `current` (a longer shared
/// prefix, or `current` of the wrong family or none).
pub(crate) fn nearer(candidate: IpAddr, current: Option<IpAddr>, remote: IpAddr) -> bool {
    let Some(c) = common_prefix(candidate, remote) else {
        return false;
    };
    current
        .and_then(|cur| common_prefix(cur, remote))
        .is_none_or(|cur| c > cur)
}

/// Leading bits two addresses share; `None` across families.
fn common_prefix(a: IpAddr, b: IpAddr) -> Option<u32> {
    match (a, b) {
        (IpAddr::V4(a), IpAddr::V4(b)) => Some((a.to_bits() ^ b.to_bits()).leading_zeros()),
        (IpAddr::V6(a), IpAddr::V6(b)) => Some((a.to_bits() ^ b.to_bits()).leading_zeros()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn same_family_longest_prefix() {
        let local = [
            ip("10.0.0.1"),
            ip("10.1.0.1"),
            ip("fd00:1::1"),
            ip("fd00:2::1"),
        ];
        assert_eq!(
            select_local(&local, ip("10.1.0.2"), 0),
            Some(ip("10.1.0.1"))
        );
        assert_eq!(
            select_local(&local, ip("10.0.0.2"), 1),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(
            select_local(&local, ip("fd00:2::2"), 0),
            Some(ip("fd00:2::1"))
        );
        assert_eq!(
            select_local(&local, ip("192.168.0.1"), 0),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(select_local(&local[..2], ip("::1"), 0), None);
        // Equally near (loopback 127.0.0.1 / 127.0.0.2 toward 127.0.0.4): spread by index.
        let lo = [ip("127.0.0.1"), ip("127.0.0.2")];
        assert_eq!(select_local(&lo, ip("127.0.0.4"), 0), Some(lo[0]));
        assert_eq!(select_local(&lo, ip("127.0.0.4"), 1), Some(lo[1]));
        assert_eq!(select_local(&lo, lo[1], 0), Some(lo[1]));
    }
}
