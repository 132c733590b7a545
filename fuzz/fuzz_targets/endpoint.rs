//! Datagrams from anywhere into a listening endpoint with established associations: every
//! invariant in `usctp_testkit::fuzzing::check_endpoint`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| usctp_testkit::fuzzing::check_endpoint(data));
