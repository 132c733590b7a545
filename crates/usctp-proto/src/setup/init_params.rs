//! The optional parameters of an INIT or INIT ACK that both the endpoint (answering an INIT)
//! and the association (taking an INIT ACK) act on.

use usctp_wire::param::{Parameter, UnrecognizedParameter};

/// Walk the INIT's (or INIT ACK's) parameters by their action bits (RFC 9260 §3.2.1): returns
/// the Unrecognized Parameter reports and the Cookie Preservative increment.
pub(crate) fn scan_init_params(params: &[Parameter]) -> (Vec<Parameter>, u32) {
    let mut reports = Vec::new();
    let mut preservative = 0;
    for p in params {
        match p {
            Parameter::CookiePreservative(c) => preservative = c.increment_ms,
            Parameter::Unknown(u) => {
                let action = u.action();
                if action.reports() {
                    let raw = p.to_vec().into();
                    reports.push(UnrecognizedParameter { raw }.into());
                }
                if !action.skips() {
                    break;
                }
            }
            _ => {}
        }
    }
    (reports, preservative)
}
