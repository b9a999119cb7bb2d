//! Files that are either complete or absent: everything the project writes for the user
//! (batch outputs, recordings, reports) goes to a hidden temporary name beside the final
//! one, is flushed to disk, and is then renamed over the final name (atomic on one file
//! system). An interrupted write leaves only the temporary name, which no reader or
//! later run mistakes for an output.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The temporary name `path` is written under first: `.NAME.tmp-PID` beside it.
pub fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `path` through `fill`, atomically, creating the parent folders. On failure the
/// temporary file is removed and `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = temporary_path(path);
    let result = File::create(&temporary)
        .and_then(|file| {
            let mut writer = BufWriter::new(file);
            fill(&mut writer)?;
            writer
                .into_inner()
                .map_err(|error| error.into_error())?
                .sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        // Best effort: the write error is what matters, and the temporary name never
        // counts as an output.
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Removes the temporary files an interrupted earlier write of any of `outputs` left
/// behind (`.NAME.tmp-PID` beside `NAME`); returns how many were removed. Only the
/// temporaries of these outputs are touched, so a concurrent run writing other files
/// (another shard) keeps its own.
pub fn remove_stale_temporaries<'a>(
    outputs: impl IntoIterator<Item = &'a Path>,
) -> std::io::Result<usize> {
    let mut by_folder: std::collections::BTreeMap<&Path, std::collections::BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for output in outputs {
        if let (Some(folder), Some(name)) = (output.parent(), output.file_name()) {
            by_folder
                .entry(folder)
                .or_default()
                .insert(name.to_string_lossy().into_owned());
        }
    }
    let mut removed = 0;
    for (folder, names) in by_folder {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        for entry in entries {
            let entry = entry?;
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let stale = file_name
                .strip_prefix('.')
                .and_then(|rest| rest.rsplit_once(".tmp-"))
                .is_some_and(|(name, _)| names.contains(name));
            if stale {
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// Writes `bytes` to `path` atomically, creating the parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |writer| writer.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temporaries_of_the_given_outputs_are_removed_and_no_others() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mine = dir.path().join("000001.txt");
        for name in [".000001.txt.tmp-77", ".000002.txt.tmp-78", "000001.txt"] {
            std::fs::write(dir.path().join(name), "x").expect("write");
        }
        let removed = remove_stale_temporaries([mine.as_path()]).expect("removed");
        assert_eq!(removed, 1);
        let mut left = names(dir.path());
        left.sort();
        assert_eq!(left, [".000002.txt.tmp-78", "000001.txt"]);
    }

    fn names(dir: &Path) -> Vec<std::ffi::OsString> {
        std::fs::read_dir(dir)
            .expect("list")
            .map(|entry| entry.expect("entry").file_name())
            .collect()
    }

    #[test]
    fn a_write_creates_folders_and_leaves_only_the_final_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a/b/000001.txt");
        write_atomic(&path, b"hello").expect("written");
        assert_eq!(std::fs::read(&path).expect("read"), b"hello");
        assert_eq!(names(&dir.path().join("a/b")), ["000001.txt"]);
        assert!(
            temporary_path(&path)
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(".000001.txt.tmp-"))
        );
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_nothing_else() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"one").expect("write");
        let failed = write_atomic_with(&path, |writer| {
            writer.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"one");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }
}
