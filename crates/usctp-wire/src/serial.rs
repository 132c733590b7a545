//! Serial number arithmetic (RFC 1982) for TSN, SSN, MID and FSN, and unwrapping to u64.
//!
//! Serial numbers have no total order, so these types implement no `Ord`; compare them with
//! [`Tsn::serial_lt`] and friends, or unwrap them to u64 with an [`Unwrapper`] inside queues.

use core::fmt;

macro_rules! serial_type {
    ($(#[$doc:meta])* $name:ident, $int:ty, $signed:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(pub $int);

        impl $name {
            /// `self + n`, wrapping.
            #[inline]
            #[must_use]
            pub const fn add(self, n: $int) -> Self {
                Self(self.0.wrapping_add(n))
            }

            /// `self - n`, wrapping.
            #[inline]
            #[must_use]
            pub const fn sub(self, n: $int) -> Self {
                Self(self.0.wrapping_sub(n))
            }

            /// The next number.
            #[inline]
            #[must_use]
            pub const fn next(self) -> Self {
                self.add(1)
            }

            /// Signed distance from `self` to `other` (positive when `other` is later).
            #[inline]
            pub const fn distance_to(self, other: Self) -> $signed {
                other.0.wrapping_sub(self.0) as $signed
            }

            /// RFC 1982 "less than". Numbers exactly half the space apart compare as neither.
            #[inline]
            pub const fn serial_lt(self, other: Self) -> bool {
                let d = self.distance_to(other);
                d > 0 && d != <$signed>::MIN
            }

            /// RFC 1982 "less than or equal".
            #[inline]
            pub const fn serial_le(self, other: Self) -> bool {
                self.0 == other.0 || self.serial_lt(other)
            }

            /// RFC 1982 "greater than".
            #[inline]
            pub const fn serial_gt(self, other: Self) -> bool {
                other.serial_lt(self)
            }

            /// RFC 1982 "greater than or equal".
            #[inline]
            pub const fn serial_ge(self, other: Self) -> bool {
                other.serial_le(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl From<$name> for u64 {
            fn from(v: $name) -> u64 {
                v.0 as u64
            }
        }

        impl Unwrappable for $name {
            const BITS: u32 = <$int>::BITS;
            fn raw(self) -> u64 {
                self.0 as u64
            }
        }
    };
}

serial_type!(
    /// Transmission Sequence Number (RFC 9260 §3.3.1), 32-bit serial.
    Tsn, u32, i32
);
serial_type!(
    /// Stream Sequence Number (RFC 9260 §3.3.1), 16-bit serial.
    Ssn, u16, i16
);
serial_type!(
    /// Message Identifier of I-DATA (RFC 8260 §2.1), 32-bit serial.
    Mid, u32, i32
);
serial_type!(
    /// Fragment Sequence Number of I-DATA (RFC 8260 §2.1), 32-bit serial.
    Fsn, u32, i32
);

/// A serial number type that an [`Unwrapper`] can extend to 64 bits.
pub trait Unwrappable: Copy {
    /// Width of the serial space.
    const BITS: u32;
    /// The raw value.
    fn raw(self) -> u64;
}

/// Extends wrapping serial numbers to a monotonic u64 space, relative to the last value seen.
///
/// Values within half the serial space of the last one unwrap to the nearest u64; this is how
/// queues keep an ordinary total order.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unwrapper {
    last: Option<u64>,
}

impl Unwrapper {
    /// A fresh unwrapper; the first value unwraps to itself (plus one full period, so that
    /// earlier values stay representable).
    pub const fn new() -> Self {
        Self { last: None }
    }

    /// Unwrap `v` and remember it as the reference for the next call.
    pub fn unwrap<T: Unwrappable>(&mut self, v: T) -> u64 {
        let u = self.peek(v);
        self.last = Some(u);
        u
    }

    /// Unwrap `v` without moving the reference.
    pub fn peek<T: Unwrappable>(&self, v: T) -> u64 {
        let period = 1u64 << T::BITS;
        let Some(last) = self.last else {
            return period + v.raw();
        };
        let mask = period - 1;
        let delta = v.raw().wrapping_sub(last) & mask;
        if delta < period / 2 {
            last + delta
        } else {
            // Earlier than `last`; saturate rather than go below zero.
            last.saturating_sub(period - delta)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1982_comparisons_wrap() {
        let a = Tsn(u32::MAX);
        assert!(a.serial_lt(Tsn(0)));
        assert!(Tsn(0).serial_gt(a));
        assert!(Tsn(5).serial_le(Tsn(5)));
        assert!(!Tsn(0).serial_lt(Tsn(1 << 31)));
        assert!(!Tsn(1 << 31).serial_lt(Tsn(0)));
        assert!(Ssn(65535).serial_lt(Ssn(3)));
        assert_eq!(Tsn(u32::MAX).next(), Tsn(0));
        assert_eq!(Tsn(10).distance_to(Tsn(4)), -6);
    }

    #[test]
    fn unwrapper_is_monotonic_across_wrap() {
        let mut u = Unwrapper::new();
        let a = u.unwrap(Tsn(u32::MAX - 1));
        let b = u.unwrap(Tsn(1));
        assert_eq!(b - a, 3);
        assert_eq!(u.peek(Tsn(u32::MAX)), a + 1);
        let mut s = Unwrapper::new();
        let x = s.unwrap(Ssn(65534));
        assert_eq!(s.unwrap(Ssn(2)), x + 4);
    }
}
