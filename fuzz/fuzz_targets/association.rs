//! One association from a chosen state, driven by peer packets, user calls and timers: every
//! invariant in `usctp_testkit::fuzzing::check_association`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| usctp_testkit::fuzzing::check_association(data));
