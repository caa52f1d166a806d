//! Diff benchmark: two synthetic description pairs of 500 and 5,000 operations.
//! Run with `cargo bench -p xtask --bench diff`; prints both times and their ratio.
//! Not a timed test: nothing fails on slowness.

use std::time::{Duration, Instant};

use xtask::synthetic;

fn time(operations: usize) -> (Duration, usize) {
    let old = synthetic::spec(operations, false);
    let new = synthetic::spec(operations, true);
    assert_eq!(synthetic::operation_count(&old), operations);
    // Warm up once, then take the best of a few runs (the machine is shared).
    let mut best = Duration::MAX;
    let mut changes = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let report = xtask::diff_docs("old", &old, "new", &new);
        best = best.min(start.elapsed());
        changes = report.changes.len();
    }
    (best, changes)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it:
    // then only check that it works, quickly.
    if !std::env::args().any(|a| a == "--bench") {
        let (_, changes) = time(20);
        assert!(changes > 0);
        println!("diff bench smoke run ok (use `cargo bench -p xtask --bench diff` for figures)");
        return;
    }
    let (small, small_changes) = time(500);
    let (large, large_changes) = time(5_000);
    println!(
        "diff   500 operations: {:>9.2} ms ({small_changes} changes)",
        small.as_secs_f64() * 1e3
    );
    println!(
        "diff 5,000 operations: {:>9.2} ms ({large_changes} changes)",
        large.as_secs_f64() * 1e3
    );
    println!(
        "ratio 5,000 / 500: {:.2}x (10x the input)",
        large.as_secs_f64() / small.as_secs_f64()
    );
}
