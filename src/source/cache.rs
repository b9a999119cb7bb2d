//! Decoded frames kept for scrubbing, bounded in bytes.
//!
//! Eviction suits a timeline: when the cache is over budget the frame farthest from the
//! play head goes first (the least recently used among equally far ones), so the frames
//! around where the user is looking survive, wherever they came from.

use std::collections::HashMap;

use super::Frame;

/// Counters for the speed readout and the benchmark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that found nothing.
    pub misses: u64,
    /// Frames dropped to stay within the budget.
    pub evictions: u64,
    /// Frames held now.
    pub frames: usize,
    /// Bytes held now.
    pub bytes: usize,
    /// The budget in bytes.
    pub budget: usize,
}

impl CacheStats {
    /// Hits over lookups (0 when nothing was looked up).
    pub fn hit_rate(&self) -> f64 {
        let lookups = self.hits + self.misses;
        if lookups == 0 {
            0.0
        } else {
            self.hits as f64 / lookups as f64
        }
    }
}

struct Entry {
    frame: Frame,
    bytes: usize,
    last_used: u64,
}

/// A byte-bounded map from timeline position to decoded frame.
pub struct FrameCache {
    entries: HashMap<usize, Entry>,
    budget: usize,
    bytes: usize,
    clock: u64,
    focus: usize,
    stats: CacheStats,
}

impl FrameCache {
    /// An empty cache holding at most `budget` bytes of frames.
    pub fn new(budget: usize) -> Self {
        Self {
            entries: HashMap::new(),
            budget,
            bytes: 0,
            clock: 0,
            focus: 0,
            stats: CacheStats::default(),
        }
    }

    /// The frame at `position`, counting a hit or a miss.
    pub fn get(&mut self, position: usize) -> Option<Frame> {
        self.clock += 1;
        match self.entries.get_mut(&position) {
            Some(entry) => {
                entry.last_used = self.clock;
                self.stats.hits += 1;
                Some(entry.frame.clone())
            }
            None => {
                self.stats.misses += 1;
                None
            }
        }
    }

    /// Whether `position` is cached (no counting, no recency change).
    pub fn contains(&self, position: usize) -> bool {
        self.entries.contains_key(&position)
    }

    /// Sets the play head that eviction measures distances from.
    pub fn set_focus(&mut self, position: usize) {
        self.focus = position;
    }

    /// Keeps `frame`, evicting the farthest frames while over budget. A frame farther
    /// from the play head than everything else may be evicted at once.
    pub fn insert(&mut self, frame: Frame) {
        self.clock += 1;
        let bytes = frame_bytes(&frame);
        let position = frame.position;
        if let Some(old) = self.entries.insert(
            position,
            Entry {
                frame,
                bytes,
                last_used: self.clock,
            },
        ) {
            self.bytes -= old.bytes;
        }
        self.bytes += bytes;
        while self.bytes > self.budget {
            let Some(victim) = self.farthest() else { break };
            if let Some(entry) = self.entries.remove(&victim) {
                self.bytes -= entry.bytes;
                self.stats.evictions += 1;
            }
        }
    }

    /// How many frames of about `frame_bytes` fit in the budget.
    pub fn capacity_for(&self, frame_bytes: usize) -> usize {
        self.budget / frame_bytes.max(1)
    }

    /// Changes the budget, evicting as needed.
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        while self.bytes > self.budget {
            let Some(victim) = self.farthest() else { break };
            if let Some(entry) = self.entries.remove(&victim) {
                self.bytes -= entry.bytes;
                self.stats.evictions += 1;
            }
        }
    }

    /// Drops everything (a new source was opened); counters stay.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// Current counters.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            frames: self.entries.len(),
            bytes: self.bytes,
            budget: self.budget,
            ..self.stats
        }
    }

    fn farthest(&self) -> Option<usize> {
        self.entries
            .iter()
            .max_by_key(|(position, entry)| {
                (
                    position.abs_diff(self.focus),
                    std::cmp::Reverse(entry.last_used),
                )
            })
            .map(|(position, _)| *position)
    }
}

/// Memory a frame holds (images; annotations are small).
pub fn frame_bytes(frame: &Frame) -> usize {
    let rgb = frame.rgb.as_raw().len();
    let depth = frame
        .depth_mm
        .as_ref()
        .map_or(0, |depth| depth.as_raw().len() * 2);
    rgb + depth + 1024
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn frame(position: usize) -> Frame {
        Frame {
            position,
            number: position as u32,
            rgb: Arc::new(image::RgbImage::new(10, 10)),
            depth_mm: None,
            annotations: Default::default(),
            intrinsics: crate::geometry::CameraIntrinsics::H2O_CAM4_DEFAULT,
            read_time: Duration::ZERO,
        }
    }

    #[test]
    fn evicts_the_frame_farthest_from_the_play_head() {
        let size = frame_bytes(&frame(0));
        let mut cache = FrameCache::new(3 * size);
        cache.set_focus(5);
        for position in [4, 5, 9] {
            cache.insert(frame(position));
        }
        cache.insert(frame(6));
        assert!(!cache.contains(9), "9 is farthest from 5");
        assert!(cache.contains(4) && cache.contains(5) && cache.contains(6));
        assert_eq!(cache.stats().evictions, 1);
        assert!(cache.stats().bytes <= 3 * size);
        cache.set_budget(size);
        assert_eq!(cache.stats().frames, 1);
        assert!(cache.contains(5));
    }

    #[test]
    fn counts_hits_and_misses() {
        let mut cache = FrameCache::new(1 << 20);
        cache.insert(frame(1));
        assert!(cache.get(1).is_some());
        assert!(cache.get(2).is_none());
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (1, 1));
        assert_eq!(stats.hit_rate(), 0.5);
    }
}
