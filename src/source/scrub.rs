//! Random access that keeps up with a dragged timeline: a frame cache in front of a pool
//! of decode threads that read ahead of the play head (in the direction it moves) and a
//! little behind it.

use std::collections::HashSet;

use super::cache::{CacheStats, FrameCache, frame_bytes};
use super::prefetch::{DecodePool, Decoded};
use super::{Frame, FrameSource, SourceError, SourceInfo};

/// Default cache budget: about 110 H2O frames with depth.
pub const DEFAULT_CACHE_BYTES: usize = 512 << 20;
/// Never read further ahead than this many frames.
const MAX_AHEAD: usize = 90;
/// Never read further behind than this many frames.
const MAX_BEHIND: usize = 30;
/// Size assumed before the first frame is decoded: H2O RGB plus 16-bit depth.
const ASSUMED_FRAME_BYTES: usize = 1280 * 720 * 5;

/// Scrubbing counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScrubStats {
    /// The cache's counters; its hits and misses count requested positions only.
    pub cache: CacheStats,
    /// Frames decoded by the pool.
    pub decoded: u64,
    /// Decode threads.
    pub workers: usize,
}

/// A frame source behind a cache and decode threads.
pub struct Scrubber {
    info: SourceInfo,
    cache: FrameCache,
    pool: DecodePool,
    sequential: bool,
    last_target: Option<usize>,
    direction: i64,
    frame_bytes: usize,
    failed: HashSet<usize>,
    decoded: u64,
    workers: usize,
    /// A reader kept aside to hand out more readers of the same frames ([`Scrubber::reader`]).
    spare: Option<Box<dyn FrameSource>>,
}

impl Scrubber {
    /// Wraps `source` with a cache of `budget` bytes and up to `max_workers` decode
    /// threads (one when the source cannot be read in parallel).
    pub fn new(
        source: Box<dyn FrameSource>,
        budget: usize,
        max_workers: usize,
    ) -> std::io::Result<Self> {
        let info = source.info().clone();
        let sequential = source.sequential();
        let spare = source.split_reader();
        let mut readers = Vec::new();
        for _ in 1..max_workers.max(1) {
            match source.split_reader() {
                Some(reader) => readers.push(reader),
                None => break,
            }
        }
        readers.push(source);
        let workers = readers.len();
        Ok(Self {
            info,
            cache: FrameCache::new(budget),
            pool: DecodePool::start(readers)?,
            sequential,
            last_target: None,
            direction: 1,
            frame_bytes: ASSUMED_FRAME_BYTES,
            failed: HashSet::new(),
            decoded: 0,
            workers,
            spare,
        })
    }

    /// What the source is.
    pub fn info(&self) -> &SourceInfo {
        &self.info
    }

    /// Another reader of the same frames, independent of the decode threads (a clip
    /// export reads the take from start to end while the viewer scrubs); `None` when the
    /// source cannot be read in parallel.
    pub fn reader(&self) -> Option<Box<dyn FrameSource>> {
        self.spare.as_ref()?.split_reader()
    }

    /// Asks for the frame at `position`: returns it at once when cached, else queues it
    /// first and it arrives through [`Scrubber::results`]. Either way, reading around
    /// it is planned.
    pub fn request(&mut self, position: usize) -> Result<Option<Frame>, SourceError> {
        let count = self.info.frame_count;
        if position >= count {
            return Err(SourceError::OutOfRange { position, count });
        }
        if let Some(last) = self.last_target
            && last != position
        {
            self.direction = if position > last { 1 } else { -1 };
        }
        self.last_target = Some(position);
        self.cache.set_focus(position);
        let cached = self.cache.get(position);
        self.replan(cached.is_none().then_some(position));
        Ok(cached)
    }

    /// Whether `position` is being decoded or queued for decoding.
    pub fn is_decoding(&self, position: usize) -> bool {
        self.pool.is_pending(position)
    }

    /// Finished decodes, to select on.
    pub fn results(&self) -> &crossbeam_channel::Receiver<Decoded> {
        self.pool.results()
    }

    /// Takes a finished decode: caches the frame and hands the outcome back so the
    /// caller can deliver it if it is the one waited for.
    pub fn accept(&mut self, decoded: Decoded) -> (usize, Result<Frame, SourceError>) {
        self.decoded += 1;
        match &decoded.result {
            Ok(frame) => {
                self.frame_bytes = frame_bytes(frame);
                self.failed.remove(&decoded.position);
                self.cache.insert(frame.clone());
            }
            Err(_) => {
                self.failed.insert(decoded.position);
            }
        }
        (decoded.position, decoded.result)
    }

    /// Changes the cache budget.
    pub fn set_budget(&mut self, bytes: usize) {
        self.cache.set_budget(bytes);
        self.replan(None);
    }

    /// Current counters.
    pub fn stats(&self) -> ScrubStats {
        ScrubStats {
            cache: self.cache.stats(),
            decoded: self.decoded,
            workers: self.workers,
        }
    }

    /// Queues `first` (the frame being waited for, if any), then the frames around the
    /// play head that are not cached yet.
    fn replan(&mut self, first: Option<usize>) {
        let Some(focus) = self.last_target else {
            return;
        };
        // Leave room for the frame on screen and one being delivered.
        let room = self.cache.capacity_for(self.frame_bytes).saturating_sub(2);
        let behind_share = if self.sequential { 0 } else { room / 4 };
        let window = Window {
            ahead: (room - behind_share).min(MAX_AHEAD),
            behind: behind_share.min(MAX_BEHIND),
        };
        let plan = first.into_iter().chain(
            prefetch_order(focus, self.direction, self.info.frame_count, window).filter(
                |&position| !self.cache.contains(position) && !self.failed.contains(&position),
            ),
        );
        self.pool.plan(plan.collect::<Vec<_>>());
    }
}

/// How far to read around the play head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Frames in the direction of motion.
    pub ahead: usize,
    /// Frames against it.
    pub behind: usize,
}

/// The positions around `focus` (excluding it) in the order to read them: mostly ahead
/// in `direction` (+1 or -1), one behind for every three ahead, clipped to the take.
pub fn prefetch_order(
    focus: usize,
    direction: i64,
    frame_count: usize,
    window: Window,
) -> impl Iterator<Item = usize> {
    let step = move |distance: usize, sign: i64| -> Option<usize> {
        let offset = distance as i64 * sign;
        let position = focus as i64 + offset;
        (0..frame_count as i64)
            .contains(&position)
            .then_some(position as usize)
    };
    let sign = if direction < 0 { -1 } else { 1 };
    let mut ahead = 1..=window.ahead;
    let mut behind = 1..=window.behind;
    let mut round = 0usize;
    std::iter::from_fn(move || {
        loop {
            round += 1;
            let take_behind = round.is_multiple_of(4);
            let next = if take_behind {
                behind.next().map(|d| (d, -sign))
            } else {
                ahead.next().map(|d| (d, sign))
            };
            let next = next.or_else(|| {
                if take_behind {
                    ahead.next().map(|d| (d, sign))
                } else {
                    behind.next().map(|d| (d, -sign))
                }
            });
            match next {
                None => return None,
                Some((distance, s)) => {
                    if let Some(position) = step(distance, s) {
                        return Some(position);
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_three_ahead_for_each_behind_in_the_direction_of_motion() {
        let window = Window {
            ahead: 6,
            behind: 2,
        };
        let forward: Vec<usize> = prefetch_order(10, 1, 100, window).collect();
        assert_eq!(forward, vec![11, 12, 13, 9, 14, 15, 16, 8]);
        let backward: Vec<usize> = prefetch_order(10, -1, 100, window).collect();
        assert_eq!(backward, vec![9, 8, 7, 11, 6, 5, 4, 12]);
    }

    #[test]
    fn stays_inside_the_take() {
        let window = Window {
            ahead: 5,
            behind: 5,
        };
        let at_end: Vec<usize> = prefetch_order(8, 1, 10, window).collect();
        assert_eq!(at_end, vec![9, 7, 6, 5, 4, 3]);
        assert_eq!(prefetch_order(0, 1, 1, window).count(), 0);
    }
}
