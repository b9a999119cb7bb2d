//! Pseudo-depth maps of recently seen frames, so a range change or a scrub back re-masks
//! without running the depth network again.

use std::collections::VecDeque;
use std::sync::Arc;

use image::GrayImage;

/// Maps kept (384x384 bytes each: 64 maps are about 9 MB).
const CAPACITY: usize = 64;

/// A small least-recently-used cache keyed by frame number.
#[derive(Default)]
pub struct DepthCache {
    entries: VecDeque<(u32, Arc<GrayImage>)>,
}

impl DepthCache {
    /// The map of frame `number`, marking it recently used.
    pub fn get(&mut self, number: u32) -> Option<Arc<GrayImage>> {
        let index = self.entries.iter().position(|(n, _)| *n == number)?;
        let entry = self.entries.remove(index)?;
        let map = Arc::clone(&entry.1);
        self.entries.push_back(entry);
        Some(map)
    }

    /// Whether the map of frame `number` is cached (without marking it used).
    pub fn contains(&self, number: u32) -> bool {
        self.entries.iter().any(|(n, _)| *n == number)
    }

    /// Stores the map of frame `number`, evicting the least recently used beyond capacity.
    pub fn insert(&mut self, number: u32, map: Arc<GrayImage>) {
        self.entries.retain(|(n, _)| *n != number);
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back((number, map));
    }

    /// Forgets every map.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut cache = DepthCache::default();
        for number in 0..CAPACITY as u32 {
            cache.insert(number, Arc::new(GrayImage::new(1, 1)));
        }
        assert!(cache.get(0).is_some(), "touching 0 makes 1 the oldest");
        cache.insert(999, Arc::new(GrayImage::new(1, 1)));
        assert!(cache.get(1).is_none());
        assert!(cache.get(0).is_some() && cache.get(999).is_some());
    }
}
