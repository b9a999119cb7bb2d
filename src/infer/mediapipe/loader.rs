//! Loading the two MediaPipe networks from a folder on the requested execution provider.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{MediaPipeHands, MediaPipeOptions, ModelVariant};
use crate::infer::error::InferError;
use crate::infer::providers::{InferOptions, ProviderReport, create_session};

/// Name of the folder, inside a models folder, that holds the MediaPipe files.
pub const MEDIAPIPE_FOLDER: &str = "mediapipe";

/// What is known about the loaded MediaPipe networks, for the UI and the logs.
#[derive(Clone, Debug, PartialEq)]
pub struct HandsInfo {
    /// The folder the files came from.
    pub folder: PathBuf,
    /// Which pair of files.
    pub variant: ModelVariant,
    /// Where the palm detector runs.
    pub palm_provider: ProviderReport,
    /// Where the landmark model runs.
    pub landmark_provider: ProviderReport,
    /// Time to create both sessions and check them.
    pub load_time: Duration,
}

/// The MediaPipe Hands pipeline with what the UI shows about it.
#[derive(Debug)]
pub struct HandsModel {
    hands: MediaPipeHands,
    info: HandsInfo,
}

impl HandsModel {
    /// Opens `variant`'s two files in `folder` and checks their interfaces; an error
    /// names the file at fault.
    pub fn load(
        folder: &Path,
        variant: ModelVariant,
        options: &InferOptions,
    ) -> Result<Self, InferError> {
        let started = Instant::now();
        let palm_path = folder.join(variant.palm_file());
        let landmark_path = folder.join(variant.landmark_file());
        // MediaPipe runs with host inputs of changing addresses, which a replayed CUDA graph
        // cannot take.
        let options = &InferOptions {
            cuda_graph: false,
            ..*options
        };
        let (palm_session, palm_provider) = create_session(&palm_path, options)?;
        let (landmark_session, landmark_provider) = create_session(&landmark_path, options)?;
        // Each session is checked on its own so that the error names the right file.
        super::PalmDetector::check(&palm_session).map_err(|source| InferError::MediaPipe {
            path: palm_path.clone(),
            source,
        })?;
        let hands =
            MediaPipeHands::new(palm_session, landmark_session, MediaPipeOptions::default())
                .map_err(|source| InferError::MediaPipe {
                    path: landmark_path,
                    source,
                })?;
        let info = HandsInfo {
            folder: folder.to_path_buf(),
            variant,
            palm_provider,
            landmark_provider,
            load_time: started.elapsed(),
        };
        tracing::info!(
            "MediaPipe Hands ({variant:?}) loaded from {} in {:.0} ms on {}",
            folder.display(),
            info.load_time.as_secs_f64() * 1e3,
            info.landmark_provider.active
        );
        Ok(Self { hands, info })
    }

    /// Where it was loaded from and where it runs.
    pub fn info(&self) -> &HandsInfo {
        &self.info
    }

    /// The pipeline, for running it.
    pub fn hands_mut(&mut self) -> &mut MediaPipeHands {
        &mut self.hands
    }

    /// Whether both of `variant`'s files are in `folder`; the first missing one if not.
    pub fn missing_file(folder: &Path, variant: ModelVariant) -> Option<PathBuf> {
        [variant.palm_file(), variant.landmark_file()]
            .into_iter()
            .map(|file| folder.join(file))
            .find(|path| !path.is_file())
    }
}
