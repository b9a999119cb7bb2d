//! Evaluation: SHARP's pose metrics (MPJPE, 2D EPE, PCK / AUC, gated on annotated and
//! predicted hands), action accuracy with a confusion matrix, and the H2O CodaLab
//! submission format.

mod pose_metrics;

pub use pose_metrics::{
    AUC_STEPS, FrameOutcome, HandError, HandOutcome, HandSummary, PCK_THRESHOLD, PoseSummary,
    PoseTally, PredictedHand, mean_of_present,
};

mod action_metrics;
mod codalab;

pub use action_metrics::{ActionIdError, ConfusionMatrix};
pub use codalab::{MODALITY, SUBMISSION_JSON, Submission, SubmissionError};

mod pose_run;

pub use pose_run::{EvalError, FrameRow, PoseEvaluation, evaluate_poses};

mod action_run;

pub use action_run::{ActionEvaluation, HandSource, SegmentPrediction, classify_segments};

mod intrinsics_choice;

pub use intrinsics_choice::EvalIntrinsics;

mod handedness;
mod plausible;

pub use handedness::{HANDEDNESS_WARNING, HandednessTally};
mod over_time;
mod skipped;

pub use over_time::OverTime;
pub use skipped::{SkipReason, SkippedInput, SkippedInputs};
