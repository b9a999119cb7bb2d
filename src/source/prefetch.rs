//! Decode threads: each owns a reader of the same source and takes positions from a
//! shared queue that the scrubber replaces whenever the play head moves, so stale
//! requests are dropped instead of decoded.

use std::collections::{HashSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use super::{Frame, FrameSource, SourceError};

/// A finished decode.
pub struct Decoded {
    /// The position asked for.
    pub position: usize,
    /// The frame, or why it could not be read.
    pub result: Result<Frame, SourceError>,
}

#[derive(Default)]
struct Queue {
    waiting: VecDeque<usize>,
    in_flight: HashSet<usize>,
    stop: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // The lock is never held across code that can panic; recover the data anyway.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Threads decoding frames in the order of the current plan.
pub struct DecodePool {
    shared: Arc<Shared>,
    results: Receiver<Decoded>,
    threads: Vec<JoinHandle<()>>,
}

impl DecodePool {
    /// Starts one thread per reader.
    pub fn start(readers: Vec<Box<dyn FrameSource>>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
        });
        let (tx, results) = crossbeam_channel::unbounded();
        let mut pool = Self {
            shared,
            results,
            threads: Vec::new(),
        };
        for (index, reader) in readers.into_iter().enumerate() {
            let shared = Arc::clone(&pool.shared);
            let tx = tx.clone();
            let thread = std::thread::Builder::new()
                .name(format!("sharp-decode-{index}"))
                .spawn(move || decode_loop(reader, &shared, &tx))?;
            pool.threads.push(thread);
        }
        Ok(pool)
    }

    /// Replaces the queue with `positions`, in priority order. Positions being decoded
    /// now are not queued again.
    pub fn plan(&self, positions: impl IntoIterator<Item = usize>) {
        let mut queue = self.shared.lock();
        let in_flight = queue.in_flight.clone();
        queue.waiting = positions
            .into_iter()
            .filter(|position| !in_flight.contains(position))
            .collect();
        drop(queue);
        self.shared.wake.notify_all();
    }

    /// Whether `position` is queued or being decoded.
    pub fn is_pending(&self, position: usize) -> bool {
        let queue = self.shared.lock();
        queue.in_flight.contains(&position) || queue.waiting.contains(&position)
    }

    /// Finished decodes.
    pub fn results(&self) -> &Receiver<Decoded> {
        &self.results
    }
}

impl Drop for DecodePool {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_all();
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("a decode thread panicked");
            }
        }
    }
}

fn decode_loop(mut reader: Box<dyn FrameSource>, shared: &Shared, results: &Sender<Decoded>) {
    loop {
        let position = {
            let mut queue = shared.lock();
            loop {
                if queue.stop {
                    return;
                }
                if let Some(position) = queue.waiting.pop_front() {
                    queue.in_flight.insert(position);
                    break position;
                }
                queue = shared
                    .wake
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let result = catch_unwind(AssertUnwindSafe(|| reader.read(position)))
            .unwrap_or(Err(SourceError::Panicked { position }));
        // Report before leaving in-flight so the scrubber never sees the position as
        // neither pending nor delivered.
        let sent = results.send(Decoded { position, result });
        shared.lock().in_flight.remove(&position);
        if sent.is_err() {
            return;
        }
    }
}
