//! One-shot background jobs for the window: a slow question (list the cameras, scan a
//! dataset, render and write a figure) runs on its own named thread while the window
//! stays live, and the window polls for the answer. A job whose thread dies without
//! answering (a panic) is reported as crashed instead of leaving the window waiting
//! forever, and the window is woken either way.

use crossbeam_channel::{Receiver, TryRecvError, bounded};

/// Wakes the window when a job ends.
pub type Wake = Box<dyn Fn() + Send>;

/// A job running on its own thread.
pub struct BackgroundJob<T> {
    answer: Receiver<T>,
}

/// Where a job stands.
#[derive(Debug, PartialEq, Eq)]
pub enum JobState<T> {
    /// Still running.
    Running,
    /// Finished with this answer. It is given once: the job is over, drop it.
    Done(T),
    /// The thread ended without an answer: it panicked (the log has the message).
    Crashed,
}

/// Calls the wake function when dropped, so a panicking job still wakes the window.
struct WakeOnDrop(Wake);

impl Drop for WakeOnDrop {
    fn drop(&mut self) {
        (self.0)();
    }
}

impl<T: Send + 'static> BackgroundJob<T> {
    /// Runs `job` on a thread called `name`; `wake` is called when it ends, answered or not.
    pub fn spawn(
        name: &str,
        wake: Wake,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> std::io::Result<Self> {
        let (sender, answer) = bounded(1);
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let _wake = WakeOnDrop(wake);
                // The window may have dropped the job meanwhile; nobody is left to tell.
                let _ = sender.send(job());
            })?;
        Ok(Self { answer })
    }

    /// The job's state, without waiting.
    pub fn poll(&self) -> JobState<T> {
        match self.answer.try_recv() {
            Ok(answer) => JobState::Done(answer),
            Err(TryRecvError::Empty) => JobState::Running,
            Err(TryRecvError::Disconnected) => JobState::Crashed,
        }
    }
}

/// A wake function that repaints `ctx`.
pub fn repaint(ctx: &egui::Context) -> Wake {
    let ctx = ctx.clone();
    Box::new(move || ctx.request_repaint())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::*;

    fn counter() -> (Arc<AtomicUsize>, Wake) {
        let count = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&count);
        (
            count,
            Box::new(move || {
                seen.fetch_add(1, Ordering::SeqCst);
            }),
        )
    }

    fn settle<T: Send + 'static>(job: &BackgroundJob<T>) -> JobState<T> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match job.poll() {
                JobState::Running if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                state => return state,
            }
        }
    }

    #[test]
    fn an_answer_arrives_once_and_wakes_the_window() {
        let (wakes, wake) = counter();
        let job = BackgroundJob::spawn("test-answer", wake, || 41 + 1).expect("thread");
        assert_eq!(settle(&job), JobState::Done(42));
        assert_eq!(wakes.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_job_that_panics_is_reported_crashed_and_still_wakes_the_window() {
        let (wakes, wake) = counter();
        let job = BackgroundJob::<u8>::spawn("test-panic", wake, || panic!("probe failed"))
            .expect("thread");
        assert_eq!(settle(&job), JobState::Crashed);
        assert_eq!(wakes.load(Ordering::SeqCst), 1);
    }
}
