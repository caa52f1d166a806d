//! This process's peak memory and CPU time, read from Linux's /proc (`cargo xtask diff
//! --report-resources`, used by the benchmark, which runs the diff in a child process: the
//! peak RSS of a process cannot be measured from inside a benchmark loop).

/// Peak resident set size (VmHWM) in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// User + system CPU time in seconds (fields 14 and 15 of /proc/self/stat, in USER_HZ, which
/// Linux fixes at 100 for /proc).
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it follow the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): utime is field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

/// `peak_rss_kib=… cpu_seconds=…`, the line `--report-resources` prints to stderr.
pub fn report() -> String {
    format!(
        "peak_rss_kib={} cpu_seconds={}",
        peak_rss_kib()
            .map(|k| k.to_string())
            .unwrap_or_else(|| "?".into()),
        cpu_seconds()
            .map(|s| format!("{s:.2}"))
            .unwrap_or_else(|| "?".into())
    )
}

/// Parse the line [`report`] prints: (peak RSS in KiB, CPU seconds).
pub fn parse_report(text: &str) -> Option<(u64, f64)> {
    let line = text.lines().find(|l| l.starts_with("peak_rss_kib="))?;
    let mut rss = None;
    let mut cpu = None;
    for part in line.split_whitespace() {
        if let Some(v) = part.strip_prefix("peak_rss_kib=") {
            rss = v.parse().ok();
        } else if let Some(v) = part.strip_prefix("cpu_seconds=") {
            cpu = v.parse().ok();
        }
    }
    Some((rss?, cpu?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_reports_itself() {
        let (rss, cpu) = parse_report(&report()).expect("Linux /proc is readable");
        assert!(rss > 0);
        assert!(cpu >= 0.0);
        assert_eq!(
            parse_report("x\npeak_rss_kib=12 cpu_seconds=0.50\n"),
            Some((12, 0.5))
        );
        assert_eq!(parse_report("peak_rss_kib=? cpu_seconds=0.50"), None);
    }
}
