//! Stable hand identity across frames. A pose backend labels each hand left or right
//! anew in every frame, and MediaPipe's handedness classifier flips now and then for a
//! frame or two; without tracking, the two hands' colours and trails would swap with it.
//! Each hand is followed by its wrist position; a followed hand keeps its side until the
//! labels have disagreed with it for several frames in a row (a running vote weighted by
//! the label's confidence), so a brief misclassification changes nothing while a real
//! change of hands is taken up.

use glam::Vec2;

use crate::geometry::Hand;

/// Weight of a new frame's label in a track's running vote.
const VOTE_RATE: f32 = 0.3;

/// A track changes side once its vote for its own side falls below this.
const SWITCH_BELOW: f32 = 0.25;

/// Frames a track survives without a matching hand (about a third of a second at 30 fps).
const MAX_MISSED_FRAMES: u32 = 10;

/// A hand as the backend reports it in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HandObservation {
    /// The side the backend gave it.
    pub label: Hand,
    /// How sure the backend is of that label, 0.5 to 1 (lower values count as 0.5).
    pub label_confidence: f32,
    /// The wrist in frame pixels.
    pub wrist_px: Vec2,
}

impl HandObservation {
    /// Probability that this hand is the left one, by its label.
    fn left_vote(&self) -> f32 {
        let confidence = self.label_confidence.clamp(0.5, 1.0);
        match self.label {
            Hand::Left => confidence,
            Hand::Right => 1.0 - confidence,
        }
    }
}

/// One followed hand.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Track {
    side: Hand,
    wrist_px: Vec2,
    /// Running probability that this is the left hand.
    left_vote: f32,
    missed: u32,
}

impl Track {
    /// The vote for the track's own side.
    fn own_vote(&self) -> f32 {
        match self.side {
            Hand::Left => self.left_vote,
            Hand::Right => 1.0 - self.left_vote,
        }
    }
}

/// Follows up to two hands from frame to frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HandIdentityTracker {
    tracks: Vec<Track>,
}

impl HandIdentityTracker {
    /// Forgets every hand (a seek, a new source).
    pub fn reset(&mut self) {
        self.tracks.clear();
    }

    /// The side each observation is shown as, in the order given. A hand within
    /// `gate_px` of a followed wrist continues that track (the pairing with the least
    /// total wrist distance wins); two hands seen together never get the same side.
    pub fn assign(&mut self, observations: &[HandObservation], gate_px: f32) -> Vec<Hand> {
        let mut track_of: Vec<Option<usize>> = vec![None; observations.len()];
        for (observation_index, track_index) in self.best_matches(observations, gate_px) {
            let observation = &observations[observation_index];
            let track = &mut self.tracks[track_index];
            track.wrist_px = observation.wrist_px;
            track.left_vote += VOTE_RATE * (observation.left_vote() - track.left_vote);
            track.missed = 0;
            if track.own_vote() < SWITCH_BELOW {
                track.side = other_side(track.side);
            }
            track_of[observation_index] = Some(track_index);
        }
        for (index, track) in self.tracks.iter_mut().enumerate() {
            if !track_of.contains(&Some(index)) {
                track.missed += 1;
            }
        }
        for (observation, slot) in observations.iter().zip(&mut track_of) {
            if slot.is_none() {
                *slot = Some(self.tracks.len());
                self.tracks.push(Track {
                    side: observation.label,
                    wrist_px: observation.wrist_px,
                    left_vote: observation.left_vote(),
                    missed: 0,
                });
            }
        }
        self.resolve_conflicts();
        let sides = track_of
            .iter()
            .zip(observations)
            .map(|(track, observation)| {
                track
                    .and_then(|index| self.tracks.get(index))
                    .map_or(observation.label, |track| track.side)
            })
            .collect();
        self.tracks
            .retain(|track| track.missed <= MAX_MISSED_FRAMES);
        sides
    }

    /// Two hands seen in this frame with the same side: the one less sure of it takes
    /// the other side. A track not seen in this frame whose side a seen one holds is
    /// dropped (its hand is taken to be that one).
    fn resolve_conflicts(&mut self) {
        let seen: Vec<usize> = (0..self.tracks.len())
            .filter(|&index| self.tracks[index].missed == 0)
            .collect();
        if let [first, second] = seen[..]
            && self.tracks[first].side == self.tracks[second].side
        {
            let less_sure = if self.tracks[first].own_vote() < self.tracks[second].own_vote() {
                first
            } else {
                second
            };
            self.tracks[less_sure].side = other_side(self.tracks[less_sure].side);
        }
        let held: Vec<Hand> = seen.iter().map(|&index| self.tracks[index].side).collect();
        for track in &mut self.tracks {
            if track.missed > 0 && held.contains(&track.side) {
                // Marked for removal by `assign`'s retain.
                track.missed = MAX_MISSED_FRAMES + 1;
            }
        }
    }

    /// The pairing of observations with tracks (indices) that leaves the fewest hands
    /// unmatched and, among those, has the least total wrist distance; only pairs within
    /// `gate_px` count.
    fn best_matches(&self, observations: &[HandObservation], gate_px: f32) -> Vec<(usize, usize)> {
        let mut best: (Vec<(usize, usize)>, f32) = (Vec::new(), f32::INFINITY);
        let mut current = Vec::new();
        self.search(observations, gate_px, 0, &mut current, 0.0, &mut best);
        best.0
    }

    /// Depth-first search over pairings (at most a handful of hands and tracks).
    fn search(
        &self,
        observations: &[HandObservation],
        gate_px: f32,
        next: usize,
        current: &mut Vec<(usize, usize)>,
        distance: f32,
        best: &mut (Vec<(usize, usize)>, f32),
    ) {
        if next == observations.len() {
            let unmatched = observations.len() - current.len();
            let cost = distance + unmatched as f32 * gate_px;
            if cost < best.1 {
                *best = (current.clone(), cost);
            }
            return;
        }
        self.search(observations, gate_px, next + 1, current, distance, best);
        for (index, track) in self.tracks.iter().enumerate() {
            let step = track.wrist_px.distance(observations[next].wrist_px);
            if step <= gate_px && !current.iter().any(|&(_, taken)| taken == index) {
                current.push((next, index));
                self.search(
                    observations,
                    gate_px,
                    next + 1,
                    current,
                    distance + step,
                    best,
                );
                current.pop();
            }
        }
    }
}

/// The opposite hand.
fn other_side(hand: Hand) -> Hand {
    match hand {
        Hand::Left => Hand::Right,
        Hand::Right => Hand::Left,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(label: Hand, confidence: f32, x: f32) -> HandObservation {
        HandObservation {
            label,
            label_confidence: confidence,
            wrist_px: Vec2::new(x, 400.0),
        }
    }

    #[test]
    fn a_two_frame_misclassification_keeps_both_sides() {
        let mut tracker = HandIdentityTracker::default();
        let gate = 300.0;
        for frame in 0..10 {
            let x = frame as f32 * 5.0;
            let sides = tracker.assign(
                &[
                    seen(Hand::Left, 0.95, 300.0 + x),
                    seen(Hand::Right, 0.95, 900.0 - x),
                ],
                gate,
            );
            assert_eq!(sides, vec![Hand::Left, Hand::Right]);
        }
        // The labels flip for two frames while the hands stay where they are.
        for _ in 0..2 {
            let sides = tracker.assign(
                &[seen(Hand::Right, 0.9, 352.0), seen(Hand::Left, 0.9, 848.0)],
                gate,
            );
            assert_eq!(sides, vec![Hand::Left, Hand::Right]);
        }
        // A single hand mislabelled for two frames keeps its side too.
        for _ in 0..2 {
            let sides = tracker.assign(&[seen(Hand::Left, 0.8, 850.0)], gate);
            assert_eq!(sides, vec![Hand::Right]);
        }
    }

    #[test]
    fn a_lasting_change_of_label_is_taken_up() {
        let mut tracker = HandIdentityTracker::default();
        for _ in 0..10 {
            tracker.assign(&[seen(Hand::Left, 0.95, 300.0)], 300.0);
        }
        let sides: Vec<Hand> = (0..10)
            .map(|_| tracker.assign(&[seen(Hand::Right, 0.95, 300.0)], 300.0)[0])
            .collect();
        let switched = sides
            .iter()
            .position(|&side| side == Hand::Right)
            .expect("never switched");
        // The vote goes 0.95 -> 0.68 -> 0.49 -> 0.36 -> 0.27 -> 0.21: the fifth frame.
        assert_eq!(switched, 4, "{sides:?}");
        assert!(sides[switched..].iter().all(|&side| side == Hand::Right));
    }

    #[test]
    fn a_far_new_hand_starts_its_own_track_and_never_shares_a_side() {
        let mut tracker = HandIdentityTracker::default();
        for _ in 0..5 {
            tracker.assign(&[seen(Hand::Left, 0.95, 300.0)], 200.0);
        }
        // A second hand, far away, also labelled left but less surely.
        let sides = tracker.assign(
            &[seen(Hand::Left, 0.95, 300.0), seen(Hand::Left, 0.6, 1000.0)],
            200.0,
        );
        assert_eq!(sides, vec![Hand::Left, Hand::Right]);
        // After a reset the labels are taken as they come.
        tracker.reset();
        assert_eq!(
            tracker.assign(&[seen(Hand::Right, 0.9, 300.0)], 200.0),
            vec![Hand::Right]
        );
    }
}
