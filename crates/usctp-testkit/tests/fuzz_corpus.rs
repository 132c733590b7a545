//! Replays the seed corpora and crash reproducers of every fuzz target (`packet` through
//! `usctp_wire::fuzzing`, `endpoint`, `association` and `sim` through `usctp_testkit::fuzzing`) on
//! stable Rust.

use std::path::{Path, PathBuf};

use usctp_testkit::fuzzing::{check_association, check_endpoint, check_sim};
use usctp_wire::fuzzing::check_packet;

fn fuzz_dir(sub: &str, target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(sub)
        .join(target)
}

/// Every input file in `dir` (READMEs excluded), sorted by name.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !p.ends_with("README.md"))
        .collect();
    files.sort();
    files
}

/// Run `check` on each file; report every failing file, not just the first.
fn replay(files: &[PathBuf], check: fn(&[u8])) {
    let failed: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            std::panic::catch_unwind(|| check(&data))
                .err()
                .map(|_| f.display().to_string())
        })
        .collect();
    assert!(failed.is_empty(), "failed on {failed:#?}");
}

fn seeds(target: &str) -> Vec<PathBuf> {
    let files = inputs(&fuzz_dir("corpus", target));
    assert!(!files.is_empty(), "no seeds for {target}");
    files
}

#[test]
fn packet_seed_corpus_passes() {
    replay(&seeds("packet"), check_packet);
}

#[test]
fn packet_regressions_pass() {
    replay(&inputs(&fuzz_dir("regressions", "packet")), check_packet);
}

#[test]
fn endpoint_seed_corpus_passes() {
    replay(&seeds("endpoint"), check_endpoint);
}

#[test]
fn endpoint_regressions_pass() {
    replay(
        &inputs(&fuzz_dir("regressions", "endpoint")),
        check_endpoint,
    );
}

#[test]
fn association_seed_corpus_passes() {
    replay(&seeds("association"), check_association);
}

#[test]
fn association_regressions_pass() {
    replay(
        &inputs(&fuzz_dir("regressions", "association")),
        check_association,
    );
}

#[test]
fn sim_seed_corpus_passes() {
    replay(&seeds("sim"), check_sim);
}

#[test]
fn sim_regressions_pass() {
    replay(&inputs(&fuzz_dir("regressions", "sim")), check_sim);
}

/// The empty input runs the set-up alone: the harnesses establish their starting states.
#[test]
fn empty_inputs_pass() {
    check_endpoint(&[]);
    check_sim(&[]);
    // Every start, single-homed (0..6) and with 2 or 3 addresses per side (6..24), each
    // multihomed one with its paths in every mix of states.
    for start in 0..24 {
        for paths in [0, 0b01_01_01, 0b11_10_01, 0b00_10_11, 0b10_11_00] {
            check_association(&[start, paths]);
        }
    }
}
