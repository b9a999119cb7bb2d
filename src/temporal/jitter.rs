//! Jitter of a joint stream: the mean frame-to-frame acceleration
//! `|x[t+1] - 2 x[t] + x[t-1]|` over joints and over every three consecutive frames in
//! which the hand is present, in the joints' unit per frame squared. A still hand with
//! noise of standard deviation `s` per coordinate scores about `2.76 s` in 3D (the norm of
//! a second difference whose coordinates have deviation `sqrt(6) s`).

use std::collections::VecDeque;

use glam::Vec3;

use crate::geometry::Hand;

/// The last frames of one hand: frame number and joints.
type History = VecDeque<(u32, Vec<Vec3>)>;

/// Sums the acceleration of both hands' joints over a stream of frames.
#[derive(Clone, Debug, Default)]
pub struct JitterTally {
    history: [History; 2],
    sum: f64,
    /// Joint accelerations summed.
    count: u64,
}

impl JitterTally {
    /// Adds `hand`'s joints (any unit, 2D as `z = 0`) of frame `number`, or `None` where it
    /// is absent. Frames must come in increasing order; a gap breaks the run.
    pub fn push(&mut self, hand: Hand, number: u32, joints: Option<&[Vec3]>) {
        let history = &mut self.history[hand.index()];
        let Some(joints) = joints else {
            history.clear();
            return;
        };
        if history
            .back()
            .is_some_and(|(last, _)| last.checked_add(1) != Some(number))
        {
            history.clear();
        }
        history.push_back((number, joints.to_vec()));
        if history.len() > 3 {
            history.pop_front();
        }
        if let (Some((_, a)), Some((_, b)), Some((_, c))) =
            (history.front(), history.get(1), history.get(2))
        {
            for ((a, b), c) in a.iter().zip(b).zip(c) {
                self.sum += f64::from((*c - 2.0 * *b + *a).length());
                self.count += 1;
            }
        }
    }

    /// The mean acceleration, or `None` when no hand was seen in three consecutive frames.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// How many joint accelerations the mean is over.
    pub fn samples(&self) -> u64 {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_velocity_has_no_jitter_and_gaps_break_runs() {
        let mut tally = JitterTally::default();
        for frame in 0..5 {
            let joint = [Vec3::new(frame as f32 * 3.0, 0.0, 0.0)];
            tally.push(Hand::Left, frame, Some(&joint));
        }
        assert_eq!(tally.mean(), Some(0.0));
        assert_eq!(tally.samples(), 3);
        let mut gaps = JitterTally::default();
        for frame in [0, 1, 3, 4, 6] {
            gaps.push(Hand::Right, frame, Some(&[Vec3::splat(frame as f32)]));
        }
        assert_eq!(gaps.mean(), None);
    }

    #[test]
    fn a_single_spike_is_measured_exactly() {
        // 0, 0, 1, 0, 0 along x: accelerations 1, 2, 1 over the three triples.
        let mut tally = JitterTally::default();
        for (frame, x) in [0.0, 0.0, 1.0, 0.0, 0.0].into_iter().enumerate() {
            tally.push(Hand::Left, frame as u32, Some(&[Vec3::new(x, 0.0, 0.0)]));
        }
        assert_eq!(tally.mean(), Some(4.0 / 3.0));
    }
}
