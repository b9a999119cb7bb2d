//! The frames a batch command works on, and the loop that skips finished outputs, writes
//! new ones atomically and collects failures.

use std::path::{Path, PathBuf};

use crate::atomic_file::write_atomic;
use crate::dataset::{DatasetError, Split, Splits, Take, discover_takes};
use crate::source::{SourceError, TakeSource};

/// Why a batch could not start.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The dataset could not be listed or a take could not be opened.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// A split was asked for but its file is not at the root.
    #[error("{path}: split file not found (or unreadable)", path = .path.display())]
    NoSplit {
        /// The split file expected.
        path: PathBuf,
    },
}

/// One frame to produce one output for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameJob {
    /// The take folder.
    pub take: PathBuf,
    /// Timeline position of the frame in the take.
    pub position: usize,
    /// H2O frame number.
    pub number: u32,
    /// The file to write.
    pub output: PathBuf,
}

/// Every frame of every take under `root` (only those listed in `split`'s pose file when
/// given), in take then frame order, with the output `output_of` names.
pub fn list_frames(
    root: &Path,
    split: Option<Split>,
    output_of: impl Fn(&Take, u32) -> PathBuf,
) -> Result<Vec<FrameJob>, BatchError> {
    let listed = match split {
        Some(split) => {
            let (splits, _) = Splits::load(root);
            let frames = splits
                .pose
                .get(&split)
                .cloned()
                .ok_or_else(|| BatchError::NoSplit {
                    path: root.join(split.pose_file_name()),
                })?;
            Some(frames)
        }
        None => None,
    };
    let mut jobs = Vec::new();
    for take_dir in discover_takes(root)? {
        let take = Take::open(&take_dir)?;
        let wanted = match &listed {
            Some(listed) => match listed.get(&relative_name(root, &take.dir)) {
                Some(frames) => Some(frames),
                None => continue,
            },
            None => None,
        };
        for (position, &number) in take.frames.iter().enumerate() {
            if wanted.is_none_or(|frames| frames.contains(&number)) {
                jobs.push(FrameJob {
                    take: take.dir.clone(),
                    position,
                    number,
                    output: output_of(&take, number),
                });
            }
        }
    }
    Ok(jobs)
}

/// A take folder relative to the dataset root with `/` separators, as the split files
/// name it (`subject1/h1/0`).
pub fn relative_name(root: &Path, take_dir: &Path) -> String {
    let relative = take_dir.strip_prefix(root).unwrap_or(take_dir);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What a batch run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Outputs written by this run.
    pub written: usize,
    /// Outputs that already existed.
    pub skipped: usize,
    /// Temporary files an interrupted earlier run left behind, removed by this one.
    pub removed_temporaries: usize,
    /// One message per frame that failed, naming the file.
    pub failed: Vec<String>,
}

/// Runs `produce` on every job whose output does not exist yet and writes its bytes
/// atomically; `tick` is called after each job.
pub fn run_jobs(
    jobs: &[FrameJob],
    mut produce: impl FnMut(&mut TakeSource, &FrameJob) -> Result<Vec<u8>, String>,
    mut tick: impl FnMut(&BatchSummary),
) -> BatchSummary {
    let mut summary = BatchSummary::default();
    match crate::atomic_file::remove_stale_temporaries(jobs.iter().map(|job| job.output.as_path()))
    {
        Ok(removed) => summary.removed_temporaries = removed,
        Err(error) => summary.failed.push(format!(
            "cannot remove the temporary files of an interrupted run: {error}"
        )),
    }
    let mut source: Option<TakeSource> = None;
    for job in jobs {
        if job.output.is_file() {
            summary.skipped += 1;
        } else if let Err(message) = run_one(job, &mut source, &mut produce) {
            summary
                .failed
                .push(format!("{}: {message}", job.output.display()));
        } else {
            summary.written += 1;
        }
        tick(&summary);
    }
    summary
}

/// Why one job wrote nothing.
#[derive(Debug, thiserror::Error)]
enum JobError {
    /// Its take could not be opened.
    #[error("cannot open take {}: {source}", .take.display())]
    Open {
        /// The take folder.
        take: PathBuf,
        /// Why not.
        source: SourceError,
    },
    /// The command's producer refused the frame, with its reason.
    #[error("{0}")]
    Produce(String),
    /// The output could not be written.
    #[error("cannot write: {0}")]
    Write(std::io::Error),
}

fn run_one(
    job: &FrameJob,
    source: &mut Option<TakeSource>,
    produce: &mut impl FnMut(&mut TakeSource, &FrameJob) -> Result<Vec<u8>, String>,
) -> Result<(), JobError> {
    let open = match source {
        Some(open) if open.take().dir == job.take => open,
        _ => {
            *source = None;
            let opened = TakeSource::open(&job.take).map_err(|error| JobError::Open {
                take: job.take.clone(),
                source: error,
            })?;
            source.insert(opened)
        }
    };
    let bytes = produce(open, job).map_err(JobError::Produce)?;
    write_atomic(&job.output, &bytes).map_err(JobError::Write)
}
