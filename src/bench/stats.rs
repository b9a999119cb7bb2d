//! Latency summaries: median, p90 and p99 by the nearest-rank rule.

use std::time::Duration;

use serde::Serialize;

/// Summary of a set of durations, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LatencyStats {
    /// Number of measurements.
    pub count: usize,
    /// Arithmetic mean.
    pub mean_ms: f64,
    /// 50th percentile.
    pub median_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest measurement.
    pub max_ms: f64,
}

impl LatencyStats {
    /// Summarises `times`; `None` when there are none.
    pub fn of(times: &[Duration]) -> Option<Self> {
        if times.is_empty() {
            return None;
        }
        let mut sorted: Vec<f64> = times.iter().map(|time| time.as_secs_f64() * 1e3).collect();
        sorted.sort_by(f64::total_cmp);
        let count = sorted.len();
        Some(Self {
            count,
            mean_ms: sorted.iter().sum::<f64>() / count as f64,
            median_ms: nearest_rank(&sorted, 50),
            p90_ms: nearest_rank(&sorted, 90),
            p99_ms: nearest_rank(&sorted, 99),
            max_ms: sorted[count - 1],
        })
    }
}

/// The `percent`-th percentile of ascending, non-empty `sorted`: the smallest value with
/// at least `percent`% of the values at or below it.
fn nearest_rank(sorted: &[f64], percent: usize) -> f64 {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values
            .iter()
            .map(|&value| Duration::from_millis(value))
            .collect()
    }

    #[test]
    fn percentiles_follow_the_nearest_rank_rule() {
        let times: Vec<u64> = (1..=100).rev().collect();
        let stats = LatencyStats::of(&ms(&times)).expect("stats");
        assert_eq!(stats.count, 100);
        assert_eq!(stats.median_ms, 50.0);
        assert_eq!(stats.p90_ms, 90.0);
        assert_eq!(stats.p99_ms, 99.0);
        assert_eq!(stats.max_ms, 100.0);
        assert!((stats.mean_ms - 50.5).abs() < 1e-9);
    }

    #[test]
    fn small_sets_use_their_largest_value_for_high_percentiles() {
        let stats = LatencyStats::of(&ms(&[4, 2, 8])).expect("stats");
        assert_eq!(stats.median_ms, 4.0);
        assert_eq!(stats.p90_ms, 8.0);
        assert_eq!(stats.p99_ms, 8.0);
        assert_eq!(LatencyStats::of(&[]), None);
    }
}
