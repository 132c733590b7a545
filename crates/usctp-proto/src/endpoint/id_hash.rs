//! A fast hasher for keys the endpoint chooses itself (association ids, our verification
//! tags). SipHash's flood resistance buys nothing there (a peer cannot pick which keys get
//! inserted) and it cost a tenth of the CPU per packet in the in-memory benchmark.
//! Peer-chosen keys (addresses) keep the default hasher.

use std::hash::{BuildHasherDefault, Hasher};

/// Folded 64x64->128 multiply of the key (the mixing of foldhash/ahash's fallback).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let m = u128::from(self.0 ^ K) * u128::from(K.rotate_left(23));
        (m as u64) ^ ((m >> 64) as u64)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(K);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(K).rotate_left(29) ^ n;
    }
}

/// `BuildHasher` for [`IdHasher`].
pub(crate) type IdHash = BuildHasherDefault<IdHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    #[test]
    fn sequential_ids_spread_over_buckets() {
        // The low 10 bits (a 1024-bucket table) and the top 7 (hashbrown's tag) of 4096
        // sequential ids must both be well spread.
        let h = IdHash::default();
        let hashes: Vec<u64> = (0..4096u64).map(|i| h.hash_one(i)).collect();
        let low: HashSet<_> = hashes.iter().map(|x| x & 1023).collect();
        let top: HashSet<_> = hashes.iter().map(|x| x >> 57).collect();
        assert!(low.len() > 600, "low bits: {}", low.len());
        assert_eq!(top.len(), 128);
    }
}
