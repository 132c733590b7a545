//! `sctpt stats`: the shm layout, the exact `show` and `json` text, `clear`, and the C
//! tool's error messages.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

mod sctpt_util;
use sctpt_util::{parse_json, run, text, ShmName};

const LIMIT: Duration = Duration::from_secs(10);

fn stats(args: &[&str]) -> (i32, String, String) {
    let mut v = vec!["stats"];
    v.extend_from_slice(args);
    let out = run(&v, b"", LIMIT);
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn words(path: &str) -> Vec<u32> {
    std::fs::read(path)
        .expect("read shm")
        .chunks_exact(4)
        .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn write_words(path: &str, w: &[u32]) {
    let bytes: Vec<u8> = w.iter().flat_map(|v| v.to_ne_bytes()).collect();
    std::fs::write(path, bytes).expect("write shm");
}

#[test]
fn init_lays_out_the_shm_and_show_json_print_it_exactly() {
    let shm = ShmName::new(1);
    let opt = shm.opt();
    assert_eq!(
        stats(&[&opt, "--buckets", "3", "--interval=250", "init"]),
        (0, String::new(), String::new())
    );
    let meta = std::fs::metadata(shm.path()).expect("shm exists");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(words(&shm.path()), [0, 0, 0, 3, 250, 0, 0, 0]);

    // Counters as ctraffic would leave them.
    write_words(&shm.path(), &[10, 9, 7, 3, 250, 4, 2, 3]);
    let show = "Sent:     10\nReceived: 9\nMaxRTT:   7\nInterval: 250\n     4 |\
        ================================================================\n     2 |\
        ================================\n     3 |\
        ================================================\n";
    assert_eq!(stats(&[&opt, "show"]), (0, show.to_string(), String::new()));
    // No command word means show.
    assert_eq!(stats(&[&opt]), (0, show.to_string(), String::new()));
    let json = "{\n  \"sent\": 10,\n  \"received\": 9,\n  \"maxRtt\": 7,\n  \"nBuckets\": 3,\n  \
        \"interval\": 250,\n  \"buckets\": [\n    4,\n    2,\n    3\n  ]\n}\n";
    let (rc, out, err) = stats(&[&opt, "json"]);
    assert_eq!((rc, out.as_str(), err.as_str()), (0, json, ""));
    assert_eq!(parse_json(&out), ([10, 9, 7, 3, 250], vec![4, 2, 3]));

    // clear keeps nBuckets and takes --interval, whose default (1000) replaces 250.
    assert_eq!(stats(&[&opt, "--interval", "500", "clear"]).0, 0);
    assert_eq!(words(&shm.path()), [0, 0, 0, 3, 500, 0, 0, 0]);
    assert_eq!(stats(&[&opt, "clear"]).0, 0);
    assert_eq!(words(&shm.path()), [0, 0, 0, 3, 1000, 0, 0, 0]);
    let zeros =
        "Sent:     0\nReceived: 0\nMaxRTT:   0\nInterval: 1000\n     0 |\n     0 |\n     0 |\n";
    assert_eq!(stats(&[&opt]).1, zeros);
}

#[test]
fn stats_errors_are_the_c_tools() {
    let shm = ShmName::new(2);
    let opt = shm.opt();
    let missing = format!("FAILED mapSharedData: {}\n", shm.0);
    for cmd in ["show", "json", "clear"] {
        assert_eq!(
            stats(&[&opt, cmd]),
            (1, String::new(), missing.clone()),
            "{cmd}"
        );
    }
    let fatal = |args: &[&str], msg: &str| {
        assert_eq!(stats(args), (1, String::new(), msg.to_string()), "{args:?}");
    };
    fatal(&[&opt, "--buckets=0", "init"], "Too few buckets\n");
    fatal(&[&opt, "--interval=0", "init"], "Too small interval\n");
    assert!(std::fs::metadata(shm.path()).is_err(), "nothing created");
    assert_eq!(stats(&[&opt, "init"]).0, 0);
    assert_eq!(words(&shm.path()).len(), 5 + 16);
    fatal(&[&opt, "--interval=x", "clear"], "Too small interval\n");
    fatal(&[&opt, "bogus"], "Invalid command: bogus\n");
    fatal(
        &[&opt, "--bogus=1"],
        "stats: unrecognized option '--bogus=1'\n",
    );
}
