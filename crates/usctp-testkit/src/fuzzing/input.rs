//! Decoding the fuzzer's bytes: reads never fail, an exhausted input reads as zeros.

use bytes::Bytes;

pub(super) struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub(super) fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    pub(super) fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    pub(super) fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }

    pub(super) fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    /// Up to `n` bytes (fewer when the input runs out).
    pub(super) fn bytes(&mut self, n: usize) -> Bytes {
        let n = n.min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Bytes::copy_from_slice(head)
    }

    /// A length-prefixed byte string (one length byte, so at most 255 bytes).
    pub(super) fn blob(&mut self) -> Bytes {
        let n = usize::from(self.u8());
        self.bytes(n)
    }
}

impl Input<'_> {
    /// A byte string with a two-byte length (so chunks larger than a path MTU are reachable).
    pub(super) fn long_blob(&mut self) -> Bytes {
        let n = usize::from(self.u16() % 4096);
        self.bytes(n)
    }
}
