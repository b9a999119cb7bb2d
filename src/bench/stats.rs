//! Latency summaries: median, p90 and p99 by the nearest-rank rule.

use std::time::Duration;

use serde::Serialize;

use crate::percentile;

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
        let sorted = percentile::sorted(times.iter().copied());
        let count = sorted.len();
        let ms = |time: Duration| time.as_secs_f64() * 1e3;
        let rank = |percent| percentile::nearest_rank(&sorted, percent).map(ms);
        Some(Self {
            count,
            mean_ms: sorted.iter().copied().map(ms).sum::<f64>() / count as f64,
            median_ms: rank(50)?,
            p90_ms: rank(90)?,
            p99_ms: rank(99)?,
            max_ms: rank(100)?,
        })
    }
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
