//! The One Euro filter (Casiez, Roussel and Vogel, CHI 2012): a low-pass filter whose
//! cutoff rises with the signal's speed, so a still hand is smoothed hard and a moving
//! one follows with little lag. Written after MediaPipe's `OneEuroFilter` (the speed is
//! taken from the previous raw value, and scaled by a caller's `value_scale` so one set of
//! parameters fits hands of any size on screen).

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

/// The filter's three parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneEuroParams {
    /// Cutoff frequency (Hz) of a still signal: lower smooths more.
    pub min_cutoff: f64,
    /// How fast the cutoff rises with speed (Hz per scaled unit per second): higher
    /// lags less on fast motion.
    pub beta: f64,
    /// Cutoff frequency (Hz) of the low-pass that smooths the speed estimate.
    pub derivative_cutoff: f64,
}

impl OneEuroParams {
    /// MediaPipe's setting for image landmarks (hand landmarker): min cutoff 0.05 Hz,
    /// beta 80, derivative cutoff 1 Hz, with speed measured in hand sizes per second.
    pub const MEDIAPIPE_LANDMARKS: Self = Self {
        min_cutoff: 0.05,
        beta: 80.0,
        derivative_cutoff: 1.0,
    };

    /// MediaPipe's setting for world landmarks: min cutoff 0.1 Hz, beta 40, derivative
    /// cutoff 1 Hz, with speed measured in metres per second.
    pub const MEDIAPIPE_WORLD: Self = Self {
        min_cutoff: 0.1,
        beta: 40.0,
        derivative_cutoff: 1.0,
    };
}

/// What the filter remembers of the previous sample.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Previous {
    time_s: f64,
    raw: f64,
    filtered: f64,
    derivative: f64,
}

/// One scalar One Euro filter.
#[derive(Clone, Debug, PartialEq)]
pub struct OneEuroFilter {
    params: OneEuroParams,
    previous: Option<Previous>,
}

impl OneEuroFilter {
    /// A filter that has seen nothing yet.
    pub fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            previous: None,
        }
    }

    /// Forgets the past: the next value passes through unchanged.
    pub fn reset(&mut self) {
        self.previous = None;
    }

    /// Filters `value` sampled at `time_s` (seconds). `value_scale` turns a change of the
    /// value into the unit the parameters expect (MediaPipe: one over the hand's size for
    /// image landmarks, one for world landmarks in metres). The first value, and a value
    /// whose time is not after the previous one, pass through unchanged (and restart the
    /// filter from there).
    pub fn apply(&mut self, time_s: f64, value: f64, value_scale: f64) -> f64 {
        let Some(previous) = self.previous.filter(|previous| time_s > previous.time_s) else {
            self.previous = Some(Previous {
                time_s,
                raw: value,
                filtered: value,
                derivative: 0.0,
            });
            return value;
        };
        let rate = 1.0 / (time_s - previous.time_s);
        let speed = (value - previous.raw) * value_scale * rate;
        let derivative = low_pass(
            previous.derivative,
            speed,
            alpha(rate, self.params.derivative_cutoff),
        );
        let cutoff = self.params.min_cutoff + self.params.beta * derivative.abs();
        let filtered = low_pass(previous.filtered, value, alpha(rate, cutoff));
        self.previous = Some(Previous {
            time_s,
            raw: value,
            filtered,
            derivative,
        });
        filtered
    }
}

/// The smoothing factor of a first-order low-pass at `cutoff` Hz sampled at `rate` Hz.
fn alpha(rate: f64, cutoff: f64) -> f64 {
    let tau = 1.0 / (2.0 * PI * cutoff);
    1.0 / (1.0 + tau * rate)
}

fn low_pass(previous: f64, value: f64, alpha: f64) -> f64 {
    previous + alpha * (value - previous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::test_noise::noise;

    /// Mean absolute second difference: the jitter measure of the README.
    fn acceleration(values: &[f64]) -> f64 {
        let count = values.len() - 2;
        values
            .windows(3)
            .map(|w| (w[2] - 2.0 * w[1] + w[0]).abs())
            .sum::<f64>()
            / count as f64
    }

    #[test]
    fn first_value_passes_and_a_constant_stays_constant() {
        let mut filter = OneEuroFilter::new(OneEuroParams::MEDIAPIPE_WORLD);
        for frame in 0..30 {
            let out = filter.apply(f64::from(frame) / 30.0, 0.42, 1.0);
            assert!((out - 0.42).abs() < 1e-12, "frame {frame}: {out}");
        }
    }

    #[test]
    fn alpha_matches_the_first_order_low_pass_formula() {
        // tau = 1 / (2 pi 1 Hz) = 0.159 s; at 30 Hz alpha = 1 / (1 + 0.159 * 30) = 0.17317.
        assert!((alpha(30.0, 1.0) - 0.173_171).abs() < 1e-5);
    }

    #[test]
    fn one_step_matches_a_hand_computation() {
        // Second sample 1 unit above the first, 1/30 s later, scale 1: speed 30, its
        // low-pass 0.17317 * 30 = 5.195, cutoff 0.1 + 40 * 5.195 = 207.9 Hz, alpha
        // 1 / (1 + 30 / (2 pi 207.9)) = 0.9776.
        let mut filter = OneEuroFilter::new(OneEuroParams::MEDIAPIPE_WORLD);
        filter.apply(0.0, 0.0, 1.0);
        let out = filter.apply(1.0 / 30.0, 1.0, 1.0);
        let speed = 0.173_171 * 30.0;
        let cutoff = 0.1 + 40.0 * speed;
        let expected = 1.0 / (1.0 + 30.0 / (2.0 * PI * cutoff));
        assert!((out - expected).abs() < 1e-5, "{out} vs {expected}");
    }

    #[test]
    fn reset_and_time_going_back_restart_the_filter() {
        let mut filter = OneEuroFilter::new(OneEuroParams::MEDIAPIPE_WORLD);
        filter.apply(0.0, 0.0, 1.0);
        filter.apply(1.0 / 30.0, 0.001, 1.0);
        assert_eq!(filter.apply(0.0, 5.0, 1.0), 5.0);
        filter.reset();
        assert_eq!(filter.apply(10.0, -3.0, 1.0), -3.0);
    }

    /// A still point (3D, metres) with 2 mm of Gaussian noise at 30 fps: the world setting
    /// cuts the frame-to-frame acceleration at least sixfold (about 12x measured).
    #[test]
    fn world_setting_cuts_jitter_of_a_still_noisy_point_sixfold() {
        let mut next = noise(7);
        let raw: Vec<f64> = (0..300).map(|_| 0.4 + 0.002 * next()).collect();
        let mut filter = OneEuroFilter::new(OneEuroParams::MEDIAPIPE_WORLD);
        let smoothed: Vec<f64> = raw
            .iter()
            .enumerate()
            .map(|(frame, &value)| filter.apply(frame as f64 / 30.0, value, 1.0))
            .collect();
        let factor = acceleration(&raw) / acceleration(&smoothed);
        assert!(factor >= 6.0, "jitter reduced only {factor:.2}x");
    }

    /// A 5 cm step (a hand moving quickly to a new place) at 30 fps: the output is within
    /// 10% of the step from the third frame after it on (a lag of at most 2 frames).
    #[test]
    fn world_setting_follows_a_step_within_two_frames() {
        let mut filter = OneEuroFilter::new(OneEuroParams::MEDIAPIPE_WORLD);
        for frame in 0..30 {
            filter.apply(frame as f64 / 30.0, 0.0, 1.0);
        }
        let after: Vec<f64> = (30..40)
            .map(|frame| filter.apply(frame as f64 / 30.0, 0.05, 1.0))
            .collect();
        let settled = after
            .iter()
            .position(|value| (value - 0.05).abs() <= 0.005)
            .expect("the filter never reached the step");
        assert!(
            settled <= 2,
            "step reached after {settled} frames: {after:?}"
        );
    }
}
