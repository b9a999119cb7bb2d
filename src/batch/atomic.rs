//! Writing a file so that it is either complete or absent: a temporary file beside it,
//! then a rename.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The temporary name `path` is written under first: hidden, with the process id, so an
/// interrupted run leaves a file no later run mistakes for an output.
pub fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` to `path` atomically, creating the parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = temporary_path(path);
    let result = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        // Best effort: the temporary name never counts as an output anyway.
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_leaves_only_the_final_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a/b/000001.txt");
        write_atomic(&path, b"hello").expect("written");
        assert_eq!(std::fs::read(&path).expect("read"), b"hello");
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
            .expect("list")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["000001.txt"]);
        assert!(
            temporary_path(&path)
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(".000001.txt.tmp-"))
        );
    }
}
