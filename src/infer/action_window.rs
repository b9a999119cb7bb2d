//! Which frames of a segment the action network sees (SHARP datasets/h2o.py `sample2`,
//! "uniform"), and a live window over the most recent frames.

use std::collections::VecDeque;

use super::action::ACTION_WINDOW;

/// Seconds of video the live window covers by default.
pub const DEFAULT_WINDOW_SECONDS: f64 = 2.0;

/// `count` frame offsets within a segment of `len` frames, exactly as SHARP samples them:
///
/// - `len >= count`: pytorchvideo's `uniform_temporal_subsample`, i.e.
///   `torch.linspace(0, len - 1, count)` in float32 (see [`torch_linspace_f32`]), clamped
///   to `[0, len - 1]` and truncated;
/// - `len < count`: `trunc(i * len / count)`, so frames repeat.
///
/// An empty segment has no frames to sample and gives an empty list.
pub fn uniform_sample_indices(len: usize, count: usize) -> Vec<usize> {
    if len == 0 {
        return Vec::new();
    }
    if len >= count {
        let last = (len - 1) as f32;
        torch_linspace_f32(0.0, last, count)
            .into_iter()
            .map(|value| value.clamp(0.0, last) as usize)
            .collect()
    } else {
        // numpy computes i * len / count in float64; for these small integers that
        // truncates exactly like integer division.
        (0..count).map(|i| i * len / count).collect()
    }
}

/// `torch.linspace(start, end, steps)` with torch's default float32 dtype, reproducing
/// ATen's CPU kernel: `step = (end - start) / (steps - 1)` in float32, the first half
/// counted up from `start` (`start + step * i`), the second half counted down from `end`
/// (`end - step * (steps - 1 - i)`), each as one fused multiply-add (one rounding), as
/// the x86-64 build computes it.
pub fn torch_linspace_f32(start: f32, end: f32, steps: usize) -> Vec<f32> {
    match steps {
        0 => Vec::new(),
        1 => vec![start],
        _ => {
            let step = (end - start) / (steps - 1) as f32;
            let halfway = steps / 2;
            (0..steps)
                .map(|i| {
                    if i < halfway {
                        step.mul_add(i as f32, start)
                    } else {
                        (-step).mul_add((steps - 1 - i) as f32, end)
                    }
                })
                .collect()
        }
    }
}

/// The most recent frames of a live stream; once it holds a full window it yields the
/// [`ACTION_WINDOW`] frames SHARP would sample from a segment of that length.
///
/// The window counts frames, not time: it holds `seconds * fps` frames of the source
/// (2 s by default), so a caller that skips frames should push only what it processed
/// and size the window at the rate it processes.
#[derive(Clone, Debug)]
pub struct SlidingWindow<T> {
    frames: VecDeque<T>,
    capacity: usize,
}

impl<T: Clone> SlidingWindow<T> {
    /// A window of `frames` frames (at least one).
    pub fn with_frames(frames: usize) -> Self {
        let capacity = frames.max(1);
        Self {
            frames: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// A window covering `seconds` of a source running at `fps`, rounded to whole frames
    /// (at least one; a non-finite product gives one frame).
    pub fn for_duration(seconds: f64, fps: f64) -> Self {
        let frames = (seconds * fps).round();
        let frames = if frames.is_finite() && frames >= 1.0 {
            frames as usize
        } else {
            1
        };
        Self::with_frames(frames)
    }

    /// Frames the window holds when full.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Frames held now.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether no frame is held.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Whether the window covers its whole duration.
    pub fn is_full(&self) -> bool {
        self.frames.len() == self.capacity
    }

    /// Adds the newest frame, dropping the oldest when full.
    pub fn push(&mut self, frame: T) {
        if self.frames.len() == self.capacity {
            self.frames.pop_front();
        }
        self.frames.push_back(frame);
    }

    /// Forgets every frame (after a seek, say).
    pub fn clear(&mut self) {
        self.frames.clear();
    }

    /// The [`ACTION_WINDOW`] frames sampled uniformly over the window, oldest first, once
    /// the window is full.
    pub fn sample(&self) -> Option<[T; ACTION_WINDOW]> {
        if !self.is_full() {
            return None;
        }
        let indices = uniform_sample_indices(self.frames.len(), ACTION_WINDOW);
        Some(std::array::from_fn(|i| self.frames[indices[i]].clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linspace_ends_exactly_and_is_symmetric_in_construction() {
        let values = torch_linspace_f32(0.0, 36.0, 20);
        assert_eq!(values.len(), 20);
        assert_eq!(values[0], 0.0);
        assert_eq!(values[19], 36.0);
        assert_eq!(torch_linspace_f32(3.0, 4.0, 1), [3.0]);
        assert!(torch_linspace_f32(3.0, 4.0, 0).is_empty());
    }

    #[test]
    fn long_segments_truncate_linspace_and_short_ones_repeat() {
        assert_eq!(
            uniform_sample_indices(21, 20),
            [
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20
            ]
        );
        assert_eq!(
            uniform_sample_indices(5, 20),
            [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]
        );
        assert!(uniform_sample_indices(0, 20).is_empty());
    }

    #[test]
    fn indices_equal_floor_of_the_exact_fraction_for_many_lengths() {
        for len in 20..5000usize {
            let expected: Vec<usize> = (0..20).map(|i| i * (len - 1) / 19).collect();
            assert_eq!(uniform_sample_indices(len, 20), expected, "len {len}");
        }
    }

    #[test]
    fn the_window_yields_once_full_and_slides() {
        let mut window = SlidingWindow::for_duration(2.0, 30.0);
        assert_eq!(window.capacity(), 60);
        for frame in 0..59 {
            window.push(frame);
        }
        assert!(window.sample().is_none());
        window.push(59);
        let first = window.sample().expect("full");
        assert_eq!((first[0], first[19]), (0, 59));
        window.push(60);
        let second = window.sample().expect("still full");
        assert_eq!((second[0], second[19]), (1, 60));
        assert_eq!(window.len(), 60);
        window.clear();
        assert!(window.is_empty());
    }

    #[test]
    fn a_short_window_repeats_frames_and_bad_rates_give_one_frame() {
        let mut window = SlidingWindow::for_duration(2.0, 2.5);
        for frame in 0..5 {
            window.push(frame);
        }
        let sample = window.sample().expect("full");
        assert_eq!(&sample[..5], &[0, 0, 0, 0, 1]);
        assert_eq!(
            SlidingWindow::<u8>::for_duration(2.0, f64::NAN).capacity(),
            1
        );
        assert_eq!(SlidingWindow::<u8>::for_duration(-1.0, 30.0).capacity(), 1);
    }
}
