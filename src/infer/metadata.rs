//! The `sharp_viewer.*` metadata every exported model carries, parsed and checked against
//! the model's contract. The preprocessing a network needs travels in its file, so it is
//! written in one place (the export script) and read here.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::contract::ModelKind;
use crate::mask::{Normalization, ResizeKind, TensorSpec};

const CONTRACT: &str = "sharp_viewer.contract";
const SOURCE: &str = "sharp_viewer.source";
const INPUT_SIZE: &str = "sharp_viewer.input_size";
const RESIZE: &str = "sharp_viewer.resize";
const RESCALE_FACTOR: &str = "sharp_viewer.rescale_factor";
const MEAN: &str = "sharp_viewer.mean";
const STD: &str = "sharp_viewer.std";
const HEATMAP_SIZE: &str = "sharp_viewer.heatmap_size";
const FRAME_SIZE: &str = "sharp_viewer.frame_size";
const WINDOW: &str = "sharp_viewer.window";
const FEATURES: &str = "sharp_viewer.features";
const NUM_CLASSES: &str = "sharp_viewer.num_classes";

/// A frame size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl fmt::Display for FrameSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// What the metadata says beyond the contract id, per model kind.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Details {
    Depth(TensorSpec),
    Pose {
        preprocessing: TensorSpec,
        /// The frame size the soft-argmax coordinates are scaled to.
        frame_size: FrameSize,
    },
    Action,
}

/// Parsed and checked metadata of one model.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ModelMetadata {
    /// Where the weights came from (`sharp_viewer.source`).
    pub source: String,
    pub details: Details,
}

/// Parses the metadata of a `kind` model; returns every problem found otherwise.
pub(crate) fn parse_metadata(
    kind: ModelKind,
    map: &BTreeMap<String, String>,
) -> Result<ModelMetadata, Vec<String>> {
    let mut reader = Reader {
        map,
        problems: Vec::new(),
    };
    reader.check_contract(kind);
    let source = reader.text(SOURCE).map(str::to_string);
    let spec = kind.spec();
    let details = match kind {
        ModelKind::Depth => reader
            .preprocessing(spec.inputs[0].dims, Normalization::Transformers)
            .map(Details::Depth),
        ModelKind::Pose => {
            let preprocessing =
                reader.preprocessing(spec.inputs[0].dims, Normalization::Albumentations);
            reader.expect_number(HEATMAP_SIZE, spec.outputs[0].dims[1]);
            let frame_size = reader.size(FRAME_SIZE);
            preprocessing
                .zip(frame_size)
                .map(|(preprocessing, frame_size)| Details::Pose {
                    preprocessing,
                    frame_size,
                })
        }
        ModelKind::Action => {
            reader.expect_number(WINDOW, spec.inputs[0].dims[0]);
            reader.expect_number(FEATURES, spec.inputs[0].dims[1]);
            reader.expect_number(NUM_CLASSES, spec.outputs[0].dims[0]);
            Some(Details::Action)
        }
    };
    match (source, details) {
        (Some(source), Some(details)) if reader.problems.is_empty() => {
            Ok(ModelMetadata { source, details })
        }
        _ => Err(reader.problems),
    }
}

struct Reader<'a> {
    map: &'a BTreeMap<String, String>,
    problems: Vec<String>,
}

impl Reader<'_> {
    fn text(&mut self, key: &str) -> Option<&str> {
        let value = self.map.get(key).map(String::as_str);
        if value.is_none() {
            self.problems
                .push(format!("metadata key `{key}` is missing"));
        }
        value
    }

    fn check_contract(&mut self, kind: ModelKind) {
        let Some(found) = self.text(CONTRACT).map(str::to_string) else {
            return;
        };
        if found == kind.contract_id() {
            return;
        }
        let other = ModelKind::ALL
            .into_iter()
            .find(|k| k.contract_id() == found);
        self.problems.push(match other {
            Some(other) => format!(
                "this is a {other} model (`{CONTRACT}` = `{found}`), expected a {kind} model (`{}`)",
                kind.contract_id()
            ),
            None => format!(
                "metadata `{CONTRACT}` is `{found}`, expected `{}`",
                kind.contract_id()
            ),
        });
    }

    fn parsed<T: FromStr>(&mut self, key: &str, what: &str) -> Option<T> {
        let text = self.text(key)?.to_string();
        let value = text.trim().parse().ok();
        if value.is_none() {
            self.problems
                .push(format!("metadata `{key}` is `{text}`, expected {what}"));
        }
        value
    }

    fn expect_number(&mut self, key: &str, expected: usize) {
        if let Some(found) = self.parsed::<usize>(key, "a whole number")
            && found != expected
        {
            self.problems.push(format!(
                "metadata `{key}` is {found}, expected {expected} (the contract's tensor size)"
            ));
        }
    }

    fn size(&mut self, key: &str) -> Option<FrameSize> {
        let text = self.text(key)?.to_string();
        let size = text.split_once('x').and_then(|(w, h)| {
            let width = w.trim().parse::<u32>().ok().filter(|&w| w > 0)?;
            let height = h.trim().parse::<u32>().ok().filter(|&h| h > 0)?;
            Some(FrameSize { width, height })
        });
        if size.is_none() {
            self.problems.push(format!(
                "metadata `{key}` is `{text}`, expected WIDTHxHEIGHT (e.g. 1280x720)"
            ));
        }
        size
    }

    /// Three comma-separated numbers. Parsed as float64 and then rounded to float32, as
    /// numpy does with `np.array(python_floats, np.float32)`.
    fn triple(&mut self, key: &str, positive: bool) -> Option<[f32; 3]> {
        let text = self.text(key)?.to_string();
        let values: Vec<f64> = text
            .split(',')
            .filter_map(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && (!positive || *v > 0.0))
            .collect();
        let triple = (text.split(',').count() == 3 && values.len() == 3)
            .then(|| [values[0] as f32, values[1] as f32, values[2] as f32]);
        if triple.is_none() {
            let what = if positive { "positive " } else { "" };
            self.problems.push(format!(
                "metadata `{key}` is `{text}`, expected three comma-separated {what}numbers"
            ));
        }
        triple
    }

    /// The image preprocessing keys, checked against the input tensor's `[3, H, W]`. The
    /// float order of the normalisation is not in the metadata: it belongs to the model
    /// kind (transformers for DPT, albumentations for SHARP's pose network).
    fn preprocessing(
        &mut self,
        input_dims: &[usize],
        normalization: Normalization,
    ) -> Option<TensorSpec> {
        let size = self.size(INPUT_SIZE);
        if let Some(size) = size
            && (size.width as usize, size.height as usize) != (input_dims[2], input_dims[1])
        {
            self.problems.push(format!(
                "metadata `{INPUT_SIZE}` is {size}, but the input tensor is {}x{}",
                input_dims[2], input_dims[1]
            ));
        }
        let resize = self.resize();
        let rescale_factor = match self.parsed::<f64>(RESCALE_FACTOR, "a positive number") {
            Some(factor) if factor.is_finite() && factor > 0.0 => Some(factor),
            Some(factor) => {
                self.problems.push(format!(
                    "metadata `{RESCALE_FACTOR}` is {factor}, expected a positive number"
                ));
                None
            }
            None => None,
        };
        let mean = self.triple(MEAN, false);
        let std = self.triple(STD, true);
        Some(TensorSpec {
            width: size?.width,
            height: size?.height,
            resize: resize?,
            rescale_factor: rescale_factor?,
            mean: mean?,
            std: std?,
            normalization,
        })
    }

    fn resize(&mut self) -> Option<ResizeKind> {
        let text = self.text(RESIZE)?.to_string();
        let resize = ResizeKind::ALL
            .into_iter()
            .find(|r| r.metadata_name() == text.trim());
        if resize.is_none() {
            let known: Vec<&str> = ResizeKind::ALL.iter().map(|r| r.metadata_name()).collect();
            self.problems.push(format!(
                "metadata `{RESIZE}` is `{text}`, expected one of {}",
                known.join(", ")
            ));
        }
        resize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pose_map() -> BTreeMap<String, String> {
        [
            (CONTRACT, "pose-v1"),
            (SOURCE, "test"),
            (INPUT_SIZE, "512x512"),
            (RESIZE, "cv2_linear"),
            (RESCALE_FACTOR, "0.00392156862745098"),
            (MEAN, "0.485,0.456,0.406"),
            (STD, "0.229,0.224,0.225"),
            (HEATMAP_SIZE, "128"),
            (FRAME_SIZE, "1280x720"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn pose_metadata_parses_into_preprocessing_and_frame_size() {
        let parsed = parse_metadata(ModelKind::Pose, &pose_map()).expect("valid");
        assert_eq!(parsed.source, "test");
        let Details::Pose {
            preprocessing,
            frame_size,
        } = parsed.details
        else {
            panic!("pose details expected, got {:?}", parsed.details);
        };
        assert_eq!(
            frame_size,
            FrameSize {
                width: 1280,
                height: 720
            }
        );
        assert_eq!(preprocessing.resize, ResizeKind::Cv2Linear);
        assert_eq!(preprocessing.rescale_factor, 1.0 / 255.0);
        assert_eq!(
            preprocessing.mean,
            [0.485f64 as f32, 0.456f64 as f32, 0.406f64 as f32]
        );
        assert_eq!((preprocessing.width, preprocessing.height), (512, 512));
    }

    #[test]
    fn every_problem_is_listed_with_what_was_expected() {
        let mut map = pose_map();
        map.insert(CONTRACT.into(), "depth-v1".into());
        map.insert(INPUT_SIZE.into(), "384x384".into());
        map.insert(RESIZE.into(), "lanczos".into());
        map.insert(STD.into(), "0.229,0,0.225".into());
        map.insert(HEATMAP_SIZE.into(), "64".into());
        map.remove(FRAME_SIZE);
        let problems = parse_metadata(ModelKind::Pose, &map).expect_err("invalid");
        assert_eq!(
            problems,
            [
                "this is a depth model (`sharp_viewer.contract` = `depth-v1`), expected a pose model (`pose-v1`)",
                "metadata `sharp_viewer.input_size` is 384x384, but the input tensor is 512x512",
                "metadata `sharp_viewer.resize` is `lanczos`, expected one of pil_bicubic, pil_bilinear, cv2_linear",
                "metadata `sharp_viewer.std` is `0.229,0,0.225`, expected three comma-separated positive numbers",
                "metadata `sharp_viewer.heatmap_size` is 64, expected 128 (the contract's tensor size)",
                "metadata key `sharp_viewer.frame_size` is missing",
            ]
        );
    }

    #[test]
    fn action_metadata_must_match_the_tensor_sizes() {
        let map: BTreeMap<String, String> = [
            (CONTRACT, "action-v1"),
            (SOURCE, "s"),
            (WINDOW, "16"),
            (FEATURES, "135"),
            (NUM_CLASSES, "thirty-six"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let problems = parse_metadata(ModelKind::Action, &map).expect_err("invalid");
        assert_eq!(
            problems,
            [
                "metadata `sharp_viewer.window` is 16, expected 20 (the contract's tensor size)",
                "metadata `sharp_viewer.num_classes` is `thirty-six`, expected a whole number",
            ]
        );
    }
}
