//! Arbitrary bytes as an SCTP packet: every property in `usctp_wire::fuzzing::check_packet`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| usctp_wire::fuzzing::check_packet(data));
