//! Batch processing of a dataset: the job list (optionally one split, one shard), outputs
//! that are skipped when present and written atomically, so an interrupted or sharded run
//! can simply be started again.

mod jobs;
mod shard;

pub use crate::atomic_file::{temporary_path, write_atomic};
pub use jobs::{BatchError, BatchSummary, FrameJob, list_frames, relative_name, run_jobs};
pub use shard::Shard;
