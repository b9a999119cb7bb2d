//! The help overlay (F1 or `?`, *Help → Keys and mouse*): every key and mouse action of
//! the viewer in one window, and the Help menu that opens it.

use egui::{Context, Key, Ui};

/// The window's title; UI tests look for it.
pub const HELP_TITLE: &str = "Keys and mouse";

/// Keyboard shortcuts: keys, then what they do.
pub const KEYS: [(&str, &str); 8] = [
    ("Space", "play / pause"),
    ("Left / Right arrow", "previous / next frame"),
    ("Shift+Left / Shift+Right", "one second back / forward"),
    ("Home / End", "first / last frame"),
    ("- / + (or [ / ])", "slower / faster playback"),
    ("F12 or Ctrl+E", "export the shown frame's figure"),
    ("F1 or ?", "show / hide this help"),
    ("Esc", "close this help, or restore the 2x2 grid"),
];

/// Mouse actions: where, then what they do.
pub const MOUSE: [(&str, &str); 8] = [
    (
        "timeline: click or drag",
        "seek; the bar names the action under the pointer",
    ),
    ("3D view: left drag", "orbit around the hands"),
    (
        "3D view: right or middle drag",
        "pan (up to 0.6 m from the hands)",
    ),
    ("3D view: scroll", "zoom"),
    ("3D view: double-click", "reset the view"),
    (
        "panel: double-click (3D view: its title)",
        "fill the window with it; again to restore",
    ),
    ("any control: hover", "what it does, and its key"),
    (
        "window: drop a folder or video",
        "open it (take, dataset root or video)",
    ),
];

/// Whether the help overlay is open, and the keys that toggle it.
#[derive(Debug, Default)]
pub struct Help {
    /// The overlay is shown.
    pub open: bool,
}

impl Help {
    /// Toggles the overlay on F1 or `?`, closes it on Esc. Ignored while a text field has
    /// the keyboard, so typing `?` in a filter does not open it.
    pub fn handle_keys(&mut self, ctx: &Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let (toggle, escape) = ctx.input(|input| {
            (
                input.key_pressed(Key::F1) || input.key_pressed(Key::Questionmark),
                input.key_pressed(Key::Escape),
            )
        });
        if toggle {
            self.open = !self.open;
        } else if escape {
            self.open = false;
        }
    }

    /// The Help menu's items.
    pub fn menu(&mut self, ui: &mut Ui) {
        ui.menu_button("Help", |ui| {
            if ui
                .add(egui::Button::new(HELP_TITLE).shortcut_text("F1"))
                .on_hover_text("every key and mouse action (F1 or ?)")
                .clicked()
            {
                self.open = true;
                ui.close();
            }
            ui.separator();
            ui.label(format!("SHARP Viewer {}", env!("CARGO_PKG_VERSION")));
            ui.weak("The method: docs/method.md");
            ui.weak("The data it reads: docs/data-layout.md");
        });
    }

    /// Shows the overlay while it is open.
    pub fn window(&mut self, ctx: &Context) {
        let mut open = self.open;
        egui::Window::new(HELP_TITLE)
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                table(ui, "help-keys", "Keys", &KEYS);
                ui.add_space(6.0);
                table(ui, "help-mouse", "Mouse", &MOUSE);
                ui.add_space(6.0);
                ui.weak("Keys act when no text field has the keyboard. Esc closes this window.");
            });
        self.open &= open;
    }
}

fn table(ui: &mut Ui, id: &str, heading: &str, rows: &[(&str, &str)]) {
    ui.strong(heading);
    egui::Grid::new(id).striped(true).show(ui, |ui| {
        for (what, does) in rows {
            ui.monospace(*what);
            ui.label(*does);
            ui.end_row();
        }
    });
}
