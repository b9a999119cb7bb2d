//! Cast shadows of the hands and objects on the table, as a small grid over the table
//! plane: each cell is lit or not depending on whether a ray from it towards the light
//! hits an occluder. Lookups interpolate bilinearly, which softens the edges.

use glam::{Vec2, Vec3};

use super::raster::Primitive;

/// Lit/shadowed grid over a horizontal plane (world frame, z up).
pub struct ShadowMap {
    origin: Vec2,
    cell: f32,
    nx: usize,
    ny: usize,
    lit: Vec<f32>,
}

impl ShadowMap {
    /// Shadows on the plane `z = plane_z` inside the rectangle `min`-`max` (world x, y),
    /// cast by `occluders` (world frame) under a light in direction `light` (unit, world,
    /// pointing towards the light).
    pub fn build(
        occluders: &[Primitive],
        light: Vec3,
        plane_z: f32,
        min: Vec2,
        max: Vec2,
        cell: f32,
    ) -> Self {
        let nx = ((max.x - min.x) / cell).ceil().max(1.0) as usize;
        let ny = ((max.y - min.y) / cell).ceil().max(1.0) as usize;
        let mut lit = vec![1.0f32; nx * ny];
        let lz = light.z.max(0.05);
        for occluder in occluders {
            let (center, radius) = occluder.shape.bounding_sphere();
            let height = center.z - plane_z;
            if height + radius <= 0.0 {
                continue;
            }
            // Where the bounding sphere's shadow falls on the plane, conservatively.
            let foot = center - light * (height / lz);
            let reach = radius / lz;
            let to_cell =
                |x: f32, lo: f32, n: usize| ((x - lo) / cell).clamp(0.0, n as f32) as usize;
            let (x0, x1) = (
                to_cell(foot.x - reach, min.x, nx),
                to_cell(foot.x + reach + cell, min.x, nx),
            );
            let (y0, y1) = (
                to_cell(foot.y - reach, min.y, ny),
                to_cell(foot.y + reach + cell, min.y, ny),
            );
            for iy in y0..y1 {
                for ix in x0..x1 {
                    let index = iy * nx + ix;
                    if lit[index] == 0.0 {
                        continue;
                    }
                    let p = Vec3::new(
                        min.x + (ix as f32 + 0.5) * cell,
                        min.y + (iy as f32 + 0.5) * cell,
                        plane_z,
                    );
                    if occluder.shape.intersect(p, light).is_some() {
                        lit[index] = 0.0;
                    }
                }
            }
        }
        Self {
            origin: min,
            cell,
            nx,
            ny,
            lit,
        }
    }

    /// How lit a world point on the plane is: 1 fully lit, 0 in shadow; points outside the
    /// grid are lit.
    pub fn visibility(&self, point: Vec3) -> f32 {
        let gx = (point.x - self.origin.x) / self.cell - 0.5;
        let gy = (point.y - self.origin.y) / self.cell - 0.5;
        if !(gx >= 0.0 && gy >= 0.0) {
            return 1.0;
        }
        let (ix, iy) = (gx as usize, gy as usize);
        if ix + 1 >= self.nx || iy + 1 >= self.ny {
            return 1.0;
        }
        let (fx, fy) = (gx - ix as f32, gy - iy as f32);
        let at = |x: usize, y: usize| self.lit[y * self.nx + x];
        let top = at(ix, iy) * (1.0 - fx) + at(ix + 1, iy) * fx;
        let bottom = at(ix, iy + 1) * (1.0 - fx) + at(ix + 1, iy + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::raster::{Material, Segment, Shape};

    #[test]
    fn a_ball_shadows_the_plane_below_it() {
        let ball = Primitive {
            shape: Shape::Sphere {
                center: Vec3::new(0.0, 0.0, 0.2),
                radius: 0.05,
            },
            material: Material::Solid([0, 0, 0]),
            segment: Segment::Object,
            receives_shadow: false,
        };
        let map = ShadowMap::build(
            &[ball],
            Vec3::Z,
            0.0,
            Vec2::splat(-0.5),
            Vec2::splat(0.5),
            0.005,
        );
        assert_eq!(map.visibility(Vec3::new(0.0, 0.0, 0.0)), 0.0);
        assert_eq!(map.visibility(Vec3::new(0.2, 0.0, 0.0)), 1.0);
        assert_eq!(map.visibility(Vec3::new(3.0, 0.0, 0.0)), 1.0);
    }
}
