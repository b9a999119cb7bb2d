//! Picking a file or a folder for the window: the desktop's own dialog (through `rfd`)
//! where there is one, the built-in egui dialog (`egui_file`) where there is not, or when
//! the user asks for it. Every "Choose…" / "Open…" button of the viewer goes through here.
//!
//! `rfd` answers `None` both when the user cancels and when no dialog could be shown (no
//! desktop portal with a file chooser, no zenity), and only its log says which. So the
//! picker looks for a dialog provider before asking (see [`native_unavailable`]), and
//! takes an empty answer that came back faster than a person can cancel as a failure too;
//! either way it opens the built-in dialog and says why in the window.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_file::{FileDialog, State};

use crate::source::has_extension;

/// An empty answer from the desktop dialog sooner than this is taken as "it could not
/// open", not as a cancel: nobody closes a file dialog that fast.
const FASTEST_CANCEL: Duration = Duration::from_millis(300);

/// What a picked path is for; the place that asked takes it back with
/// [`FilePicker::take`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickPurpose {
    /// A take folder to open.
    TakeFolder,
    /// A dataset root for the browser.
    DatasetRoot,
    /// A video file to open.
    Video,
    /// Where camera recordings go.
    RecordingsFolder,
    /// A camera intrinsics file.
    IntrinsicsFile,
    /// A folder with the ONNX models.
    ModelsFolder,
}

/// Whether a file or a folder is picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PickKind {
    File,
    Folder,
}

/// One request: what for, what kind, the dialog's title, which files it lists.
#[derive(Clone, Debug)]
pub struct PickRequest {
    purpose: PickPurpose,
    kind: PickKind,
    title: &'static str,
    /// File-type name and extensions (lower case, no dot) a file picker lists; `None`
    /// lists every file.
    filter: Option<(&'static str, &'static [&'static str])>,
    /// The folder the dialog starts in.
    start_in: Option<PathBuf>,
}

impl PickRequest {
    /// Asks for a folder.
    pub fn folder(purpose: PickPurpose, title: &'static str) -> Self {
        Self {
            purpose,
            kind: PickKind::Folder,
            title,
            filter: None,
            start_in: None,
        }
    }

    /// Asks for a file.
    pub fn file(purpose: PickPurpose, title: &'static str) -> Self {
        Self {
            kind: PickKind::File,
            ..Self::folder(purpose, title)
        }
    }

    /// Lists only files with these extensions (lower case, no dot), named `name`.
    pub fn with_filter(mut self, name: &'static str, extensions: &'static [&'static str]) -> Self {
        self.filter = Some((name, extensions));
        self
    }

    /// Starts the dialog in `folder` when it is one.
    pub fn starting_in(mut self, folder: Option<&Path>) -> Self {
        self.start_in = folder
            .filter(|folder| folder.is_dir())
            .map(Path::to_path_buf);
        self
    }

    fn native_dialog(&self) -> rfd::FileDialog {
        let mut dialog = rfd::FileDialog::new().set_title(self.title);
        if let Some((name, extensions)) = self.filter {
            dialog = dialog.add_filter(name, extensions);
        }
        if let Some(folder) = &self.start_in {
            dialog = dialog.set_directory(folder);
        }
        dialog
    }

    fn builtin_dialog(&self) -> FileDialog {
        let dialog = match self.kind {
            PickKind::File => FileDialog::open_file(),
            PickKind::Folder => FileDialog::select_folder(),
        };
        let listed: egui_file::Filter<PathBuf> = match (self.kind, self.filter) {
            // A folder picker lists folders only (they are never filtered).
            (PickKind::Folder, _) => Box::new(|_: &Path| false),
            (PickKind::File, None) => Box::new(|_: &Path| true),
            (PickKind::File, Some((_, extensions))) => {
                Box::new(move |path: &Path| has_extension(path, extensions))
            }
        };
        let mut dialog = dialog
            .title(&format!("{} (built-in picker)", self.title))
            .show_files_filter(listed)
            .show_rename(false)
            .show_new_folder(false)
            .keep_on_top(true)
            .default_size([560.0, 420.0]);
        if let Some(folder) = &self.start_in {
            dialog = dialog.initial_path(folder);
        }
        dialog
    }
}

/// The window's file and folder picker.
pub struct FilePicker {
    /// Why the desktop dialog cannot be used, once known; `None` while it is tried.
    native_missing: Option<String>,
    /// The built-in dialog that is open, and what it picks for.
    builtin: Option<(PickPurpose, FileDialog)>,
    /// A picked path not yet taken by the place that asked.
    picked: Option<(PickPurpose, PathBuf)>,
    /// Open the built-in dialog even where the desktop has its own (a user setting).
    prefer_builtin: bool,
}

impl Default for FilePicker {
    fn default() -> Self {
        Self::new(native_unavailable(&DialogEnvironment::current()))
    }
}

impl FilePicker {
    /// A picker that knows whether the desktop dialog is there: `native_missing` says why
    /// not, `None` means it is tried first.
    pub fn new(native_missing: Option<String>) -> Self {
        Self {
            native_missing,
            builtin: None,
            picked: None,
            prefer_builtin: false,
        }
    }

    /// Whether the built-in dialog is used even where the desktop has its own.
    pub fn set_prefer_builtin(&mut self, prefer_builtin: bool) {
        self.prefer_builtin = prefer_builtin;
    }

    /// Opens a dialog for `request`: the desktop's own (it blocks until answered), or the
    /// built-in one when the user prefers it or the desktop has none. The picked path
    /// comes back through [`Self::take`].
    pub fn request(&mut self, request: PickRequest) {
        if self.builtin.is_some() {
            // One dialog at a time: the open one comes to the front.
            return;
        }
        if !self.prefer_builtin && self.native_missing.is_none() {
            let asked = Instant::now();
            let answer = match request.kind {
                PickKind::File => request.native_dialog().pick_file(),
                PickKind::Folder => request.native_dialog().pick_folder(),
            };
            match answer {
                Some(path) => {
                    self.picked = Some((request.purpose, path));
                    return;
                }
                None if asked.elapsed() >= FASTEST_CANCEL => return,
                None => {
                    tracing::warn!("the desktop file dialog answered at once with nothing");
                    self.native_missing = Some(
                        "the desktop file dialog closed at once without a choice \
                         (it could not open)"
                            .into(),
                    );
                }
            }
        }
        let mut dialog = request.builtin_dialog();
        dialog.open();
        self.builtin = Some((request.purpose, dialog));
    }

    /// Shows the built-in dialog while it is open. Call once per frame, after the places
    /// that ask: a path picked and not yet taken asks for another frame, in which they
    /// take it (the desktop dialog answers while no input comes in).
    pub fn show(&mut self, ctx: &egui::Context) {
        if self.picked.is_some() {
            ctx.request_repaint();
        }
        let Some((purpose, dialog)) = &mut self.builtin else {
            return;
        };
        match dialog.show(ctx).state() {
            State::Open => {}
            State::Selected => {
                let purpose = *purpose;
                let path = dialog.path().map(Path::to_path_buf);
                self.builtin = None;
                self.picked = path.map(|path| (purpose, path));
                ctx.request_repaint();
            }
            State::Cancelled | State::Closed => self.builtin = None,
        }
    }

    /// The path picked for `purpose`, once.
    pub fn take(&mut self, purpose: PickPurpose) -> Option<PathBuf> {
        match &self.picked {
            Some((picked_for, _)) if *picked_for == purpose => {
                self.picked.take().map(|(_, path)| path)
            }
            _ => None,
        }
    }

    /// Whether the built-in dialog is open.
    pub fn is_open(&self) -> bool {
        self.builtin.is_some()
    }

    /// The line the window shows while the built-in dialog is open: which dialog it is
    /// and why the desktop's own is not used.
    pub fn notice(&self) -> Option<String> {
        self.builtin.as_ref()?;
        Some(match &self.native_missing {
            Some(reason) => format!("built-in file picker: {reason}"),
            None => "built-in file picker (chosen in the File menu)".to_owned(),
        })
    }
}

/// What decides whether the desktop's file dialog can open: the places `rfd` looks.
#[derive(Clone, Debug, Default)]
pub struct DialogEnvironment {
    /// The program search path (`PATH`), split.
    pub search_path: Vec<PathBuf>,
    /// Whether a D-Bus session bus is there to reach a desktop portal.
    pub session_bus: bool,
    /// The XDG data folders, where portal back-ends are described.
    pub data_dirs: Vec<PathBuf>,
}

impl DialogEnvironment {
    /// This process's environment.
    pub fn current() -> Self {
        let search_path = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect())
            .unwrap_or_default();
        let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|runtime| Path::new(&runtime).join("bus").exists());
        let session_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS")
            .is_some_and(|address| !address.is_empty())
            || runtime_bus;
        let data_dirs = std::env::var_os("XDG_DATA_DIRS")
            .filter(|dirs| !dirs.is_empty())
            .map(|dirs| std::env::split_paths(&dirs).collect())
            .unwrap_or_else(|| vec!["/usr/local/share".into(), "/usr/share".into()]);
        Self {
            search_path,
            session_bus,
            data_dirs,
        }
    }
}

/// Why `rfd` cannot show a file dialog in `environment`, or `None` when it can. On Linux
/// and the BSDs it asks the xdg-desktop-portal file chooser over the session bus and
/// falls back to the `zenity` program; other systems always have their own dialog.
pub fn native_unavailable(environment: &DialogEnvironment) -> Option<String> {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return None;
    }
    let zenity = environment
        .search_path
        .iter()
        .any(|folder| folder.join("zenity").is_file());
    if zenity {
        return None;
    }
    let portal_file_chooser = environment.data_dirs.iter().any(|data| {
        std::fs::read_dir(data.join("xdg-desktop-portal/portals"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "portal"))
            .any(|entry| {
                std::fs::read_to_string(entry.path())
                    .is_ok_and(|text| text.contains("org.freedesktop.impl.portal.FileChooser"))
            })
    });
    match (portal_file_chooser, environment.session_bus) {
        (true, true) => None,
        (true, false) => Some(
            "no D-Bus session bus to reach the desktop portal, and zenity is not installed".into(),
        ),
        (false, _) => Some(
            "the desktop has no file dialog (no xdg-desktop-portal file chooser, no zenity)".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment(root: &Path, session_bus: bool) -> DialogEnvironment {
        DialogEnvironment {
            search_path: vec![root.join("bin")],
            session_bus,
            data_dirs: vec![root.join("share")],
        }
    }

    #[test]
    fn no_zenity_and_no_portal_means_the_built_in_picker() {
        let dir = tempfile::tempdir().expect("temp dir");
        let reason = native_unavailable(&environment(dir.path(), true));
        if cfg!(any(target_os = "windows", target_os = "macos")) {
            assert_eq!(reason, None);
        } else {
            let reason = reason.expect("nothing to show a dialog with");
            assert!(reason.contains("zenity"), "{reason}");
        }
    }

    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    #[test]
    fn zenity_on_the_path_or_a_portal_file_chooser_on_a_bus_is_enough() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("bin")).expect("mkdir");
        std::fs::write(dir.path().join("bin/zenity"), "").expect("write");
        assert_eq!(native_unavailable(&environment(dir.path(), false)), None);

        let dir = tempfile::tempdir().expect("temp dir");
        let portals = dir.path().join("share/xdg-desktop-portal/portals");
        std::fs::create_dir_all(&portals).expect("mkdir");
        // A back-end without a file chooser does not count.
        std::fs::write(
            portals.join("other.portal"),
            "[portal]\nInterfaces=org.freedesktop.impl.portal.Screenshot;\n",
        )
        .expect("write");
        assert!(native_unavailable(&environment(dir.path(), true)).is_some());
        std::fs::write(
            portals.join("gtk.portal"),
            "[portal]\nInterfaces=org.freedesktop.impl.portal.FileChooser;\n",
        )
        .expect("write");
        assert_eq!(native_unavailable(&environment(dir.path(), true)), None);
        let no_bus = native_unavailable(&environment(dir.path(), false)).expect("no bus");
        assert!(no_bus.contains("session bus"), "{no_bus}");
    }

    #[test]
    fn a_pick_is_taken_once_and_only_by_its_purpose() {
        let mut picker = FilePicker::new(Some("none here".into()));
        picker.picked = Some((PickPurpose::Video, PathBuf::from("/a/b.mp4")));
        assert_eq!(picker.take(PickPurpose::TakeFolder), None);
        assert_eq!(
            picker.take(PickPurpose::Video),
            Some(PathBuf::from("/a/b.mp4"))
        );
        assert_eq!(picker.take(PickPurpose::Video), None);
    }
}
