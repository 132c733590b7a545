//! A peer's transport addresses as an INIT or a cookie lists them: one address (the common
//! case) is held inline, more in a vector. Every INIT, INIT ACK and COOKIE ECHO builds such a
//! list, and a single-address peer then costs no allocation.

use std::ops::Deref;

use crate::TransportAddr;

/// Transport addresses in order, the first inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AddrList {
    /// Exactly one address.
    One(TransportAddr),
    /// Any other number (empty included: an empty `Vec` does not allocate).
    Many(Vec<TransportAddr>),
}

impl Default for AddrList {
    fn default() -> Self {
        Self::Many(Vec::new())
    }
}

impl AddrList {
    /// Append `a`.
    pub(crate) fn push(&mut self, a: TransportAddr) {
        match self {
            Self::Many(v) if v.is_empty() => *self = Self::One(a),
            Self::One(first) => *self = Self::Many(vec![*first, a]),
            Self::Many(v) => v.push(a),
        }
    }
}

impl Deref for AddrList {
    type Target = [TransportAddr];
    fn deref(&self) -> &[TransportAddr] {
        match self {
            Self::One(a) => std::slice::from_ref(a),
            Self::Many(v) => v,
        }
    }
}

impl From<Vec<TransportAddr>> for AddrList {
    fn from(v: Vec<TransportAddr>) -> Self {
        match v[..] {
            [a] => Self::One(a),
            _ => Self::Many(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::AddrList;
    use crate::TransportAddr;

    fn addr(i: u8) -> TransportAddr {
        TransportAddr::raw(IpAddr::V4(Ipv4Addr::new(10, 0, 0, i)))
    }

    #[test]
    fn grows_from_inline_to_vector_in_order() {
        let mut l = AddrList::default();
        assert!(l.is_empty());
        l.push(addr(1));
        assert_eq!(l, AddrList::One(addr(1)));
        l.push(addr(2));
        l.push(addr(3));
        assert_eq!(&l[..], [addr(1), addr(2), addr(3)]);
        assert_eq!(AddrList::from(vec![addr(4)]), AddrList::One(addr(4)));
    }
}
