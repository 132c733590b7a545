//! A list of chunk type numbers (the Supported Extensions parameter's value, RFC 5061 §4.2.7)
//! held in place up to [`ChunkTypes::INLINE`] entries: every offer seen in practice lists
//! fewer, so an INIT or INIT ACK that carries one is built and parsed without an allocation.

use core::fmt;
use core::ops::Deref;

/// Chunk type numbers in wire order (duplicates and order kept, so a parsed list encodes to
/// the same bytes).
#[derive(Clone)]
pub struct ChunkTypes(Repr);

#[derive(Clone)]
enum Repr {
    Inline {
        len: u8,
        types: [u8; ChunkTypes::INLINE],
    },
    Heap(Vec<u8>),
}

impl ChunkTypes {
    /// Entries held without an allocation (the struct stays the size of a `Vec`).
    pub const INLINE: usize = 15;

    /// An empty list.
    #[inline]
    pub const fn new() -> Self {
        Self(Repr::Inline {
            len: 0,
            types: [0; Self::INLINE],
        })
    }

    /// `types[..len]`; `len` is at most `INLINE`.
    #[inline]
    fn inline(len: usize, types: [u8; Self::INLINE]) -> Self {
        let len = u8::try_from(len).unwrap_or(u8::MAX).min(Self::INLINE as u8);
        Self(Repr::Inline { len, types })
    }

    /// Append `t`.
    #[inline]
    pub fn push(&mut self, t: u8) {
        match &mut self.0 {
            Repr::Inline { len, types } => match types.get_mut(usize::from(*len)) {
                Some(slot) => {
                    *slot = t;
                    *len += 1;
                }
                None => {
                    let mut v = types.to_vec();
                    v.push(t);
                    self.0 = Repr::Heap(v);
                }
            },
            Repr::Heap(v) => v.push(t),
        }
    }

    /// The entries, in order.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, types } => &types[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }
}

impl Default for ChunkTypes {
    fn default() -> Self {
        Self::new()
    }
}

impl Deref for ChunkTypes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for ChunkTypes {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq for ChunkTypes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for ChunkTypes {}

impl fmt::Debug for ChunkTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl FromIterator<u8> for ChunkTypes {
    #[inline]
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        let mut types = [0; Self::INLINE];
        let mut it = iter.into_iter();
        let mut len = 0;
        while let Some(t) = it.next() {
            let Some(slot) = types.get_mut(len) else {
                let mut v = types.to_vec();
                v.push(t);
                v.extend(it);
                return Self(Repr::Heap(v));
            };
            *slot = t;
            len += 1;
        }
        Self::inline(len, types)
    }
}

impl From<&[u8]> for ChunkTypes {
    #[inline]
    fn from(list: &[u8]) -> Self {
        let mut types = [0; Self::INLINE];
        match types.get_mut(..list.len()) {
            Some(dst) => {
                dst.copy_from_slice(list);
                Self::inline(list.len(), types)
            }
            None => Self(Repr::Heap(list.to_vec())),
        }
    }
}

impl<const N: usize> From<[u8; N]> for ChunkTypes {
    fn from(types: [u8; N]) -> Self {
        types.into_iter().collect()
    }
}

impl From<Vec<u8>> for ChunkTypes {
    fn from(types: Vec<u8>) -> Self {
        if types.len() <= Self::INLINE {
            types.as_slice().into()
        } else {
            Self(Repr::Heap(types))
        }
    }
}

impl<'a> IntoIterator for &'a ChunkTypes {
    type Item = &'a u8;
    type IntoIter = core::slice::Iter<'a, u8>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_duplicates_inline_and_past_the_inline_room() {
        let mut l = ChunkTypes::new();
        assert!(l.is_empty());
        for t in [0xc0, 0x82, 0xc0] {
            l.push(t);
        }
        assert_eq!(l.as_slice(), [0xc0, 0x82, 0xc0]);
        let long: Vec<u8> = (0..=255).collect();
        let from_iter: ChunkTypes = long.iter().copied().collect();
        assert_eq!(from_iter.as_slice(), &long[..]);
        assert_eq!(ChunkTypes::from(long.clone()), from_iter);
        assert_eq!(format!("{l:?}"), "[192, 130, 192]");
        assert_eq!(ChunkTypes::from([1, 2]), ChunkTypes::from(vec![1, 2]));
        assert_ne!(ChunkTypes::from([1, 2]), ChunkTypes::from([2, 1]));
    }

    #[test]
    fn is_no_larger_than_a_vec() {
        assert!(core::mem::size_of::<ChunkTypes>() <= core::mem::size_of::<Vec<u8>>());
    }
}
