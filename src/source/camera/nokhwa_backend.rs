//! Real webcams through nokhwa (V4L2 on Linux, AVFoundation on macOS, Media Foundation
//! on Windows). nokhwa only moves bytes here; conversion to RGB is ours.

use nokhwa::Camera;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};

use super::{
    CameraBackend, CameraDescriptor, CameraDevice, CameraError, CaptureFormat, PixelFormat,
    RawFrame, preferred_format,
};

/// Every frame format we can convert.
const CONVERTIBLE: [FrameFormat; 6] = [
    FrameFormat::MJPEG,
    FrameFormat::YUYV,
    FrameFormat::NV12,
    FrameFormat::GRAY,
    FrameFormat::RAWRGB,
    FrameFormat::RAWBGR,
];

/// The platform's webcams.
#[derive(Clone, Copy, Debug, Default)]
pub struct NokhwaBackend;

impl CameraBackend for NokhwaBackend {
    fn list(&self) -> Result<Vec<CameraDescriptor>, CameraError> {
        let cameras = nokhwa::query(ApiBackend::Auto)
            .map_err(|error| CameraError::Query(error.to_string()))?;
        Ok(cameras
            .into_iter()
            .filter_map(|info| {
                let index = info.index().as_index().ok()?;
                Some(CameraDescriptor {
                    index,
                    name: info.human_name(),
                    description: info.description().to_owned(),
                })
            })
            .collect())
    }

    fn formats(&self, index: u32) -> Result<Vec<CaptureFormat>, CameraError> {
        let mut camera = open_camera(index, RequestedFormatType::None)?;
        let formats = camera
            .compatible_camera_formats()
            .map_err(|error| open_error(index, &error))?;
        let mut formats: Vec<CaptureFormat> = formats.iter().map(from_nokhwa).collect();
        formats.sort_by_key(|f| {
            (
                std::cmp::Reverse(f.width * f.height),
                std::cmp::Reverse(f.fps),
            )
        });
        formats.dedup();
        Ok(formats)
    }

    fn open(
        &self,
        index: u32,
        format: Option<CaptureFormat>,
    ) -> Result<Box<dyn CameraDevice>, CameraError> {
        let mut camera = match format {
            Some(format) => open_camera(index, RequestedFormatType::Exact(to_nokhwa(format)))?,
            None => {
                let mut camera = open_camera(index, RequestedFormatType::None)?;
                let formats: Vec<CaptureFormat> = camera
                    .compatible_camera_formats()
                    .map_err(|error| open_error(index, &error))?
                    .iter()
                    .map(from_nokhwa)
                    .collect();
                if let Some(best) = preferred_format(&formats) {
                    camera
                        .set_camera_requset(RequestedFormat::with_formats(
                            RequestedFormatType::Exact(to_nokhwa(best)),
                            &CONVERTIBLE,
                        ))
                        .map_err(|error| open_error(index, &error))?;
                }
                camera
            }
        };
        camera
            .open_stream()
            .map_err(|error| open_error(index, &error))?;
        let format = from_nokhwa(&camera.camera_format());
        Ok(Box::new(NokhwaDevice { camera, format }))
    }
}

struct NokhwaDevice {
    camera: Camera,
    format: CaptureFormat,
}

impl CameraDevice for NokhwaDevice {
    fn format(&self) -> CaptureFormat {
        self.format
    }

    fn frame(&mut self) -> Result<RawFrame, CameraError> {
        let buffer = self
            .camera
            .frame()
            .map_err(|error| CameraError::Read(error.to_string()))?;
        let resolution = buffer.resolution();
        let pixel_format = pixel_format(buffer.source_frame_format());
        Ok(RawFrame {
            data: buffer.buffer().to_vec(),
            format: CaptureFormat {
                width: resolution.width(),
                height: resolution.height(),
                fps: self.format.fps,
                pixel_format,
            },
        })
    }
}

impl Drop for NokhwaDevice {
    fn drop(&mut self) {
        if let Err(error) = self.camera.stop_stream() {
            tracing::debug!("stopping the camera stream: {error}");
        }
    }
}

fn open_camera(index: u32, request: RequestedFormatType) -> Result<Camera, CameraError> {
    Camera::new(
        CameraIndex::Index(index),
        RequestedFormat::with_formats(request, &CONVERTIBLE),
    )
    .map_err(|error| open_error(index, &error))
}

fn open_error(index: u32, error: &nokhwa::NokhwaError) -> CameraError {
    CameraError::Open {
        index,
        message: error.to_string(),
    }
}

fn pixel_format(format: FrameFormat) -> PixelFormat {
    match format {
        FrameFormat::MJPEG => PixelFormat::Mjpeg,
        FrameFormat::YUYV => PixelFormat::Yuyv,
        FrameFormat::NV12 => PixelFormat::Nv12,
        FrameFormat::GRAY => PixelFormat::Gray,
        FrameFormat::RAWRGB => PixelFormat::Rgb,
        FrameFormat::RAWBGR => PixelFormat::Bgr,
    }
}

fn from_nokhwa(format: &CameraFormat) -> CaptureFormat {
    CaptureFormat {
        width: format.width(),
        height: format.height(),
        fps: format.frame_rate(),
        pixel_format: pixel_format(format.format()),
    }
}

fn to_nokhwa(format: CaptureFormat) -> CameraFormat {
    let frame_format = match format.pixel_format {
        PixelFormat::Mjpeg => FrameFormat::MJPEG,
        PixelFormat::Yuyv => FrameFormat::YUYV,
        PixelFormat::Nv12 => FrameFormat::NV12,
        PixelFormat::Gray => FrameFormat::GRAY,
        PixelFormat::Rgb => FrameFormat::RAWRGB,
        PixelFormat::Bgr => FrameFormat::RAWBGR,
    };
    CameraFormat::new(
        Resolution::new(format.width, format.height),
        frame_format,
        format.fps,
    )
}
