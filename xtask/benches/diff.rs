//! Diff benchmark: synthetic description pairs of 500 and 5,000 operations (and 50,000 with
//! `XTASK_BENCH_LARGE=1`). Run with `cargo bench -p xtask --bench diff`.
//!
//! For each size it prints
//! - the in-process time of the diff itself (already parsed documents, best of 5), and
//! - peak RSS and CPU time of the whole `xtask diff` command on the same pair written to files
//!   (read, parse, validate, model, diff, render JSON), measured in a child process: peak RSS
//!   is per process, so it cannot be measured inside this loop. The child reports its own
//!   VmHWM and CPU time from /proc (`--report-resources`).
//!
//! Not a timed test: nothing fails on slowness or size.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use xtask::{resources, spec_source, synthetic};

fn time(old: &serde_json::Value, new: &serde_json::Value, runs: usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut changes = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let report = xtask::diff_docs("old", old, "new", new);
        best = best.min(start.elapsed());
        changes = report.changes.len();
    }
    (best, changes)
}

/// Peak RSS (KiB) and CPU seconds of `xtask diff OLD NEW --format json` in a child process.
fn child(dir: &Path, operations: usize) -> (u64, f64) {
    let old = dir.join(format!("old-{operations}.json"));
    let new = dir.join(format!("new-{operations}.json"));
    std::fs::write(
        &old,
        spec_source::canonical_text(&synthetic::spec(operations, false)),
    )
    .unwrap();
    std::fs::write(
        &new,
        spec_source::canonical_text(&synthetic::spec(operations, true)),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "json", "--allow-breaking", "--report-resources"])
        .stdout(Stdio::null())
        .output()
        .expect("run xtask diff");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "xtask diff failed: {stderr}");
    resources::parse_report(&stderr).unwrap_or_else(|| panic!("no resource report in {stderr}"))
}

fn main() {
    let dir = std::env::temp_dir().join(format!("xtask-diff-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it:
    // then only check that it works, quickly.
    if !std::env::args().any(|a| a == "--bench") {
        let old = synthetic::spec(20, false);
        let new = synthetic::spec(20, true);
        let (_, changes) = time(&old, &new, 1);
        assert!(changes > 0);
        let (rss, _) = child(&dir, 20);
        assert!(rss > 0);
        let _ = std::fs::remove_dir_all(&dir);
        println!("diff bench smoke run ok (use `cargo bench -p xtask --bench diff` for figures)");
        return;
    }
    let mut sizes = vec![500, 5_000];
    if std::env::var_os("XTASK_BENCH_LARGE").is_some() {
        sizes.push(50_000);
    }
    let mut times = vec![];
    println!(
        "operations | diff (in-process, best of 5) | changes | `xtask diff` CLI: peak RSS | CPU"
    );
    for &n in &sizes {
        let old = synthetic::spec(n, false);
        let new = synthetic::spec(n, true);
        assert_eq!(synthetic::operation_count(&old), n);
        let runs = if n > 5_000 { 1 } else { 5 };
        let (best, changes) = time(&old, &new, runs);
        drop((old, new));
        let (rss, cpu) = child(&dir, n);
        println!(
            "{n:>10} | {:>25.2} ms | {changes:>7} | {:>22.1} MiB | {cpu:.2} s",
            best.as_secs_f64() * 1e3,
            rss as f64 / 1024.0
        );
        times.push(best);
    }
    println!(
        "ratio 5,000 / 500 (in-process time): {:.2}x (10x the input)",
        times[1].as_secs_f64() / times[0].as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
