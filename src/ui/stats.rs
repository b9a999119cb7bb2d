//! Rolling frame-rate and latency statistics for the readout.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::chain::Stage;
use crate::percentile;
use crate::pipeline::FrameResult;

/// How many recent samples the statistics cover.
const WINDOW: usize = 120;

/// Median and 90th percentile of a set of durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Median.
    pub median: Duration,
    /// 90th percentile.
    pub p90: Duration,
}

/// Summarises durations (nearest-rank percentiles); `None` when empty.
pub fn summarize(samples: impl IntoIterator<Item = Duration>) -> Option<Summary> {
    let sorted = percentile::sorted(samples);
    Some(Summary {
        median: percentile::nearest_rank(&sorted, 50)?,
        p90: percentile::nearest_rank(&sorted, 90)?,
    })
}

/// Recent UI frames and pipeline results.
#[derive(Default)]
pub struct PipelineStats {
    ui_frames: VecDeque<Instant>,
    shown_arrivals: VecDeque<Instant>,
    shown_latencies: VecDeque<Duration>,
    result_arrivals: VecDeque<Instant>,
    processing: VecDeque<Duration>,
    latencies: VecDeque<Duration>,
    stages: HashMap<Stage, VecDeque<Duration>>,
    stage_order: Vec<Stage>,
}

impl PipelineStats {
    /// Records that the UI drew a frame.
    pub fn record_ui_frame(&mut self, now: Instant) {
        push_bounded(&mut self.ui_frames, now);
    }

    /// Records that a new frame reached the RGB panel, `latency` after it was asked for.
    pub fn record_shown(&mut self, now: Instant, latency: Duration) {
        push_bounded(&mut self.shown_arrivals, now);
        push_bounded(&mut self.shown_latencies, latency);
    }

    /// Records a result's arrival and timings.
    pub fn record_result(&mut self, result: &FrameResult, now: Instant) {
        push_bounded(&mut self.result_arrivals, now);
        push_bounded(&mut self.latencies, result.latency);
        let processing = result
            .timings
            .iter()
            .filter(|(stage, _)| *stage != Stage::Read)
            .map(|(_, duration)| *duration)
            .sum();
        push_bounded(&mut self.processing, processing);
        for (stage, duration) in &result.timings {
            if !self.stage_order.contains(stage) {
                self.stage_order.push(*stage);
            }
            push_bounded(self.stages.entry(*stage).or_default(), *duration);
        }
    }

    /// UI frames per second over the window.
    pub fn ui_fps(&self) -> Option<f32> {
        rate(&self.ui_frames)
    }

    /// New frames in the RGB panel per second over the window.
    pub fn shown_fps(&self) -> Option<f32> {
        rate(&self.shown_arrivals)
    }

    /// Request-to-RGB-panel latency.
    pub fn shown_latency(&self) -> Option<Summary> {
        summarize(self.shown_latencies.iter().copied())
    }

    /// Pipeline results per second over the window.
    pub fn result_fps(&self) -> Option<f32> {
        rate(&self.result_arrivals)
    }

    /// Time the worker spends on a frame (every stage but reading).
    pub fn processing(&self) -> Option<Summary> {
        summarize(self.processing.iter().copied())
    }

    /// Request-to-result latency.
    pub fn latency(&self) -> Option<Summary> {
        summarize(self.latencies.iter().copied())
    }

    /// Per-stage time, in pipeline order.
    pub fn stages(&self) -> Vec<(Stage, Summary)> {
        self.stage_order
            .iter()
            .filter_map(|stage| Some((*stage, summarize(self.stages.get(stage)?.iter().copied())?)))
            .collect()
    }
}

fn push_bounded<T>(queue: &mut VecDeque<T>, item: T) {
    if queue.len() == WINDOW {
        queue.pop_front();
    }
    queue.push_back(item);
}

fn rate(times: &VecDeque<Instant>) -> Option<f32> {
    let (first, last) = (times.front()?, times.back()?);
    let span = last.duration_since(*first).as_secs_f32();
    (times.len() >= 2 && span > 0.0).then(|| (times.len() - 1) as f32 / span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let summary = summarize(ms(&[5, 1, 4, 2, 3, 6, 7, 8, 9, 10])).expect("non-empty");
        assert_eq!(summary.median, Duration::from_millis(5));
        assert_eq!(summary.p90, Duration::from_millis(9));
        assert_eq!(
            summarize(ms(&[7])).expect("one").p90,
            Duration::from_millis(7)
        );
        assert_eq!(summarize(Vec::new()), None);
    }

    #[test]
    fn rate_counts_intervals_not_samples() {
        let start = Instant::now();
        let mut stats = PipelineStats::default();
        for i in 0..31 {
            stats.record_ui_frame(start + Duration::from_millis(i * 100));
        }
        let fps = stats.ui_fps().expect("enough frames");
        assert!((fps - 10.0).abs() < 1e-3, "{fps}");
    }
}
