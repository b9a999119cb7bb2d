//! CPU ray-casting renderer for the synthetic sample.
//!
//! Every primitive is intersected analytically (sphere, capsule, oriented box, capped
//! cylinder). For each primitive the renderer projects its bounding sphere to a
//! screen-space rectangle and ray-casts only the pixels inside it, keeping the nearest
//! hit in a z-buffer together with the primitive's index. A second pass shades each
//! pixel once (Lambert + ambient, optional cast shadows from a [`ShadowMap`]) and
//! writes RGB, depth in millimetres and a segment id.
//!
//! Rows are cut into bands that are dealt round-robin to worker threads; every pixel is
//! computed independently, so the output does not depend on the thread count.

use glam::{Affine3A, Mat3, Vec3};

use super::shadow::ShadowMap;
use crate::geometry::CameraIntrinsics;

/// An 8-bit sRGB-ish colour.
pub type Rgb = [u8; 3];

/// Rows per work unit handed to a thread.
const BAND_ROWS: usize = 16;
/// Nothing nearer than this (metres along the ray) is drawn.
const NEAR: f32 = 1e-3;
/// Share of the albedo that is lit regardless of the light direction.
const AMBIENT: f32 = 0.42;
/// Share of the albedo scaled by the Lambert term.
const DIFFUSE: f32 = 0.58;

/// What a pixel shows, kept per pixel for tests and debugging.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Segment {
    /// No primitive was hit.
    Empty = 0,
    /// Walls, floor, shelves and clutter far from the camera.
    Background = 1,
    /// The table top and its edges.
    Table = 2,
    /// The annotated object.
    Object = 3,
    /// The left hand and forearm.
    LeftHand = 4,
    /// The right hand and forearm.
    RightHand = 5,
    /// Other things on the table (cup, tray, book).
    Prop = 6,
}

/// An analytic shape. Coordinates are in whatever frame the owner states (world while a
/// scene is built, camera frame when rendering).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// A ball.
    Sphere {
        /// Centre.
        center: Vec3,
        /// Radius.
        radius: f32,
    },
    /// All points within `radius` of the segment `a`-`b`.
    Capsule {
        /// One end of the axis.
        a: Vec3,
        /// The other end of the axis.
        b: Vec3,
        /// Radius.
        radius: f32,
    },
    /// An oriented box.
    Cuboid {
        /// Centre.
        center: Vec3,
        /// Columns are the box's local x, y, z axes (orthonormal).
        rotation: Mat3,
        /// Half extents along the local axes.
        half: Vec3,
    },
    /// A cylinder with flat caps.
    Cylinder {
        /// Centre of the bottom cap.
        base: Vec3,
        /// Unit axis from the bottom cap to the top cap.
        axis: Vec3,
        /// Distance between the caps.
        height: f32,
        /// Radius.
        radius: f32,
    },
}

/// How a surface is coloured, from its shape-local hit point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Material {
    /// One colour everywhere.
    Solid(Rgb),
    /// Wooden planks on the top face (local +z) with the grain along local x; the other
    /// faces use `dark`.
    Wood {
        /// Light grain colour.
        light: Rgb,
        /// Dark grain and edge colour.
        dark: Rgb,
    },
    /// Vertical wallpaper stripes along local x.
    Stripes {
        /// First stripe colour.
        a: Rgb,
        /// Second stripe colour.
        b: Rgb,
        /// Width of one pair of stripes, metres.
        period: f32,
    },
    /// Checkerboard tiles (or panels) across each face, with darker seams.
    Tiles {
        /// First tile colour.
        a: Rgb,
        /// Second tile colour.
        b: Rgb,
        /// Tile edge, metres.
        size: f32,
    },
    /// A printed carton or box: body colour, an accent band and logo, and a top colour.
    Carton {
        /// Main colour of the sides.
        body: Rgb,
        /// Band and logo colour.
        accent: Rgb,
        /// Colour of the top face.
        top: Rgb,
    },
    /// A cup: `outer` on the sides and bottom, `contents` on the top cap.
    Cup {
        /// Outside colour.
        outer: Rgb,
        /// What is inside, seen from above.
        contents: Rgb,
    },
    /// A surface the depth sensor cannot measure (dark glass): depth 0.
    NoDepth(Rgb),
}

/// A shape with its material and segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Primitive {
    /// Geometry.
    pub shape: Shape,
    /// Colouring.
    pub material: Material,
    /// What the pixels it wins are labelled as.
    pub segment: Segment,
    /// Whether cast shadows from the [`ShadowMap`] darken it.
    pub receives_shadow: bool,
}

impl Shape {
    /// The same shape moved by a rigid transform.
    pub fn transformed(&self, transform: &Affine3A) -> Shape {
        let point = |p: Vec3| transform.transform_point3(p);
        let vector = |v: Vec3| transform.transform_vector3(v);
        match *self {
            Shape::Sphere { center, radius } => Shape::Sphere {
                center: point(center),
                radius,
            },
            Shape::Capsule { a, b, radius } => Shape::Capsule {
                a: point(a),
                b: point(b),
                radius,
            },
            Shape::Cuboid {
                center,
                rotation,
                half,
            } => Shape::Cuboid {
                center: point(center),
                rotation: Mat3::from(transform.matrix3) * rotation,
                half,
            },
            Shape::Cylinder {
                base,
                axis,
                height,
                radius,
            } => Shape::Cylinder {
                base: point(base),
                axis: vector(axis),
                height,
                radius,
            },
        }
    }

    /// Centre and radius of a sphere that contains the shape.
    pub fn bounding_sphere(&self) -> (Vec3, f32) {
        match *self {
            Shape::Sphere { center, radius } => (center, radius),
            Shape::Capsule { a, b, radius } => ((a + b) * 0.5, (b - a).length() * 0.5 + radius),
            Shape::Cuboid { center, half, .. } => (center, half.length()),
            Shape::Cylinder {
                base,
                axis,
                height,
                radius,
            } => (
                base + axis * (height * 0.5),
                (height * height * 0.25 + radius * radius).sqrt(),
            ),
        }
    }

    /// Distance along the unit ray `origin + t * dir` to the first surface hit in front of
    /// the origin, if any.
    pub fn intersect(&self, origin: Vec3, dir: Vec3) -> Option<f32> {
        let t = match *self {
            Shape::Sphere { center, radius } => {
                let oc = origin - center;
                let b = oc.dot(dir);
                let c = oc.length_squared() - radius * radius;
                let h = b * b - c;
                if h < 0.0 {
                    return None;
                }
                -b - h.sqrt()
            }
            Shape::Capsule { a, b, radius } => capsule_hit(origin, dir, a, b, radius)?,
            Shape::Cuboid {
                center,
                rotation,
                half,
            } => {
                let inverse = rotation.transpose();
                let o = inverse * (origin - center);
                let d = inverse * dir;
                let inv = d.recip();
                let t1 = (-half - o) * inv;
                let t2 = (half - o) * inv;
                let near = t1.min(t2).max_element();
                let far = t1.max(t2).min_element();
                if near > far || far < NEAR {
                    return None;
                }
                near
            }
            Shape::Cylinder {
                base,
                axis,
                height,
                radius,
            } => cylinder_hit(origin, dir, base, axis * height, radius)?,
        };
        (t > NEAR && t.is_finite()).then_some(t)
    }

    /// Unit outward normal at a surface point `p`, plus the point and normal in the
    /// shape's local frame (used for texturing).
    fn surface(&self, p: Vec3) -> SurfacePoint {
        match *self {
            Shape::Sphere { center, .. } => {
                let n = (p - center).normalize_or_zero();
                SurfacePoint {
                    normal: n,
                    local: p - center,
                    local_normal: n,
                    half: Vec3::ONE,
                }
            }
            Shape::Capsule { a, b, .. } => {
                let ba = b - a;
                let h = ((p - a).dot(ba) / ba.length_squared().max(1e-12)).clamp(0.0, 1.0);
                let n = (p - (a + ba * h)).normalize_or_zero();
                SurfacePoint {
                    normal: n,
                    local: p - a,
                    local_normal: n,
                    half: Vec3::ONE,
                }
            }
            Shape::Cuboid {
                center,
                rotation,
                half,
            } => {
                let local = rotation.transpose() * (p - center);
                let q = (local / half).abs();
                let local_normal = if q.x >= q.y && q.x >= q.z {
                    Vec3::X * local.x.signum()
                } else if q.y >= q.z {
                    Vec3::Y * local.y.signum()
                } else {
                    Vec3::Z * local.z.signum()
                };
                SurfacePoint {
                    normal: rotation * local_normal,
                    local,
                    local_normal,
                    half,
                }
            }
            Shape::Cylinder {
                base,
                axis,
                height,
                radius,
            } => {
                let rel = p - base;
                let y = rel.dot(axis);
                let radial = rel - axis * y;
                let side_gap = (radial.length() - radius).abs();
                let (normal, local_normal) = if side_gap < y.abs().min((y - height).abs()) {
                    (radial.normalize_or_zero(), Vec3::X)
                } else if y > height * 0.5 {
                    (axis, Vec3::Z)
                } else {
                    (-axis, -Vec3::Z)
                };
                SurfacePoint {
                    normal,
                    local: Vec3::new(radial.length(), 0.0, y),
                    local_normal,
                    half: Vec3::new(radius, radius, height),
                }
            }
        }
    }
}

/// Ray-capsule intersection (after Inigo Quilez), unit `dir`.
fn capsule_hit(origin: Vec3, dir: Vec3, a: Vec3, b: Vec3, radius: f32) -> Option<f32> {
    let ba = b - a;
    let oa = origin - a;
    let baba = ba.dot(ba);
    let bard = ba.dot(dir);
    let baoa = ba.dot(oa);
    let rdoa = dir.dot(oa);
    let oaoa = oa.dot(oa);
    let qa = baba - bard * bard;
    let qb = baba * rdoa - baoa * bard;
    let qc = baba * oaoa - baoa * baoa - radius * radius * baba;
    let h = qb * qb - qa * qc;
    if h < 0.0 {
        return None;
    }
    if qa > 1e-12 {
        let t = (-qb - h.sqrt()) / qa;
        let y = baoa + t * bard;
        if y > 0.0 && y < baba {
            return Some(t);
        }
    }
    // The hit is on one of the end spheres: test both and keep the nearer.
    let sphere = |center: Vec3| {
        let oc = origin - center;
        let b = oc.dot(dir);
        let h = b * b - (oc.length_squared() - radius * radius);
        (h >= 0.0).then(|| -b - h.sqrt())
    };
    match (sphere(a), sphere(b)) {
        (Some(ta), Some(tb)) => Some(ta.min(tb)),
        (ta, tb) => ta.or(tb),
    }
}

/// Ray-capped-cylinder intersection (after Inigo Quilez), unit `dir`; `ba` runs from the
/// bottom cap centre to the top cap centre.
fn cylinder_hit(origin: Vec3, dir: Vec3, base: Vec3, ba: Vec3, radius: f32) -> Option<f32> {
    let oc = origin - base;
    let baba = ba.dot(ba);
    let bard = ba.dot(dir);
    let baoc = ba.dot(oc);
    let k2 = baba - bard * bard;
    let k1 = baba * oc.dot(dir) - baoc * bard;
    let k0 = baba * oc.dot(oc) - baoc * baoc - radius * radius * baba;
    let h = k1 * k1 - k2 * k0;
    if h < 0.0 {
        return None;
    }
    let h = h.sqrt();
    if k2 > 1e-12 {
        let t = (-k1 - h) / k2;
        let y = baoc + t * bard;
        if y > 0.0 && y < baba {
            return Some(t);
        }
        // Caps.
        let cap = if y < 0.0 { 0.0 } else { baba };
        let t = (cap - baoc) / bard;
        if (k1 + k2 * t).abs() < h {
            return Some(t);
        }
        None
    } else {
        // Ray parallel to the axis: it can only enter through a cap.
        let cap = if baoc < 0.0 { 0.0 } else { baba };
        let t = (cap - baoc) / bard;
        t.is_finite().then_some(t)
    }
}

/// A surface point in the frames the shader needs.
struct SurfacePoint {
    normal: Vec3,
    local: Vec3,
    local_normal: Vec3,
    half: Vec3,
}

fn to_f32(c: Rgb) -> Vec3 {
    Vec3::new(c[0] as f32, c[1] as f32, c[2] as f32)
}

impl Material {
    /// Surface colour (0-255 per channel) at a shape-local point.
    fn albedo(&self, s: &SurfacePoint) -> Vec3 {
        match *self {
            Material::Solid(c) | Material::NoDepth(c) => to_f32(c),
            Material::Wood { light, dark } => {
                if s.local_normal.z <= 0.5 {
                    return to_f32(dark);
                }
                let plank_width = 0.145;
                let plank = (s.local.y / plank_width).floor();
                let along = s.local.y / plank_width - plank;
                if !(0.015..=0.985).contains(&along) {
                    return to_f32(dark) * 0.62;
                }
                let warp = 2.2 * (s.local.x * 5.3 + plank * 1.93).sin()
                    + 0.7 * (s.local.x * 13.1 + plank * 0.7).sin();
                let grain = 0.5 + 0.5 * (s.local.y * 150.0 + warp).sin();
                let tone = 0.92 + 0.08 * (plank * 2.71).sin();
                to_f32(dark).lerp(to_f32(light), 0.35 + 0.65 * grain) * tone
            }
            Material::Stripes { a, b, period } => {
                let phase = (s.local.x / period).rem_euclid(1.0);
                if phase < 0.5 { to_f32(a) } else { to_f32(b) }
            }
            Material::Tiles { a, b, size } => {
                // The two coordinates across the face.
                let n = s.local_normal;
                let (x, y) = if n.z.abs() > 0.5 {
                    (s.local.x, s.local.y)
                } else if n.y.abs() > 0.5 {
                    (s.local.x, s.local.z)
                } else {
                    (s.local.y, s.local.z)
                };
                let ix = (x / size).floor() as i64;
                let iy = (y / size).floor() as i64;
                let fx = (x / size).rem_euclid(1.0);
                let fy = (y / size).rem_euclid(1.0);
                if fx < 0.02 || fy < 0.02 {
                    to_f32(a) * 0.75
                } else if (ix + iy).rem_euclid(2) == 0 {
                    to_f32(a)
                } else {
                    to_f32(b)
                }
            }
            Material::Carton { body, accent, top } => {
                if s.local_normal.z > 0.5 {
                    return to_f32(top);
                }
                let z = s.local.z / s.half.z;
                // Horizontal coordinate across the face, -1..1.
                let across = if s.local_normal.x.abs() > 0.5 {
                    s.local.y / s.half.y
                } else {
                    s.local.x / s.half.x
                };
                let band = (-0.62..-0.18).contains(&z) || z > 0.86;
                let logo = {
                    let dz = (z - 0.32) / 0.3;
                    across * across + dz * dz < 0.3
                };
                if band || logo {
                    to_f32(accent)
                } else {
                    to_f32(body)
                }
            }
            Material::Cup { outer, contents } => {
                if s.local_normal.z > 0.5 && s.local.x < s.half.x * 0.86 {
                    to_f32(contents)
                } else {
                    to_f32(outer)
                }
            }
        }
    }
}

/// Unit view rays of every pixel (through the pixel centre), computed once per camera.
pub struct RayTable {
    intrinsics: CameraIntrinsics,
    dirs: Vec<Vec3>,
}

impl RayTable {
    /// The rays of `intrinsics`' image.
    pub fn new(intrinsics: &CameraIntrinsics) -> Self {
        let (w, h) = (intrinsics.width as usize, intrinsics.height as usize);
        let mut dirs = Vec::with_capacity(w * h);
        for v in 0..h {
            for u in 0..w {
                let x = (u as f32 + 0.5 - intrinsics.cx) / intrinsics.fx;
                let y = (v as f32 + 0.5 - intrinsics.cy) / intrinsics.fy;
                dirs.push(Vec3::new(x, y, 1.0).normalize());
            }
        }
        Self {
            intrinsics: *intrinsics,
            dirs,
        }
    }

    /// The camera these rays belong to.
    pub fn intrinsics(&self) -> &CameraIntrinsics {
        &self.intrinsics
    }

    /// Conservative pixel rectangle `(u0, u1, v0, v1)` (end exclusive) that contains the
    /// projection of a shape, or `None` when it is entirely off screen or behind. Tighter
    /// than its bounding sphere for boxes (projected corners) and capsules (both ends).
    fn shape_rect(&self, shape: &Shape) -> Option<(usize, usize, usize, usize)> {
        match *shape {
            Shape::Cuboid {
                center,
                rotation,
                half,
            } => {
                let corners = super::object_box::box_points(half);
                let corners = corners[..8].iter().map(|c| center + rotation * *c);
                self.hull_rect(corners)
                    .unwrap_or_else(|| self.screen_rect(center, half.length()))
            }
            Shape::Capsule { a, b, radius } => {
                let ra = self.screen_rect(a, radius);
                let rb = self.screen_rect(b, radius);
                match (ra, rb) {
                    (Some(ra), Some(rb)) => Some((
                        ra.0.min(rb.0),
                        ra.1.max(rb.1),
                        ra.2.min(rb.2),
                        ra.3.max(rb.3),
                    )),
                    _ => {
                        let (c, r) = shape.bounding_sphere();
                        self.screen_rect(c, r)
                    }
                }
            }
            _ => {
                let (c, r) = shape.bounding_sphere();
                self.screen_rect(c, r)
            }
        }
    }

    /// Pixel rectangle around the projections of points whose convex hull is the shape
    /// (`Some(None)` when off screen), or `None` when any of them is too close to or behind
    /// the camera and this method cannot tell.
    #[allow(clippy::option_option)]
    fn hull_rect(
        &self,
        points: impl Iterator<Item = Vec3>,
    ) -> Option<Option<(usize, usize, usize, usize)>> {
        let k = &self.intrinsics;
        let (mut u_min, mut u_max) = (f32::INFINITY, f32::NEG_INFINITY);
        let (mut v_min, mut v_max) = (f32::INFINITY, f32::NEG_INFINITY);
        for p in points {
            if p.z <= 0.02 {
                return None;
            }
            let (u, v) = (k.fx * p.x / p.z + k.cx, k.fy * p.y / p.z + k.cy);
            u_min = u_min.min(u);
            u_max = u_max.max(u);
            v_min = v_min.min(v);
            v_max = v_max.max(v);
        }
        Some(self.clamp_rect(u_min, u_max, v_min, v_max))
    }

    fn clamp_rect(
        &self,
        u_min: f32,
        u_max: f32,
        v_min: f32,
        v_max: f32,
    ) -> Option<(usize, usize, usize, usize)> {
        let (w, h) = (
            self.intrinsics.width as usize,
            self.intrinsics.height as usize,
        );
        let clamp = |x: f32, n: usize| (x.max(0.0) as usize).min(n);
        let rect = (
            clamp(u_min.floor() - 1.0, w),
            clamp(u_max.ceil() + 1.0, w),
            clamp(v_min.floor() - 1.0, h),
            clamp(v_max.ceil() + 1.0, h),
        );
        (rect.0 < rect.1 && rect.2 < rect.3).then_some(rect)
    }

    /// Conservative pixel rectangle `(u0, u1, v0, v1)` (end exclusive) that contains the
    /// projection of a sphere, or `None` when it is entirely off screen or behind.
    fn screen_rect(&self, center: Vec3, radius: f32) -> Option<(usize, usize, usize, usize)> {
        let k = &self.intrinsics;
        let (w, h) = (k.width as usize, k.height as usize);
        if center.z + radius <= NEAR {
            return None;
        }
        if center.z - radius <= 0.02 {
            return Some((0, w, 0, h));
        }
        let (z_near, z_far) = (center.z - radius, center.z + radius);
        let bound = |c: f32, f: f32, p: f32| {
            let lo = c - radius;
            let hi = c + radius;
            let min = (lo / z_near).min(lo / z_far);
            let max = (hi / z_near).max(hi / z_far);
            (f * min + p, f * max + p)
        };
        let (u_min, u_max) = bound(center.x, k.fx, k.cx);
        let (v_min, v_max) = bound(center.y, k.fy, k.cy);
        self.clamp_rect(u_min, u_max, v_min, v_max)
    }
}

/// What the renderer needs besides the primitives.
pub struct RenderSettings<'a> {
    /// View rays of the camera.
    pub rays: &'a RayTable,
    /// Unit vector towards the light, camera frame.
    pub light: Vec3,
    /// Camera to world, to look up the shadow map.
    pub camera_to_world: Affine3A,
    /// Cast shadows on receiving surfaces, if any.
    pub shadow: Option<&'a ShadowMap>,
    /// Worker threads (at least one is used).
    pub threads: usize,
}

/// One rendered frame.
pub struct Rendered {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Row-major RGB8.
    pub rgb: Vec<u8>,
    /// Row-major depth (camera-frame z) in millimetres, 0 where nothing was measured.
    pub depth_mm: Vec<u16>,
    /// Row-major [`Segment`] ids. Not written to disk; tests use it to check what each
    /// pixel shows.
    #[cfg_attr(not(test), allow(dead_code))]
    pub segment: Vec<u8>,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Rendered {
    /// The segment at a pixel.
    pub fn segment_at(&self, u: usize, v: usize) -> u8 {
        self.segment[v * self.width + u]
    }
}

/// Renders camera-frame primitives.
pub fn render(primitives: &[Primitive], settings: &RenderSettings) -> Rendered {
    let k = settings.rays.intrinsics();
    let (width, height) = (k.width as usize, k.height as usize);
    let rects: Vec<_> = primitives
        .iter()
        .map(|p| settings.rays.shape_rect(&p.shape))
        .collect();

    let mut rgb = vec![0u8; width * height * 3];
    let mut depth_mm = vec![0u16; width * height];
    let mut segment = vec![Segment::Empty as u8; width * height];

    let threads = settings.threads.max(1);
    let mut work: Vec<Vec<Band>> = (0..threads).map(|_| Vec::new()).collect();
    let bands = rgb
        .chunks_mut(width * 3 * BAND_ROWS)
        .zip(depth_mm.chunks_mut(width * BAND_ROWS))
        .zip(segment.chunks_mut(width * BAND_ROWS))
        .enumerate();
    for (index, ((rgb, depth), segment)) in bands {
        work[index % threads].push(Band {
            first_row: index * BAND_ROWS,
            rgb,
            depth,
            segment,
        });
    }
    let job = |bands: Vec<Band>| {
        for band in bands {
            render_band(band, primitives, &rects, settings, width);
        }
    };
    std::thread::scope(|scope| {
        let mut work = work.into_iter();
        let mine = work.next();
        for bands in work {
            scope.spawn(move || job(bands));
        }
        if let Some(bands) = mine {
            job(bands);
        }
    });
    Rendered {
        width,
        height,
        rgb,
        depth_mm,
        segment,
    }
}

struct Band<'a> {
    first_row: usize,
    rgb: &'a mut [u8],
    depth: &'a mut [u16],
    segment: &'a mut [u8],
}

fn render_band(
    band: Band,
    primitives: &[Primitive],
    rects: &[Option<(usize, usize, usize, usize)>],
    settings: &RenderSettings,
    width: usize,
) {
    let rows = band.depth.len() / width;
    let (v_start, v_end) = (band.first_row, band.first_row + rows);
    let mut nearest = vec![f32::INFINITY; rows * width];
    let mut winner = vec![u32::MAX; rows * width];
    let dirs = &settings.rays.dirs;
    for (index, (primitive, rect)) in primitives.iter().zip(rects).enumerate() {
        let Some((u0, u1, v0, v1)) = *rect else {
            continue;
        };
        for v in v0.max(v_start)..v1.min(v_end) {
            let row = (v - v_start) * width;
            for u in u0..u1 {
                let dir = dirs[v * width + u];
                if let Some(t) = primitive.shape.intersect(Vec3::ZERO, dir)
                    && t < nearest[row + u]
                {
                    nearest[row + u] = t;
                    winner[row + u] = index as u32;
                }
            }
        }
    }
    for i in 0..rows * width {
        let Some(primitive) = primitives.get(winner[i] as usize) else {
            continue;
        };
        let dir = dirs[v_start * width + i];
        let t = nearest[i];
        let p = dir * t;
        let surface = primitive.shape.surface(p);
        let mut lambert = surface.normal.dot(settings.light).max(0.0);
        if primitive.receives_shadow
            && let Some(shadow) = settings.shadow
        {
            lambert *= shadow.visibility(settings.camera_to_world.transform_point3(p));
        }
        let colour = primitive.material.albedo(&surface) * (AMBIENT + DIFFUSE * lambert);
        for (channel, value) in colour.to_array().into_iter().enumerate() {
            band.rgb[i * 3 + channel] = value.round().clamp(0.0, 255.0) as u8;
        }
        band.depth[i] = match primitive.material {
            Material::NoDepth(_) => 0,
            _ => (p.z * 1000.0).round().clamp(1.0, u16::MAX as f32) as u16,
        };
        band.segment[i] = primitive.segment as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: Vec3) -> Vec3 {
        v.normalize()
    }

    #[test]
    fn sphere_hit_distance() {
        let s = Shape::Sphere {
            center: Vec3::new(0.0, 0.0, 1.0),
            radius: 0.25,
        };
        let t = s.intersect(Vec3::ZERO, Vec3::Z).unwrap();
        assert!((t - 0.75).abs() < 1e-6);
        assert_eq!(
            s.intersect(Vec3::ZERO, unit(Vec3::new(1.0, 0.0, 1.0))),
            None
        );
    }

    #[test]
    fn capsule_side_and_cap_hits() {
        let c = Shape::Capsule {
            a: Vec3::new(-0.5, 0.0, 1.0),
            b: Vec3::new(0.5, 0.0, 1.0),
            radius: 0.1,
        };
        let t = c.intersect(Vec3::ZERO, Vec3::Z).unwrap();
        assert!((t - 0.9).abs() < 1e-5, "{t}");
        // Along the axis from the side: hits the end sphere.
        let t = c
            .intersect(Vec3::new(-2.0, 0.0, 1.0), Vec3::X)
            .expect("end cap");
        assert!((t - 1.4).abs() < 1e-5, "{t}");
        // Past the end.
        assert_eq!(
            c.intersect(Vec3::ZERO, unit(Vec3::new(0.7, 0.0, 1.0))),
            None
        );
    }

    #[test]
    fn cuboid_hit_and_normal() {
        let b = Shape::Cuboid {
            center: Vec3::new(0.0, 0.0, 2.0),
            rotation: Mat3::from_rotation_y(0.3),
            half: Vec3::new(0.2, 0.3, 0.4),
        };
        let t = b.intersect(Vec3::ZERO, Vec3::Z).unwrap();
        let p = Vec3::Z * t;
        let s = b.surface(p);
        assert!(s.normal.z < -0.9, "{:?}", s.normal);
        assert!((s.local.z.abs() - 0.4).abs() < 1e-4);
        assert_eq!(b.intersect(Vec3::ZERO, Vec3::X), None);
    }

    #[test]
    fn cylinder_side_and_cap() {
        let c = Shape::Cylinder {
            base: Vec3::new(0.0, 0.0, 1.0),
            axis: Vec3::Y,
            height: 0.5,
            radius: 0.1,
        };
        // Through the side.
        let t = c
            .intersect(Vec3::new(0.0, 0.25, 0.0), Vec3::Z)
            .expect("side");
        assert!((t - 0.9).abs() < 1e-5, "{t}");
        // From above into the top cap.
        let t = c
            .intersect(Vec3::new(0.0, 2.0, 1.0), -Vec3::Y)
            .expect("cap");
        assert!((t - 1.5).abs() < 1e-5, "{t}");
        let s = c.surface(Vec3::new(0.0, 0.5, 1.0));
        assert!(s.local_normal.z > 0.5);
    }

    #[test]
    fn screen_rect_contains_the_projection() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let rays = RayTable::new(&k);
        let center = Vec3::new(0.1, -0.05, 0.6);
        let (u0, u1, v0, v1) = rays.screen_rect(center, 0.02).unwrap();
        for p in [
            center + Vec3::X * 0.02,
            center - Vec3::X * 0.02,
            center + Vec3::Y * 0.02,
            center - Vec3::Y * 0.02,
        ] {
            let px = k.project(p).unwrap();
            assert!(px.x >= u0 as f32 && px.x <= u1 as f32);
            assert!(px.y >= v0 as f32 && px.y <= v1 as f32);
        }
        assert_eq!(rays.screen_rect(Vec3::new(0.0, 0.0, -1.0), 0.1), None);
    }

    #[test]
    fn shape_rects_contain_the_rendered_pixels() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(320, 180);
        let rays = RayTable::new(&k);
        let shapes = [
            Shape::Cuboid {
                center: Vec3::new(0.1, 0.05, 0.8),
                rotation: Mat3::from_rotation_y(0.4) * Mat3::from_rotation_x(0.3),
                half: Vec3::new(0.1, 0.05, 0.2),
            },
            Shape::Capsule {
                a: Vec3::new(-0.2, 0.1, 0.5),
                b: Vec3::new(0.3, -0.1, 0.9),
                radius: 0.03,
            },
        ];
        for shape in shapes {
            let (u0, u1, v0, v1) = rays.shape_rect(&shape).unwrap();
            for v in 0..180 {
                for u in 0..320 {
                    if shape
                        .intersect(Vec3::ZERO, rays.dirs[v * 320 + u])
                        .is_some()
                    {
                        assert!((u0..u1).contains(&u) && (v0..v1).contains(&v), "{shape:?}");
                    }
                }
            }
            assert!(
                (u1 - u0) * (v1 - v0) < 320 * 180 / 2,
                "{shape:?}: rect too loose"
            );
        }
    }

    #[test]
    fn renders_nearest_surface_with_depth_and_segment() {
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(160, 90);
        let rays = RayTable::new(&k);
        let wall = Primitive {
            shape: Shape::Cuboid {
                center: Vec3::new(0.0, 0.0, 2.05),
                rotation: Mat3::IDENTITY,
                half: Vec3::new(5.0, 5.0, 0.05),
            },
            material: Material::Solid([200, 200, 200]),
            segment: Segment::Background,
            receives_shadow: false,
        };
        let ball = Primitive {
            shape: Shape::Sphere {
                center: Vec3::new(0.0, 0.0, 0.5),
                radius: 0.05,
            },
            material: Material::Solid([230, 170, 140]),
            segment: Segment::RightHand,
            receives_shadow: false,
        };
        let settings = RenderSettings {
            rays: &rays,
            light: Vec3::new(0.0, -0.6, -0.8),
            camera_to_world: Affine3A::IDENTITY,
            shadow: None,
            threads: 2,
        };
        let out = render(&[wall, ball], &settings);
        let (u, v) = (k.cx as usize, k.cy as usize);
        assert_eq!(out.segment_at(u, v), Segment::RightHand as u8);
        let d = out.depth_mm[v * out.width + u];
        assert!((449..=451).contains(&d), "{d}");
        assert_eq!(out.segment_at(2, 2), Segment::Background as u8);
        assert_eq!(out.depth_mm[2 * out.width + 2], 2000);
        // Same picture with one thread.
        let single = render(
            &[wall, ball],
            &RenderSettings {
                threads: 1,
                ..settings
            },
        );
        assert_eq!(single.rgb, out.rgb);
        assert_eq!(single.depth_mm, out.depth_mm);
    }
}
