//! GPU textures for the image panels, reused frame to frame.

use egui::{ColorImage, Context, TextureHandle, TextureOptions};
use image::RgbImage;

use crate::pipeline::FrameResult;

/// The textures of the image panels.
#[derive(Default)]
pub struct PanelTextures {
    /// The RGB frame.
    pub rgb: Option<TextureHandle>,
    /// The colour-mapped ground-truth depth.
    pub depth: Option<TextureHandle>,
    /// The colour-mapped pseudo-depth.
    pub pseudo_depth: Option<TextureHandle>,
    /// The masked frame.
    pub masked: Option<TextureHandle>,
}

impl PanelTextures {
    /// Uploads the frame the RGB panel shows.
    pub fn update_rgb(&mut self, ctx: &Context, rgb: &RgbImage) {
        upload(ctx, &mut self.rgb, "rgb", Some(rgb));
    }

    /// Uploads the analysis images of a new result (everything but the RGB frame).
    pub fn update_analysis(&mut self, ctx: &Context, result: &FrameResult) {
        upload(ctx, &mut self.depth, "depth", result.depth_view.as_deref());
        upload(
            ctx,
            &mut self.pseudo_depth,
            "pseudo-depth",
            result.pseudo_depth_view.as_deref(),
        );
        upload(
            ctx,
            &mut self.masked,
            "masked",
            Some(&result.processed.masked),
        );
    }
}

fn upload(ctx: &Context, slot: &mut Option<TextureHandle>, name: &str, image: Option<&RgbImage>) {
    let Some(image) = image else {
        *slot = None;
        return;
    };
    let color_image = ColorImage::from_rgb(
        [image.width() as usize, image.height() as usize],
        image.as_raw(),
    );
    match slot {
        Some(texture) => texture.set(color_image, TextureOptions::LINEAR),
        None => *slot = Some(ctx.load_texture(name, color_image, TextureOptions::LINEAR)),
    }
}
