//! The peer's side of RFC 5061 §5.2: the serial number we expect next and the ASCONF-ACK we
//! sent last, repeated for a retransmitted ASCONF (C2).

use usctp_wire::chunk::AsconfAck;

/// What a received ASCONF's serial number means (RFC 5061 §5.2 C1-C3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Serial {
    /// The next one: process it.
    New,
    /// The last one again: answer with the cached ACK.
    Repeat(AsconfAck),
    /// Anything else: discard silently.
    Stale,
}

/// The peer's requests.
#[derive(Debug, Clone)]
pub(crate) struct Responder {
    last_serial: u32,
    last_ack: Option<AsconfAck>,
}

impl Responder {
    pub(crate) fn new(last_serial: u32) -> Self {
        Self {
            last_serial,
            last_ack: None,
        }
    }

    /// Classify `serial`.
    pub(crate) fn check(&self, serial: u32) -> Serial {
        if serial == self.last_serial.wrapping_add(1) {
            return Serial::New;
        }
        match &self.last_ack {
            Some(ack) if ack.serial == serial => Serial::Repeat(ack.clone()),
            _ => Serial::Stale,
        }
    }

    /// `ack` answered the ASCONF with its serial number.
    pub(crate) fn answered(&mut self, ack: AsconfAck) {
        self.last_serial = ack.serial;
        self.last_ack = Some(ack);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_repeat_stale() {
        let mut r = Responder::new(u32::MAX);
        assert_eq!(r.check(0), Serial::New);
        assert_eq!(r.check(5), Serial::Stale);
        let ack = AsconfAck {
            serial: 0,
            params: vec![],
        };
        r.answered(ack.clone());
        assert_eq!(r.check(0), Serial::Repeat(ack));
        assert_eq!(r.check(1), Serial::New);
        assert_eq!(r.check(u32::MAX), Serial::Stale);
    }
}
