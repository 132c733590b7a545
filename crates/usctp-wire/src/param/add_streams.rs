//! The layout shared by Add Outgoing Streams and Add Incoming Streams (RFC 6525 §4.5, §4.6).

use bytes::BufMut;

use crate::{ParseError, Reader};

/// Value length: request sequence number, stream count, reserved.
pub(crate) const VALUE_LEN: usize = 8;

/// Decode `(request_seq, new_streams)`; the reserved field is ignored.
pub(crate) fn decode(value: &mut Reader<'_>) -> Result<(u32, u16), ParseError> {
    value.expect_len(VALUE_LEN)?;
    let request_seq = value.u32("request sequence number")?;
    let new_streams = value.u16("number of new streams")?;
    value.u16("reserved")?;
    Ok((request_seq, new_streams))
}

/// Encode the value, reserved as zero.
pub(crate) fn encode<B: BufMut>(out: &mut B, request_seq: u32, new_streams: u16) {
    out.put_u32(request_seq);
    out.put_u16(new_streams);
    out.put_u16(0);
}
