//! Classic pcap input: the file header and the records, zero-copy from one buffer.

use std::io::Read;
use std::time::Duration;

use bytes::Bytes;

use crate::extract::{ExtractOptions, SctpPackets};
use crate::{quad, LinkType, PcapError};

const FILE_HEADER: usize = 24;
const RECORD_HEADER: usize = 16;
const MAGIC_MICRO: u32 = 0xa1b2_c3d4;
const MAGIC_NANO: u32 = 0xa1b2_3c4d;
const MAGIC_PCAPNG: u32 = 0x0a0d_0d0a;

/// The unit of a record's sub-second timestamp field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TsResolution {
    /// Microseconds (magic `a1b2c3d4`).
    #[default]
    Micro,
    /// Nanoseconds (magic `a1b23c4d`).
    Nano,
}

impl TsResolution {
    pub(crate) fn magic(self) -> u32 {
        match self {
            Self::Micro => MAGIC_MICRO,
            Self::Nano => MAGIC_NANO,
        }
    }
}

/// A classic pcap file held in memory.
#[derive(Debug, Clone)]
pub struct PcapReader {
    data: Bytes,
    big_endian: bool,
    resolution: TsResolution,
    snaplen: u32,
    link_type: LinkType,
}

impl PcapReader {
    /// Check the file header of `data`.
    pub fn new(data: Bytes) -> Result<Self, PcapError> {
        let Some(m) = quad(&data, 0) else {
            return Err(PcapError::FileHeaderTooShort { len: data.len() });
        };
        let (big_endian, resolution) = match (u32::from_le_bytes(m), u32::from_be_bytes(m)) {
            (MAGIC_MICRO, _) => (false, TsResolution::Micro),
            (MAGIC_NANO, _) => (false, TsResolution::Nano),
            (_, MAGIC_MICRO) => (true, TsResolution::Micro),
            (_, MAGIC_NANO) => (true, TsResolution::Nano),
            (_, MAGIC_PCAPNG) => return Err(PcapError::Pcapng),
            (_, magic) => return Err(PcapError::BadMagic { magic }),
        };
        if data.len() < FILE_HEADER {
            return Err(PcapError::FileHeaderTooShort { len: data.len() });
        }
        let mut r = Self {
            data,
            big_endian,
            resolution,
            snaplen: 0,
            link_type: LinkType(0),
        };
        r.snaplen = r.u32_at(16).unwrap_or(0);
        // The upper bits of the field carry FCS information (pcap format §4); the link type is
        // the low 16 bits.
        r.link_type = LinkType(r.u32_at(20).unwrap_or(0) & 0xffff);
        Ok(r)
    }

    /// Read all of `input`, then check its file header.
    pub fn from_read<R: Read>(mut input: R) -> Result<Self, PcapError> {
        let mut v = Vec::new();
        input.read_to_end(&mut v)?;
        Self::new(v.into())
    }

    /// The link type of every record.
    pub fn link_type(&self) -> LinkType {
        self.link_type
    }

    /// The timestamp resolution.
    pub fn resolution(&self) -> TsResolution {
        self.resolution
    }

    /// The snapshot length from the file header.
    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }

    /// Every record, in file order.
    pub fn records(&self) -> Records {
        Records {
            file: self.clone(),
            offset: FILE_HEADER,
            frame: 0,
            done: false,
        }
    }

    /// The SCTP packets, with UDP port 9899 taken as SCTP-in-UDP.
    pub fn sctp_packets(&self) -> SctpPackets {
        self.sctp_packets_with(ExtractOptions::default())
    }

    /// The SCTP packets, with the given options.
    pub fn sctp_packets_with(&self, opts: ExtractOptions) -> SctpPackets {
        SctpPackets::new(self.records(), self.link_type, opts)
    }

    fn u32_at(&self, off: usize) -> Option<u32> {
        let b = quad(&self.data, off)?;
        Some(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }
}

/// One pcap record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its number, from 1.
    pub frame: u64,
    /// Timestamp since the Unix epoch (as the capturing host's clock said).
    pub ts: Duration,
    /// Length of the frame on the wire; more than `data.len()` if the capture cut it.
    pub orig_len: u32,
    /// The captured bytes.
    pub data: Bytes,
}

/// Iterator over the records of a [`PcapReader`]. After a [`PcapError::RecordTruncated`] it ends.
#[derive(Debug, Clone)]
pub struct Records {
    file: PcapReader,
    offset: usize,
    frame: u64,
    done: bool,
}

impl Records {
    fn read(&mut self) -> Result<Option<Record>, PcapError> {
        let available = self.file.data.len().saturating_sub(self.offset);
        if available == 0 {
            return Ok(None);
        }
        self.frame += 1;
        let frame = self.frame;
        let at = |i: usize| self.file.u32_at(self.offset + 4 * i);
        let (Some(secs), Some(frac), Some(incl), Some(orig_len)) = (at(0), at(1), at(2), at(3))
        else {
            return Err(PcapError::RecordTruncated {
                frame,
                needed: RECORD_HEADER,
                available,
            });
        };
        let needed = RECORD_HEADER.saturating_add(incl as usize);
        let start = self.offset + RECORD_HEADER;
        if needed > available {
            return Err(PcapError::RecordTruncated {
                frame,
                needed,
                available,
            });
        }
        let data = self.file.data.slice(start..start + incl as usize);
        self.offset += needed;
        let nanos = match self.file.resolution {
            TsResolution::Micro => u64::from(frac) * 1000,
            TsResolution::Nano => u64::from(frac),
        };
        // A malformed fraction of a second or more carries into the seconds.
        let ts = Duration::from_secs(u64::from(secs)) + Duration::from_nanos(nanos);
        Ok(Some(Record {
            frame,
            ts,
            orig_len,
            data,
        }))
    }
}

impl Iterator for Records {
    type Item = Result<Record, PcapError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.read().transpose();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::pcap;

    #[test]
    fn both_byte_orders_and_resolutions() {
        for big_endian in [false, true] {
            for nano in [false, true] {
                let f = pcap(101, &[vec![1, 2, 3], vec![4]], big_endian, nano, 7);
                let r = PcapReader::new(f).unwrap();
                assert_eq!(r.link_type(), LinkType::RAW);
                assert_eq!(r.snaplen(), 65535);
                let want = if nano {
                    TsResolution::Nano
                } else {
                    TsResolution::Micro
                };
                assert_eq!(r.resolution(), want);
                let recs: Vec<_> = r.records().map(Result::unwrap).collect();
                assert_eq!(recs.len(), 2);
                let frac = if nano { 500 } else { 500_000 };
                assert_eq!(recs[0].ts, Duration::new(1000, frac));
                assert_eq!(
                    (recs[0].frame, &recs[0].data[..], recs[0].orig_len),
                    (1, &[1, 2, 3][..], 10)
                );
                assert_eq!((recs[1].frame, &recs[1].data[..]), (2, &[4][..]));
            }
        }
    }

    #[test]
    fn file_header_errors() {
        let ng = Bytes::from_static(&[0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x4d, 0x3c, 0x2b, 0x1a]);
        assert!(matches!(PcapReader::new(ng), Err(PcapError::Pcapng)));
        let bad = Bytes::from_static(b"GIF89a, not a capture at all");
        assert!(matches!(
            PcapReader::new(bad),
            Err(PcapError::BadMagic { magic: 0x4749_4638 })
        ));
        for len in [0, 3, 4, 23] {
            let f = pcap(1, &[], false, false, 0).slice(..len);
            assert!(
                matches!(PcapReader::new(f), Err(PcapError::FileHeaderTooShort { len: l }) if l == len)
            );
        }
    }

    #[test]
    fn fcs_bits_are_masked_off_the_link_type() {
        let f = pcap(0x1400_0001, &[], true, false, 0);
        assert_eq!(PcapReader::new(f).unwrap().link_type(), LinkType::ETHERNET);
    }

    #[test]
    fn truncated_record_ends_the_iteration() {
        let f = pcap(101, &[vec![9; 10], vec![8; 10]], false, false, 0);
        // Cut inside the second record's data, then inside its header.
        for (cut, needed, available) in [(f.len() - 1, 26, 25), (24 + 26 + 5, 16, 5)] {
            let r = PcapReader::new(f.slice(..cut)).unwrap();
            let mut it = r.records();
            assert!(it.next().unwrap().is_ok());
            match it.next() {
                Some(Err(PcapError::RecordTruncated {
                    frame: 2,
                    needed: n,
                    available: a,
                })) => {
                    assert_eq!((n, a), (needed, available));
                }
                other => panic!("{other:?}"),
            }
            assert!(it.next().is_none());
        }
    }

    #[test]
    fn huge_captured_length_is_an_error_not_an_allocation() {
        let mut f = pcap(101, &[vec![1]], false, false, 0).to_vec();
        f[24 + 8..24 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let r = PcapReader::new(f.into()).unwrap();
        assert!(matches!(
            r.records().next(),
            Some(Err(PcapError::RecordTruncated { .. }))
        ));
    }

    #[test]
    fn oversized_fraction_carries_into_seconds() {
        let mut f = pcap(101, &[vec![1]], false, true, 0).to_vec();
        f[24 + 4..24 + 8].copy_from_slice(&2_500_000_000u32.to_le_bytes());
        let r = PcapReader::new(f.into()).unwrap();
        assert_eq!(
            r.records().next().unwrap().unwrap().ts,
            Duration::new(1002, 500_000_000)
        );
    }

    #[test]
    fn from_read_reads_everything() {
        let f = pcap(101, &[vec![1, 2]], false, false, 0);
        let r = PcapReader::from_read(&f[..]).unwrap();
        assert_eq!(r.records().count(), 1);
    }
}
