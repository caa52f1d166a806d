//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz targets'
//! checks on stable, without any fuzz tooling. The checks live in `fuzz/checks.rs`, shared
//! with the fuzz targets, so the logic is written once.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

use checks::{Outcome, TARGETS};

fn corpus_files(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus directory {} is missing: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("read a corpus directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "corpus directory {} is empty: the replay would pass vacuously",
        dir.display()
    );
    files
}

#[test]
fn every_corpus_input_passes_its_target_check() {
    let mut failures = Vec::new();
    for (target, check) in TARGETS {
        let files = corpus_files(target);
        let mut round_tripped = 0;
        for path in &files {
            let data =
                std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            match check(&data) {
                Ok(Outcome::RoundTripped) => round_tripped += 1,
                Ok(Outcome::Rejected) => {}
                Err(failure) => failures.push(format!("{}:\n{failure}", path.display())),
            }
        }
        println!(
            "{target}: {} inputs, {round_tripped} decoded and round-tripped",
            files.len()
        );
        // The seed bodies decode; a corpus where nothing decodes would not exercise the round trip.
        assert!(
            round_tripped > 0,
            "no input in fuzz/corpus/{target} decodes"
        );
    }
    assert!(
        failures.is_empty(),
        "{} corpus input(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
