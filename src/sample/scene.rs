//! The primitives of a frame: a room with shelves and clutter, a wooden table with a
//! tray and a cup, the annotated object, and the two hands with their forearms. Built in
//! the world frame (x right, y forward, z up, table top at z = 0) and moved into the
//! camera frame for rendering.

use glam::{Affine3A, Mat3, Vec2, Vec3};

use super::choreography::{
    CUP_HEIGHT, CUP_RADIUS, FrameState, ObjectKind, TABLE_TOP, TRAY_THICKNESS, TakeScript,
};
use super::hand_model::{
    HandPose, JOINT_RADII, PALM_CENTER, PALM_HALF, local_joints, palm_capsules,
};
use super::raster::{self, Material, Primitive, RayTable, Rendered, Rgb, Segment, Shape};
use super::rng::SplitMix64;
use super::shadow::ShadowMap;
use crate::geometry::{Hand, SKELETON_BONES};

/// Skin albedo of the left and right hand (sRGB-ish, before shading).
pub const SKIN: [Rgb; 2] = [[205, 148, 112], [232, 180, 150]];
/// Sleeve colour of both forearms.
pub const SLEEVE: Rgb = [52, 70, 112];

/// Towards the light (world): from above, a little from the front left.
fn light_world() -> Vec3 {
    Vec3::new(-0.28, -0.22, 1.0).normalize()
}

fn solid(shape: Shape, colour: Rgb, segment: Segment) -> Primitive {
    Primitive {
        shape,
        material: Material::Solid(colour),
        segment,
        receives_shadow: false,
    }
}

fn cuboid(center: Vec3, half: Vec3) -> Shape {
    Shape::Cuboid {
        center,
        rotation: Mat3::IDENTITY,
        half,
    }
}

/// Everything that stays put during a take (world frame).
pub fn static_primitives(script: &TakeScript) -> Vec<Primitive> {
    let mut rng = SplitMix64::new(script.seed ^ 0xC1u64);
    let mut out = Vec::new();
    let bg = Segment::Background;

    // Table: top face at TABLE_TOP.
    out.push(Primitive {
        shape: cuboid(
            Vec3::new(0.0, 0.35, TABLE_TOP - 0.02),
            Vec3::new(0.85, 0.50, 0.02),
        ),
        material: Material::Wood {
            light: [200, 150, 90],
            dark: [139, 94, 57],
        },
        segment: Segment::Table,
        receives_shadow: true,
    });
    // Floor, back wall, counter, shelf, fridge.
    out.push(Primitive {
        shape: cuboid(Vec3::new(0.0, 1.5, -0.78), Vec3::new(5.0, 5.0, 0.02)),
        material: Material::Tiles {
            a: [150, 150, 146],
            b: [121, 123, 127],
            size: 0.4,
        },
        segment: bg,
        receives_shadow: false,
    });
    out.push(Primitive {
        shape: cuboid(Vec3::new(0.0, 2.45, 0.6), Vec3::new(5.0, 0.05, 1.5)),
        material: Material::Stripes {
            a: [216, 208, 184],
            b: [199, 191, 166],
            period: 0.16,
        },
        segment: bg,
        receives_shadow: false,
    });
    out.push(Primitive {
        shape: cuboid(Vec3::new(-0.35, 2.15, -0.35), Vec3::new(1.05, 0.25, 0.41)),
        material: Material::Tiles {
            a: [226, 226, 221],
            b: [214, 216, 212],
            size: 0.42,
        },
        segment: bg,
        receives_shadow: false,
    });
    out.push(solid(
        cuboid(Vec3::new(-0.35, 2.14, 0.075), Vec3::new(1.07, 0.27, 0.015)),
        [84, 70, 72],
        bg,
    ));
    out.push(solid(
        cuboid(Vec3::new(-0.30, 2.28, 0.44), Vec3::new(0.95, 0.12, 0.012)),
        [110, 80, 50],
        bg,
    ));
    out.push(solid(
        cuboid(Vec3::new(1.55, 2.05, 0.15), Vec3::new(0.32, 0.32, 0.93)),
        [232, 233, 236],
        bg,
    ));
    // A dark window the depth sensor cannot see through: depth 0.
    out.push(Primitive {
        shape: cuboid(Vec3::new(0.85, 2.395, 0.45), Vec3::new(0.34, 0.01, 0.32)),
        material: Material::NoDepth([26, 32, 46]),
        segment: bg,
        receives_shadow: false,
    });
    for (center, half) in [
        (Vec3::new(0.85, 2.385, 0.13), Vec3::new(0.37, 0.02, 0.025)),
        (Vec3::new(0.85, 2.385, 0.77), Vec3::new(0.37, 0.02, 0.025)),
        (Vec3::new(0.49, 2.385, 0.45), Vec3::new(0.025, 0.02, 0.34)),
        (Vec3::new(1.21, 2.385, 0.45), Vec3::new(0.025, 0.02, 0.34)),
        (Vec3::new(0.85, 2.385, 0.45), Vec3::new(0.012, 0.015, 0.32)),
    ] {
        out.push(solid(cuboid(center, half), [240, 240, 240], bg));
    }
    // Clutter on the counter and on the shelf.
    const CLUTTER: [Rgb; 8] = [
        [196, 52, 48],
        [52, 108, 196],
        [62, 158, 84],
        [228, 198, 62],
        [136, 78, 168],
        [238, 136, 42],
        [60, 170, 170],
        [235, 235, 235],
    ];
    for (surface_z, y, x_range, count) in [
        (0.09, 2.12, (-1.3, 0.55), 9),
        (0.452, 2.28, (-1.15, 0.55), 8),
    ] {
        let mut x = x_range.0;
        for _ in 0..count {
            let w = rng.range(0.05, 0.16);
            let d = rng.range(0.05, 0.12);
            let h = rng.range(0.08, 0.30);
            x += w * 0.5 + rng.range(0.02, 0.12);
            if x + w * 0.5 > x_range.1 {
                break;
            }
            let colour = CLUTTER[rng.index(CLUTTER.len())];
            let accent = CLUTTER[rng.index(CLUTTER.len())];
            let y = y + rng.range(-0.05, 0.05);
            if rng.next_f32() < 0.35 {
                out.push(Primitive {
                    shape: Shape::Cylinder {
                        base: Vec3::new(x, y, surface_z),
                        axis: Vec3::Z,
                        height: h,
                        radius: w * 0.4,
                    },
                    material: Material::Cup {
                        outer: colour,
                        contents: accent,
                    },
                    segment: bg,
                    receives_shadow: false,
                });
            } else {
                out.push(Primitive {
                    shape: Shape::Cuboid {
                        center: Vec3::new(x, y, surface_z + h * 0.5),
                        rotation: Mat3::from_rotation_z(rng.range(-0.3, 0.3)),
                        half: Vec3::new(w, d, h) * 0.5,
                    },
                    material: Material::Carton {
                        body: colour,
                        accent,
                        top: colour,
                    },
                    segment: bg,
                    receives_shadow: false,
                });
            }
            x += w * 0.5;
        }
    }

    // On the table: the tray the left hand steadies, the cup, a book.
    out.push(Primitive {
        shape: cuboid(
            Vec3::new(
                script.cup.x - 0.03,
                script.cup.y - 0.02,
                TABLE_TOP + TRAY_THICKNESS * 0.5,
            ),
            Vec3::new(0.11, 0.095, TRAY_THICKNESS * 0.5),
        ),
        material: Material::Solid([72, 94, 116]),
        segment: Segment::Prop,
        receives_shadow: true,
    });
    out.extend(occluding_props(script));
    out
}

/// Props that cast shadows on the table (world frame).
fn occluding_props(script: &TakeScript) -> Vec<Primitive> {
    vec![
        Primitive {
            shape: Shape::Cylinder {
                base: script.cup,
                axis: Vec3::Z,
                height: CUP_HEIGHT,
                radius: CUP_RADIUS,
            },
            material: Material::Cup {
                outer: [188, 52, 46],
                contents: [236, 232, 220],
            },
            segment: Segment::Prop,
            receives_shadow: false,
        },
        Primitive {
            shape: Shape::Cuboid {
                center: Vec3::new(0.36, 0.70, TABLE_TOP + 0.016),
                rotation: Mat3::from_rotation_z(0.35),
                half: Vec3::new(0.085, 0.12, 0.016),
            },
            material: Material::Carton {
                body: [44, 82, 128],
                accent: [230, 224, 210],
                top: [44, 82, 128],
            },
            segment: Segment::Prop,
            receives_shadow: false,
        },
    ]
}

/// The object's look.
pub fn object_material(kind: ObjectKind) -> Material {
    match kind {
        ObjectKind::Milk => Material::Carton {
            body: [240, 240, 236],
            accent: [40, 95, 185],
            top: [226, 229, 233],
        },
        ObjectKind::Cappuccino => Material::Carton {
            body: [150, 42, 48],
            accent: [238, 226, 200],
            top: [150, 42, 48],
        },
        ObjectKind::Espresso => Material::Carton {
            body: [48, 46, 52],
            accent: [222, 196, 70],
            top: [48, 46, 52],
        },
    }
}

/// The object box (world frame).
pub fn object_primitive(script: &TakeScript, state: &FrameState) -> Primitive {
    Primitive {
        shape: Shape::Cuboid {
            center: Vec3::ZERO,
            rotation: Mat3::IDENTITY,
            half: script.object.half_extents(),
        }
        .transformed(&state.object_to_world),
        material: object_material(script.object),
        segment: Segment::Object,
        receives_shadow: false,
    }
}

/// Spheres at the joints, capsules along the bones, a rounded palm slab and the forearm
/// with its sleeve (frame of `pose`).
pub fn hand_primitives(hand: Hand, pose: &HandPose, elbow: Vec3, out: &mut Vec<Primitive>) {
    let skin = SKIN[hand.index()];
    let segment = match hand {
        Hand::Left => Segment::LeftHand,
        Hand::Right => Segment::RightHand,
    };
    let local = local_joints(&pose.flex, pose.spread, pose.knuckle);
    let joints = local.map(|p| pose.place(hand, p));
    for (joint, radius) in joints.iter().zip(JOINT_RADII) {
        out.push(solid(
            Shape::Sphere {
                center: *joint,
                radius,
            },
            skin,
            segment,
        ));
    }
    for (a, b) in SKELETON_BONES {
        if a == 0 && b != 1 {
            continue; // the palm covers wrist-to-knuckle bones
        }
        let radius = JOINT_RADII[a].min(JOINT_RADII[b]) * 0.93;
        out.push(solid(
            Shape::Capsule {
                a: joints[a],
                b: joints[b],
                radius,
            },
            skin,
            segment,
        ));
    }
    out.push(solid(
        Shape::Cuboid {
            center: pose.place(hand, PALM_CENTER),
            rotation: Mat3::from_quat(pose.orientation),
            half: PALM_HALF,
        },
        skin,
        segment,
    ));
    for (a, b, radius) in palm_capsules(&local) {
        out.push(solid(
            Shape::Capsule {
                a: pose.place(hand, a),
                b: pose.place(hand, b),
                radius,
            },
            skin,
            segment,
        ));
    }
    let wrist = joints[0];
    let towards_elbow = (elbow - wrist).normalize_or(-pose.forward());
    out.push(solid(
        Shape::Capsule {
            a: wrist,
            b: wrist + towards_elbow * 0.16,
            radius: JOINT_RADII[0],
        },
        skin,
        segment,
    ));
    out.push(solid(
        Shape::Capsule {
            a: wrist + towards_elbow * 0.15,
            b: wrist + towards_elbow * (elbow - wrist).length().max(0.40),
            radius: 0.031,
        },
        SLEEVE,
        segment,
    ));
}

/// Per-take rendering context: rays and the static part of the scene.
pub struct SceneRenderer {
    rays: RayTable,
    static_world: Vec<Primitive>,
    occluding_props: Vec<Primitive>,
    threads: usize,
}

impl SceneRenderer {
    /// Prepares to render frames of `script` with the camera `rays`.
    pub fn new(script: &TakeScript, rays: RayTable, threads: usize) -> Self {
        Self {
            rays,
            static_world: static_primitives(script),
            occluding_props: occluding_props(script),
            threads,
        }
    }

    /// Renders one frame.
    pub fn render(&self, script: &TakeScript, state: &FrameState) -> Rendered {
        let mut dynamic = vec![object_primitive(script, state)];
        hand_primitives(Hand::Right, &state.right, state.elbows[1], &mut dynamic);
        if let Some(left) = &state.left {
            hand_primitives(Hand::Left, left, state.elbows[0], &mut dynamic);
        }
        let mut occluders = dynamic.clone();
        occluders.extend_from_slice(&self.occluding_props);
        let shadow = ShadowMap::build(
            &occluders,
            light_world(),
            TABLE_TOP,
            Vec2::new(-0.85, -0.15),
            Vec2::new(0.85, 0.85),
            0.004,
        );
        let world_to_camera = state.camera_to_world.inverse();
        let primitives: Vec<Primitive> = self
            .static_world
            .iter()
            .chain(&dynamic)
            .map(|p| Primitive {
                shape: p.shape.transformed(&world_to_camera),
                ..*p
            })
            .collect();
        raster::render(
            &primitives,
            &raster::RenderSettings {
                rays: &self.rays,
                light: world_to_camera.transform_vector3(light_world()),
                camera_to_world: state.camera_to_world,
                shadow: Some(&shadow),
                threads: self.threads,
            },
        )
    }
}

/// Transforms an affine map to a row-major 4x4 matrix.
pub fn row_major(transform: &Affine3A) -> [f32; 16] {
    glam::Mat4::from(*transform).transpose().to_cols_array()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::choreography::frame_state;

    #[test]
    fn row_major_puts_the_translation_in_the_last_column() {
        let t = Affine3A::from_translation(Vec3::new(1.0, 2.0, 3.0));
        let m = row_major(&t);
        assert_eq!([m[3], m[7], m[11], m[15]], [1.0, 2.0, 3.0, 1.0]);
    }

    #[test]
    fn joints_land_on_their_hand_and_the_absent_left_hand_is_not_drawn() {
        let script = TakeScript::for_take(0);
        let k = crate::geometry::CameraIntrinsics::H2O_CAM4_DEFAULT;
        let renderer = SceneRenderer::new(&script, RayTable::new(&k), 2);
        for frame in [0, 40] {
            let state = frame_state(&script, frame, 90);
            let image = renderer.render(&script, &state);
            let count = |segment: Segment| {
                image
                    .segment
                    .iter()
                    .filter(|&&s| s == segment as u8)
                    .count()
            };
            assert_eq!(count(Segment::Empty), 0, "the room encloses the view");
            assert!(count(Segment::Object) > 500);
            assert!(count(Segment::Table) > 100_000);
            assert_eq!(state.left.is_none(), count(Segment::LeftHand) == 0);
            let to_camera = state.camera_to_world.inverse();
            let hands = [(Hand::Left, state.left), (Hand::Right, Some(state.right))];
            let mut on_hand = 0;
            let mut total = 0;
            for (hand, pose) in hands {
                let Some(pose) = pose else { continue };
                let segment = match hand {
                    Hand::Left => Segment::LeftHand,
                    Hand::Right => Segment::RightHand,
                };
                for joint in pose.joints(hand) {
                    let px = k.project(to_camera.transform_point3(joint)).unwrap();
                    total += 1;
                    if image.segment_at(px.x as usize, px.y as usize) == segment as u8 {
                        on_hand += 1;
                    }
                }
            }
            assert!(
                on_hand * 100 >= total * 95,
                "frame {frame}: {on_hand}/{total}"
            );
        }
    }

    #[test]
    fn hands_are_made_of_many_skin_primitives() {
        let script = TakeScript::for_take(0);
        let state = frame_state(&script, 50, 90);
        let mut out = Vec::new();
        hand_primitives(Hand::Right, &state.right, state.elbows[1], &mut out);
        assert!(out.len() > 40);
        assert!(out.iter().all(|p| p.segment == Segment::RightHand));
    }
}

#[cfg(test)]
mod preview {
    use super::*;
    use crate::geometry::CameraIntrinsics;
    use crate::sample::choreography::frame_state;

    fn colour_map(depth: &[u16]) -> Vec<u8> {
        depth
            .iter()
            .flat_map(|&d| {
                if d == 0 {
                    return [255, 0, 255];
                }
                let t = ((d as f32 - 300.0) / 2700.0).clamp(0.0, 1.0);
                let r = (255.0 * (1.0 - t)) as u8;
                let g = (255.0 * (1.0 - (2.0 * t - 1.0).abs())) as u8;
                let b = (255.0 * t) as u8;
                [r, g, b]
            })
            .collect()
    }

    /// Share of annotated joints whose pixel shows a surface within the joint's radius +
    /// 10 mm, per frame; prints the joints that fail.
    /// `SAMPLE_TAKE=0 cargo test --lib sample::scene::preview::visibility -- --ignored`
    #[test]
    #[ignore]
    fn visibility_report() {
        let take: usize = std::env::var("SAMPLE_TAKE")
            .map(|t| t.parse().unwrap())
            .unwrap_or(0);
        let frames = 90;
        let script = TakeScript::for_take(take);
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let renderer = SceneRenderer::new(&script, RayTable::new(&k), 2);
        let (mut good, mut total) = (0, 0);
        for frame in (0..frames).step_by(3) {
            let state = frame_state(&script, frame, frames);
            let image = renderer.render(&script, &state);
            let to_cam = state.camera_to_world.inverse();
            let mut bad = Vec::new();
            for (hand, pose) in [(Hand::Left, state.left), (Hand::Right, Some(state.right))] {
                let Some(pose) = pose else { continue };
                for (j, joint) in pose.joints(hand).iter().enumerate() {
                    let p = to_cam.transform_point3(*joint);
                    let px = k.project(p).unwrap();
                    assert!(
                        px.x >= 0.0 && px.y >= 0.0 && px.x < 1280.0 && px.y < 720.0,
                        "{frame} {hand:?} {j} {px}"
                    );
                    let d = image.depth_mm[px.y as usize * 1280 + px.x as usize] as f32;
                    total += 1;
                    if (d - p.z * 1000.0).abs() <= JOINT_RADII[j] * 1000.0 + 10.0 {
                        good += 1;
                    } else {
                        bad.push(format!("{}{j}:{:.0}", &hand.name()[..1], d - p.z * 1000.0));
                    }
                }
            }
            eprintln!("frame {frame} action {} bad {bad:?}", state.action);
        }
        eprintln!("visible {good}/{total} = {:.3}", good as f32 / total as f32);
    }

    /// `SAMPLE_PREVIEW=take:frame cargo test --lib sample::scene::preview -- --ignored`
    #[test]
    #[ignore]
    fn write_preview() {
        let spec = std::env::var("SAMPLE_PREVIEW").unwrap_or_else(|_| "0:45".into());
        let (take, frame) = spec.split_once(':').unwrap();
        let (take, frame): (usize, usize) = (take.parse().unwrap(), frame.parse().unwrap());
        let script = TakeScript::for_take(take);
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let renderer = SceneRenderer::new(&script, RayTable::new(&k), 2);
        let state = frame_state(&script, frame, 90);
        let start = std::time::Instant::now();
        let image = renderer.render(&script, &state);
        eprintln!("render {:?}", start.elapsed());
        let (w, h) = (image.width as u32, image.height as u32);
        if std::env::var("SAMPLE_MARK").is_ok() {
            let to_cam = state.camera_to_world.inverse();
            let mut rgb = image.rgb.clone();
            for (hand, pose) in [(Hand::Left, state.left), (Hand::Right, Some(state.right))] {
                let Some(pose) = pose else { continue };
                for (j, joint) in pose.joints(hand).iter().enumerate() {
                    let p = to_cam.transform_point3(*joint);
                    let px = k.project(p).unwrap();
                    let (u, v) = (px.x as usize, px.y as usize);
                    let d = image.depth_mm[v * 1280 + u] as f32;
                    let ok = (d - p.z * 1000.0).abs() <= JOINT_RADII[j] * 1000.0 + 10.0;
                    let c = if ok { [0, 255, 0] } else { [255, 0, 0] };
                    for dv in 0..3 {
                        for du in 0..3 {
                            let i = ((v + dv - 1) * 1280 + u + du - 1) * 3;
                            rgb[i..i + 3].copy_from_slice(&c);
                        }
                    }
                }
            }
            image::save_buffer(
                "/tmp/sample_preview_marked.png",
                &rgb,
                w,
                h,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
            if let Ok(crop) = std::env::var("SAMPLE_CROP") {
                let c: Vec<usize> = crop.split(',').map(|x| x.parse().unwrap()).collect();
                let (x0, y0, cw, ch, scale) = (c[0], c[1], c[2], c[3], c[4]);
                let mut out = Vec::new();
                for y in 0..ch * scale {
                    for x in 0..cw * scale {
                        let i = ((y0 + y / scale) * 1280 + x0 + x / scale) * 3;
                        out.extend_from_slice(&rgb[i..i + 3]);
                    }
                }
                image::save_buffer(
                    "/tmp/sample_preview_crop.png",
                    &out,
                    (cw * scale) as u32,
                    (ch * scale) as u32,
                    image::ExtendedColorType::Rgb8,
                )
                .unwrap();
            }
        }
        image::save_buffer(
            "/tmp/sample_preview_rgb.png",
            &image.rgb,
            w,
            h,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
        image::save_buffer(
            "/tmp/sample_preview_depth.png",
            &colour_map(&image.depth_mm),
            w,
            h,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    }
}
