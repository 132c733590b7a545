//! A list that holds its first element inline: most associations have one path, and their
//! per-path state then costs no allocation of its own.

use std::ops::{Deref, DerefMut};

/// Elements in order; a single one is held inline, more in a vector.
#[derive(Debug)]
pub(crate) enum OneOrMany<T> {
    /// Exactly one element.
    One(T),
    /// Any other number (empty included: an empty `Vec` does not allocate).
    Many(Vec<T>),
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        Self::Many(Vec::new())
    }
}

impl<T> OneOrMany<T> {
    /// Append `x`. Lists like this grow rarely (a path at a time): no spare capacity.
    pub(crate) fn push(&mut self, x: T) {
        match self {
            Self::Many(v) if v.is_empty() => *self = Self::One(x),
            Self::Many(v) => {
                v.reserve_exact(1);
                v.push(x);
            }
            Self::One(_) => {
                let Self::One(first) = std::mem::take(self) else {
                    unreachable!("matched One above")
                };
                *self = Self::Many(vec![first, x]);
            }
        }
    }
}

impl<T> Deref for OneOrMany<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Self::One(x) => std::slice::from_ref(x),
            Self::Many(v) => v,
        }
    }
}

impl<T> DerefMut for OneOrMany<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Self::One(x) => std::slice::from_mut(x),
            Self::Many(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OneOrMany;

    #[test]
    fn keeps_order_from_inline_to_vector() {
        let mut l = OneOrMany::default();
        assert!(l.is_empty());
        l.push(String::from("a"));
        assert!(matches!(l, OneOrMany::One(_)));
        l.push(String::from("b"));
        l.push(String::from("c"));
        l[1].push('!');
        assert_eq!(&l[..], ["a", "b!", "c"]);
    }
}
