//! Two endpoints over faulty simulated paths, faults and user calls chosen by the input:
//! every invariant in `usctp_testkit::fuzzing::check_sim`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| usctp_testkit::fuzzing::check_sim(data));
