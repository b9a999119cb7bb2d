//! Which ROIs the landmark model looks at in each frame.
//!
//! `mediapipe/modules/hand_landmark/hand_landmark_tracking_cpu.pbtxt`: in video mode
//! the ROIs derived from the previous frame's landmarks are reused; palm detection runs
//! only while fewer hands than the maximum are tracked (a hand whose presence drops
//! below the threshold yields no landmarks and hence no ROI, so detection resumes).
//! New palm ROIs and tracked ROIs are merged by `AssociationNormRectCalculator`
//! (IoU above 0.5 = same hand; the later one, i.e. the tracked ROI, wins).

use super::roi::NormRect;

/// IoU above which a palm ROI and a tracked ROI are taken for the same hand.
pub const ASSOCIATION_IOU: f32 = 0.5;

/// Where a hand's ROI came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoiSource {
    /// Built from a palm detection in this frame.
    PalmDetection,
    /// Built from the hand's landmarks in the previous frame.
    Tracking,
}

/// Merges ROIs in order (palm ROIs first, then tracked ones): each ROI removes the
/// ones before it that overlap it by more than `iou_threshold`, then joins the list.
pub fn associate(
    palm_rois: &[NormRect],
    tracked_rois: &[NormRect],
    iou_threshold: f32,
) -> Vec<(NormRect, RoiSource)> {
    let mut merged: Vec<(NormRect, RoiSource)> = Vec::new();
    let sources = palm_rois
        .iter()
        .map(|r| (*r, RoiSource::PalmDetection))
        .chain(tracked_rois.iter().map(|r| (*r, RoiSource::Tracking)));
    for (roi, source) in sources {
        merged.retain(|(kept, _)| roi.iou(kept) <= iou_threshold);
        merged.push((roi, source));
    }
    merged
}

/// Tracking state between frames.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    previous: Vec<NormRect>,
}

impl Tracker {
    /// ROIs carried over from the last frame (empty in static-image mode or after a
    /// reset).
    pub fn tracked(&self) -> &[NormRect] {
        &self.previous
    }

    /// Whether this frame needs palm detection: always in static-image mode, otherwise
    /// while fewer than `max_hands` hands are tracked.
    pub fn needs_detection(&self, static_image_mode: bool, max_hands: usize) -> bool {
        static_image_mode || self.previous.len() < max_hands
    }

    /// Replaces the tracked ROIs with those of this frame's present hands.
    pub fn update(&mut self, rois: Vec<NormRect>) {
        self.previous = rois;
    }

    /// Forgets every tracked hand (next frame runs detection).
    pub fn reset(&mut self) {
        self.previous.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f32) -> NormRect {
        NormRect {
            x_center: x,
            y_center: 0.5,
            width: 0.2,
            height: 0.2,
            rotation: 0.0,
        }
    }

    #[test]
    fn tracked_roi_replaces_the_overlapping_palm_roi() {
        let merged = associate(&[rect(0.3), rect(0.7)], &[rect(0.31)], ASSOCIATION_IOU);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0], (rect(0.7), RoiSource::PalmDetection));
        assert_eq!(merged[1], (rect(0.31), RoiSource::Tracking));
    }

    #[test]
    fn overlapping_palm_rois_keep_the_later_one() {
        let merged = associate(&[rect(0.3), rect(0.32)], &[], ASSOCIATION_IOU);
        assert_eq!(merged, vec![(rect(0.32), RoiSource::PalmDetection)]);
    }

    #[test]
    fn detection_runs_until_enough_hands_are_tracked() {
        let mut tracker = Tracker::default();
        assert!(tracker.needs_detection(false, 2));
        tracker.update(vec![rect(0.3)]);
        assert!(tracker.needs_detection(false, 2));
        assert!(!tracker.needs_detection(false, 1));
        assert!(tracker.needs_detection(true, 1));
        tracker.reset();
        assert!(tracker.tracked().is_empty());
    }
}
