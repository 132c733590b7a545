//! The README's demo: two paths over UDP loopback, the primary cut and restored; it must show
//! the failover and the switch-back and end with every message echoed.

use std::process::Command;

#[test]
fn demo_shows_failover_and_switch_back_and_loses_nothing() {
    let out = Command::new(env!("CARGO_BIN_EXE_demo"))
        .output()
        .expect("run the demo");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("the demo did not print {needle:?}"))
    };
    let cut = at("fault: cutting the client's primary path");
    // After the cut: on a loaded machine a late heartbeat may flag the path once before.
    let failed = text[cut..]
        .find("client: path 0 (udp:127.0.0.1")
        .map_or(usize::MAX, |i| cut + i);
    let restored = at("fault: restoring the path");
    let back = text[restored..]
        .find("is now Active")
        .expect("path 0 comes back after the restore");
    assert!(cut < failed && failed < restored && back > 0);
    // "sent N, echoed back N" with the same N, and the verdict OK.
    // The summary line alone: the server's last lines may follow it.
    let summary = text[at("summary: sent ")..]
        .lines()
        .next()
        .unwrap_or_default();
    let nums: Vec<u64> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .take(2)
        .collect();
    assert_eq!(nums.len(), 2, "summary line: {summary}");
    assert!(nums[0] > 0 && nums[0] == nums[1], "summary line: {summary}");
    assert!(
        summary.trim_end().ends_with("OK"),
        "summary line: {summary}"
    );
}
