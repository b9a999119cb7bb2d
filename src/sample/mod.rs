//! TEMPORARY placeholder until the generator branch is merged (not committed).
use std::path::{Path, PathBuf};
pub const SAMPLE_MARKER_FILE: &str = "SHARP_VIEWER_SYNTHETIC_SAMPLE.json";
#[derive(Clone, Debug)]
pub struct SampleOptions {
    pub frames: usize,
    pub takes: usize,
}
impl Default for SampleOptions {
    fn default() -> Self {
        Self {
            frames: 90,
            takes: 1,
        }
    }
}
pub struct SampleProgress {
    pub take: usize,
    pub frame: usize,
    pub frames_total: usize,
}
pub struct SampleSummary {
    pub takes: Vec<PathBuf>,
    pub frames_per_take: usize,
}
#[derive(Debug, thiserror::Error)]
#[error("placeholder")]
pub struct SampleError;
pub fn generate_sample(
    _root: &Path,
    _options: &SampleOptions,
    _progress: &mut dyn FnMut(SampleProgress),
) -> Result<SampleSummary, SampleError> {
    Err(SampleError)
}
pub fn is_complete_sample(dir: &Path) -> bool {
    dir.join(SAMPLE_MARKER_FILE).is_file()
}
