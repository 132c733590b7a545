//! Our side of RFC 5061 §5.1: requests queue up, one ASCONF is outstanding at a time (A2),
//! each new one takes the next serial number (A3) and is retransmitted unchanged on T-4 (A5).

use std::collections::VecDeque;
use std::net::IpAddr;

use usctp_wire::chunk::Asconf;

use super::{AddressRequest, MAX_QUEUED};
use crate::path::PathId;

/// The ASCONF in flight.
#[derive(Debug, Clone)]
pub(crate) struct Outstanding {
    pub request: AddressRequest,
    pub chunk: Asconf,
    /// Where it went last.
    pub dest: PathId,
    /// The source it must leave from, when not the path's own (a wildcard ADD-IP).
    pub src: Option<IpAddr>,
}

/// Our queued requests and the one outstanding.
#[derive(Debug, Clone)]
pub(crate) struct Requests {
    next_serial: u32,
    queue: VecDeque<AddressRequest>,
    pub outstanding: Option<Outstanding>,
}

impl Requests {
    pub(crate) fn new(initial_serial: u32) -> Self {
        Self {
            next_serial: initial_serial,
            queue: VecDeque::new(),
            outstanding: None,
        }
    }

    /// Queue `r` unless the same request is already waiting; false when the queue is full.
    pub(crate) fn push(&mut self, r: AddressRequest) -> bool {
        if self.queue.contains(&r) || self.outstanding.as_ref().is_some_and(|o| o.request == r) {
            return true;
        }
        if self.queue.len() >= MAX_QUEUED {
            return false;
        }
        self.queue.push_back(r);
        true
    }

    /// Take `r` back if it waits in the queue (not sent yet).
    pub(crate) fn cancel(&mut self, r: AddressRequest) -> bool {
        let before = self.queue.len();
        self.queue.retain(|q| *q != r);
        self.queue.len() != before
    }

    /// Whether `r` is the request outstanding.
    pub(crate) fn in_flight(&self, r: AddressRequest) -> bool {
        self.outstanding.as_ref().is_some_and(|o| o.request == r)
    }

    /// The next request to send and its serial number, when none is outstanding.
    pub(crate) fn next(&mut self) -> Option<(AddressRequest, u32)> {
        if self.outstanding.is_some() {
            return None;
        }
        let r = self.queue.pop_front()?;
        let serial = self.next_serial;
        self.next_serial = serial.wrapping_add(1);
        Some((r, serial))
    }

    /// Drop every queued request (the association is going away).
    pub(crate) fn clear(&mut self) -> Vec<AddressRequest> {
        let mut out: Vec<_> = self
            .outstanding
            .take()
            .map(|o| o.request)
            .into_iter()
            .collect();
        out.extend(self.queue.drain(..));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn one_outstanding_serials_in_order_duplicates_merged() {
        let a = AddressRequest::Add(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
        let d = AddressRequest::Delete(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
        let mut r = Requests::new(u32::MAX);
        assert!(r.push(a) && r.push(a) && r.push(d));
        let (first, s1) = r.next().unwrap_or((d, 0));
        assert_eq!((first, s1), (a, u32::MAX));
        r.outstanding = Some(Outstanding {
            request: first,
            chunk: Asconf::default(),
            dest: PathId(0),
            src: None,
        });
        assert_eq!(r.next(), None);
        r.outstanding = None;
        assert_eq!(r.next(), Some((d, 0)));
        for i in 0..MAX_QUEUED {
            assert!(r.push(AddressRequest::Add(IpAddr::V4(Ipv4Addr::from(i as u32)))));
        }
        assert!(!r.push(d));
    }
}
