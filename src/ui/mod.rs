//! The eframe/egui viewer: panels, timeline, controls. Processing lives in
//! [`crate::pipeline`]; this module only shows results and sends commands.

mod action_panel;
mod app;
mod background;
mod browser;
mod browser_filter;
mod camera_panel;
mod clip_export;
mod clip_job;
mod controls;
mod depth_bar;
mod error_plot;
mod figure_export;
mod file_picker;
mod help;
mod image_panel;
mod models_panel;
mod overlay;
mod palette;
mod panels;
mod pixel_readout;
mod playback;
mod pose_error;
mod pose_panel;
mod range_slider;
mod settings;
mod skeleton_view;
mod sources_ui;
mod stats;
mod textures;
mod timeline;
mod trails;

pub use app::{FIGURE_FOLDER, LaunchOptions, ViewerApp};
pub use clip_export::{CLIP_WINDOW_TITLE, ClipExportWindow};
pub use playback::Playback;
pub use settings::{GridPanel, ViewerSettings};
pub use skeleton_view::OrbitCamera;
pub use sources_ui::SourceSettings;
pub use stats::{PipelineStats, Summary, summarize};

/// Opens the viewer window and runs it until it is closed.
pub fn run_viewer(launch: LaunchOptions) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("SHARP Viewer")
            .with_inner_size([1400.0, 860.0])
            .with_min_inner_size([900.0, 600.0]),
        renderer: eframe::Renderer::Wgpu,
        ..Default::default()
    };
    eframe::run_native(
        "sharp-viewer",
        options,
        Box::new(move |cc| Ok(Box::new(ViewerApp::new(cc, launch)?))),
    )
}
