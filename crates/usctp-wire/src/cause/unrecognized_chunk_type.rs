//! Unrecognized Chunk Type (RFC 9260 §3.3.10.6).

use crate::chunk::Chunk;
use crate::ParseError;

super::shape::opaque_cause! {
    /// The peer sent a chunk type the sender does not know, with upper bits asking for a report.
    ///
    /// ```text
    /// |     Cause Code = 6            |      Cause Length             |
    /// /                    Unrecognized Chunk                         /
    /// ```
    UnrecognizedChunkType {
        /// The unrecognised chunk (header included) as the peer sent it.
        chunk
    } = UNRECOGNIZED_CHUNK_TYPE, "Unrecognized Chunk Type"
}

impl UnrecognizedChunkType {
    /// The type of the copied chunk: its first byte, if the copy is not empty.
    pub fn chunk_type(&self) -> Option<u8> {
        self.chunk.first().copied()
    }

    /// Decode the copied chunk; error offsets count from its first byte.
    pub fn parse_chunk(&self) -> Result<Chunk, ParseError> {
        Chunk::parse_one(self.chunk.clone(), 0)
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::cause::shape::tests::assert_opaque;
    use crate::chunk::UnknownChunk;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|chunk| UnrecognizedChunkType { chunk }.into());
    }

    #[test]
    fn reads_the_copied_chunk() {
        let chunk = Bytes::from_static(&[0x7f, 1, 0, 6, 0xaa, 0xbb, 0, 0]);
        let c = UnrecognizedChunkType { chunk };
        assert_eq!(c.chunk_type(), Some(0x7f));
        let raw = UnknownChunk {
            chunk_type: 0x7f,
            flags: 1,
            value: Bytes::from_static(&[0xaa, 0xbb]),
        };
        assert_eq!(c.parse_chunk(), Ok(Chunk::Unknown(raw)));
        assert_eq!(UnrecognizedChunkType::default().chunk_type(), None);
    }
}
