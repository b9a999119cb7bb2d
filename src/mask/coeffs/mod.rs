//! Integer resampling tables shared by the CPU reference and the GPU kernels.
//!
//! Only these tables need floating point (double for Pillow, float for OpenCV, exactly as
//! the libraries compute them); every pixel operation afterwards is integer arithmetic.
//! Both paths read the same tables, which is what makes them agree bit for bit.

mod cv2;
mod nearest;
mod pil;

pub use cv2::{Cv2Axis, Cv2Plan, cv2_plan};
pub use nearest::nearest_axis;
pub use pil::{PIL_HALF, PIL_PRECISION_BITS, PilFilter, PilTaps};
