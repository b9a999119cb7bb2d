//! The depth network's look-ahead thread: it runs the depth network on the next frame
//! while the processor's thread runs the pose network on this one.
//!
//! The thread lives as long as the processor. ONNX Runtime's CUDA provider keeps state per
//! thread: cuBLAS and cuDNN handles and, with `--cuda-graph`, the captured graph. A thread
//! spawned per frame would start from nothing every frame and never replay a graph. The
//! model is lent to the thread for one run and comes back with the result.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};
use image::GrayImage;

use crate::infer::{DepthModel, InferError};

/// One look-ahead run: the model, lent for the run, and the frame's network input.
pub(crate) struct AheadJob {
    /// The depth model, sent back with the result.
    pub model: DepthModel,
    /// Timeline position of the frame.
    pub number: u32,
    /// Its depth-network input.
    pub input: Vec<f32>,
}

/// What a look-ahead run gives back.
pub(crate) struct AheadDone {
    /// The lent model.
    pub model: DepthModel,
    /// Timeline position of the frame.
    pub number: u32,
    /// SHARP's 8-bit pseudo-depth map, or why not.
    pub depth: Result<GrayImage, InferError>,
    /// Time of the run.
    pub took: Duration,
}

/// The long-lived look-ahead thread.
pub(crate) struct DepthAheadThread {
    jobs: Option<Sender<AheadJob>>,
    done: Receiver<AheadDone>,
    thread: Option<JoinHandle<()>>,
}

impl DepthAheadThread {
    /// Starts the thread.
    pub fn start() -> std::io::Result<Self> {
        let (jobs, job_queue) = unbounded::<AheadJob>();
        let (done_sender, done) = unbounded();
        let thread = std::thread::Builder::new()
            .name("depth-look-ahead".into())
            .spawn(move || {
                for mut job in job_queue {
                    let started = Instant::now();
                    let depth = job.model.run(&job.input).map(|output| output.depth8);
                    let result = AheadDone {
                        model: job.model,
                        number: job.number,
                        depth,
                        took: started.elapsed(),
                    };
                    if done_sender.send(result).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self {
            jobs: Some(jobs),
            done,
            thread: Some(thread),
        })
    }

    /// Hands `job` to the thread; gives it back when the thread is gone.
    pub fn submit(&self, job: AheadJob) -> Result<(), Box<AheadJob>> {
        match &self.jobs {
            Some(jobs) => jobs.send(job).map_err(|error| Box::new(error.0)),
            None => Err(Box::new(job)),
        }
    }

    /// Waits for the submitted job's result; `None` when the thread died on it (the lent
    /// model went with it).
    pub fn wait(&self) -> Option<AheadDone> {
        self.done.recv().ok()
    }
}

impl Drop for DepthAheadThread {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop.
        self.jobs = None;
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::warn!("the depth look-ahead thread had panicked");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::infer::{InferOptions, ProviderRequest};

    /// One thread serves job after job, lending the model back each time, with the results
    /// the model gives on the caller's thread; dropping it ends the thread.
    #[test]
    fn the_thread_runs_job_after_job_and_lends_the_model_back() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/depth_tiny.onnx");
        let options = InferOptions {
            provider: ProviderRequest::Cpu,
            ..InferOptions::default()
        };
        let mut model = DepthModel::load(&path, &options).expect("the fixture loads");
        let thread = DepthAheadThread::start().expect("the thread starts");
        let size = model.preprocessing().len();
        for number in [3u32, 4, 5] {
            let input: Vec<f32> = (0..size)
                .map(|i| ((i + number as usize * 37) % 255) as f32 / 255.0 - 0.5)
                .collect();
            let expected = model.run(&input).expect("runs here").depth8;
            thread
                .submit(AheadJob {
                    model,
                    number,
                    input,
                })
                .map_err(|_| "the thread is gone")
                .expect("submitted");
            let done = thread.wait().expect("the thread answers");
            assert_eq!(done.number, number);
            assert_eq!(done.depth.expect("runs there"), expected);
            model = done.model;
        }
        drop(thread);
    }
}
