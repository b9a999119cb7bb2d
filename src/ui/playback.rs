//! The play head: position, play/pause, stepping and speed.

use std::time::Instant;

/// Where the play head is and whether it moves.
#[derive(Clone, Debug)]
pub struct Playback {
    frame_count: usize,
    fps: f32,
    position: usize,
    playing: Option<PlayAnchor>,
}

#[derive(Clone, Copy, Debug)]
struct PlayAnchor {
    started: Instant,
    from: usize,
}

impl Playback {
    /// A paused play head at the start of a source with `frame_count` frames at `fps`.
    pub fn new(frame_count: usize, fps: f32) -> Self {
        Self {
            frame_count,
            fps: if fps > 0.0 { fps } else { 30.0 },
            position: 0,
            playing: None,
        }
    }

    /// Current position.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Frames in the source.
    pub fn frame_count(&self) -> usize {
        self.frame_count
    }

    /// Frames per second of the source.
    pub fn fps(&self) -> f32 {
        self.fps
    }

    /// Whether it is playing.
    pub fn is_playing(&self) -> bool {
        self.playing.is_some()
    }

    /// Starts or stops playing at `now`.
    pub fn toggle(&mut self, now: Instant) {
        self.playing = match self.playing {
            Some(_) => None,
            None => Some(PlayAnchor {
                started: now,
                from: if self.position + 1 >= self.frame_count {
                    0
                } else {
                    self.position
                },
            }),
        };
        if let Some(anchor) = self.playing {
            self.position = anchor.from;
        }
    }

    /// Jumps to `position` (clamped); playing continues from there.
    pub fn seek(&mut self, position: usize, now: Instant) {
        self.position = position.min(self.frame_count.saturating_sub(1));
        if self.playing.is_some() {
            self.playing = Some(PlayAnchor {
                started: now,
                from: self.position,
            });
        }
    }

    /// Moves by `delta` frames and pauses.
    pub fn step(&mut self, delta: i64) {
        self.playing = None;
        let last = self.frame_count.saturating_sub(1) as i64;
        self.position = (self.position as i64 + delta).clamp(0, last) as usize;
    }

    /// Advances a playing head to where it should be at `now` with `speed`; returns
    /// whether the position changed. At the end it wraps when `looping`, else stops.
    pub fn advance(&mut self, now: Instant, speed: f32, looping: bool) -> bool {
        let Some(anchor) = self.playing else {
            return false;
        };
        let elapsed_frames =
            now.duration_since(anchor.started).as_secs_f32() * self.fps * speed.max(0.0);
        let mut target = anchor.from + elapsed_frames as usize;
        if target >= self.frame_count {
            if looping && self.frame_count > 0 {
                target %= self.frame_count;
                self.playing = Some(PlayAnchor {
                    started: now,
                    from: target,
                });
            } else {
                target = self.frame_count.saturating_sub(1);
                self.playing = None;
            }
        }
        let changed = target != self.position;
        self.position = target;
        changed
    }

    /// Changes speed while playing without a jump: restarts the clock at the current frame.
    pub fn rebase(&mut self, now: Instant) {
        if self.playing.is_some() {
            self.playing = Some(PlayAnchor {
                started: now,
                from: self.position,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn plays_at_the_source_rate_times_speed() {
        let start = Instant::now();
        let mut playback = Playback::new(100, 30.0);
        playback.toggle(start);
        assert!(playback.advance(start + Duration::from_millis(1000), 1.0, false));
        assert_eq!(playback.position(), 30);
        playback.rebase(start + Duration::from_millis(1000));
        playback.advance(start + Duration::from_millis(2000), 0.5, false);
        assert_eq!(playback.position(), 45);
    }

    #[test]
    fn stops_or_wraps_at_the_end() {
        let start = Instant::now();
        let mut playback = Playback::new(10, 30.0);
        playback.toggle(start);
        playback.advance(start + Duration::from_secs(1), 1.0, false);
        assert_eq!(playback.position(), 9);
        assert!(!playback.is_playing());

        let mut looping = Playback::new(10, 30.0);
        looping.toggle(start);
        looping.advance(start + Duration::from_millis(400), 1.0, true);
        assert_eq!(looping.position(), 2);
        assert!(looping.is_playing());
    }

    #[test]
    fn stepping_pauses_and_clamps() {
        let start = Instant::now();
        let mut playback = Playback::new(5, 30.0);
        playback.toggle(start);
        playback.step(-3);
        assert_eq!(playback.position(), 0);
        assert!(!playback.is_playing());
        playback.step(99);
        assert_eq!(playback.position(), 4);
        playback.toggle(start);
        assert_eq!(playback.position(), 0, "play at the end starts over");
    }
}
