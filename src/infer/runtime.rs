//! Finding the ONNX Runtime shared library and creating the one environment a process has.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::environment::Environment;

use super::error::InferError;

/// The ONNX Runtime version scripts/setup.sh installs.
pub const ORT_VERSION: &str = "1.32.0";

/// Environment variable that names the library explicitly (the only place looked at when set).
pub const ORT_DYLIB_PATH: &str = "ORT_DYLIB_PATH";

const LIBRARY_FILE: &str = "libonnxruntime.so.1.32.0";

/// The loaded ONNX Runtime: its environment and the library file it came from.
#[derive(Debug)]
pub struct Runtime {
    environment: Environment,
    library: PathBuf,
}

impl Runtime {
    /// The library file that was loaded.
    pub fn library(&self) -> &Path {
        &self.library
    }

    pub(crate) fn environment(&self) -> &Environment {
        &self.environment
    }
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();
static INIT: Mutex<()> = Mutex::new(());

/// The process's ONNX Runtime, loaded on first use from [`locate_library`].
///
/// A failure is not remembered: a later call (after the user ran scripts/setup.sh, say)
/// tries again.
pub fn runtime() -> Result<&'static Runtime, InferError> {
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let _guard = INIT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let library = locate_library()?;
    let builder = ort::init_from(&library).map_err(|error| InferError::RuntimeLoad {
        path: library.clone(),
        message: error.to_string(),
    })?;
    let environment = builder
        .with_name("sharp-viewer")
        .with_telemetry(false)
        .build()
        .map_err(|error| InferError::Environment(error.to_string()))?;
    tracing::info!("ONNX Runtime loaded from {}", library.display());
    Ok(RUNTIME.get_or_init(|| Runtime {
        environment,
        library,
    }))
}

/// Finds the ONNX Runtime library: `ORT_DYLIB_PATH` when set (and then nowhere else),
/// otherwise next to the executable, otherwise in the `.ort/` folder scripts/setup.sh
/// fills in the source tree this binary was built from.
pub fn locate_library() -> Result<PathBuf, InferError> {
    match std::env::var_os(ORT_DYLIB_PATH).filter(|value| !value.is_empty()) {
        Some(value) => first_existing(vec![absolute(PathBuf::from(value))], true),
        None => first_existing(default_candidates(), false),
    }
}

fn default_candidates() -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        candidates.push(dir.join(LIBRARY_FILE));
        candidates.push(dir.join("libonnxruntime.so"));
    }
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".ort")
            .join(format!("onnxruntime-{ORT_VERSION}"))
            .join(LIBRARY_FILE),
    );
    candidates
}

fn absolute(path: PathBuf) -> PathBuf {
    if path.is_absolute() {
        return path;
    }
    std::env::current_dir()
        .map(|dir| dir.join(&path))
        .unwrap_or(path)
}

fn first_existing(candidates: Vec<PathBuf>, env_override: bool) -> Result<PathBuf, InferError> {
    match candidates.iter().find(|path| path.is_file()) {
        Some(found) => Ok(found.clone()),
        None => Err(InferError::RuntimeNotFound {
            searched: candidates,
            env_override,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_names_every_place_and_the_setup_script() {
        let searched = vec![
            PathBuf::from("/nowhere/a.so"),
            PathBuf::from("/nowhere/b.so"),
        ];
        let error = first_existing(searched, false).expect_err("nothing exists");
        let message = error.to_string();
        assert!(message.contains("/nowhere/a.so") && message.contains("/nowhere/b.so"));
        assert!(message.contains("scripts/setup.sh"), "{message}");
    }

    #[test]
    fn a_wrong_override_says_it_came_from_the_environment_variable() {
        let error =
            first_existing(vec![PathBuf::from("/nowhere/x.so")], true).expect_err("missing");
        assert!(error.to_string().contains("ORT_DYLIB_PATH"), "{error}");
    }

    #[test]
    fn the_first_existing_candidate_wins() {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        let found = first_existing(
            vec![PathBuf::from("/nowhere/a.so"), file.path().to_path_buf()],
            false,
        )
        .expect("exists");
        assert_eq!(found, file.path());
    }

    #[test]
    fn the_source_tree_library_is_the_last_default_candidate() {
        let candidates = default_candidates();
        let last = candidates.last().expect("at least one");
        assert!(
            last.ends_with(".ort/onnxruntime-1.32.0/libonnxruntime.so.1.32.0"),
            "{last:?}"
        );
    }
}
