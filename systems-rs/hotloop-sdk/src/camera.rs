//! `Camera2D`: where the draw list's world lies on the screen, and the small geometry types the
//! draw list and the camera share ([`Vector2`], [`Rectangle`]).
//!
//! Why a resource: the host keeps one camera in native memory laid out exactly as raylib's
//! `Camera2D` (six `f32`), hands it to raylib's `BeginMode2D` as it is, and lets systems on both
//! sides move it: `ResMut<Camera2D>` here, `app.resource(Camera2D)` in TypeScript. The App
//! inserts it at the identity (zoom 1), so a game that never touches it draws as without one.

use crate::component::Field;
use crate::res::{Resource, ResourceMut};

/// A point or a direction, as raylib's `Vector2`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Vector2 {
    /// x, growing right.
    pub x: f32,
    /// y, growing down.
    pub y: f32,
}

impl Vector2 {
    /// (0, 0).
    pub const ZERO: Vector2 = Vector2::new(0.0, 0.0);

    /// `Vector2 { x, y }`, usable in a `const`.
    pub const fn new(x: f32, y: f32) -> Vector2 {
        Vector2 { x, y }
    }
}

/// A rectangle, as raylib's `Rectangle`: its top-left corner and its size.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rectangle {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width (a negative width flips a sprite's source horizontally).
    pub width: f32,
    /// Height (a negative height flips a sprite's source vertically).
    pub height: f32,
}

impl Rectangle {
    /// `Rectangle { x, y, width, height }`, usable in a `const` (a sprite sheet's frames).
    pub const fn new(x: f32, y: f32, width: f32, height: f32) -> Rectangle {
        Rectangle {
            x,
            y,
            width,
            height,
        }
    }
}

/// The 2D camera the draw list's records are drawn through (`Res<Camera2D>` to read it,
/// `ResMut<Camera2D>` to move it); records written through [`DrawList::screen`](crate::DrawList::screen)
/// are drawn on the screen as they are (the HUD).
///
/// A world point `p` is drawn at `offset + rotate(rotation) * (zoom * (p - target))`: `target` is
/// the world point the camera looks at, `offset` the screen point where it appears.
///
/// ```
/// use hotloop_sdk::prelude::*;
///
/// fn follow(mut camera: ResMut<Camera2D>, input: Res<Input>) {
///     camera.offset = Vector2::new(400.0, 225.0); // the target at the centre of an 800 x 450 window
///     camera.target.x += input.axis(Key::LEFT, Key::RIGHT) * 4.0;
///     camera.zoom = 2.0;
///     let (mx, my) = input.mouse_position();
///     let _aim = camera.screen_to_world(Vector2::new(mx, my)); // where the mouse points in the world
/// }
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera2D {
    /// The screen point (pixels) where `target` appears.
    pub offset: Vector2,
    /// The world point the camera looks at.
    pub target: Vector2,
    /// Degrees, clockwise on the screen, around the target.
    pub rotation: f32,
    /// Scale: 2.0 draws the world twice as large.
    pub zoom: f32,
}

const _: () = assert!(std::mem::size_of::<Camera2D>() == 24);
const _: () = assert!(std::mem::align_of::<Camera2D>() == 4);
const _: () = assert!(std::mem::offset_of!(Camera2D, target) == 8);
const _: () = assert!(std::mem::offset_of!(Camera2D, rotation) == 16);
const _: () = assert!(std::mem::offset_of!(Camera2D, zoom) == 20);

impl Default for Camera2D {
    /// The identity: zoom 1, everything else 0 (what the host starts with).
    fn default() -> Camera2D {
        Camera2D {
            offset: Vector2::ZERO,
            target: Vector2::ZERO,
            rotation: 0.0,
            zoom: 1.0,
        }
    }
}

impl Camera2D {
    /// Where the world point `world` is drawn on the screen (raylib's `GetWorldToScreen2D`).
    pub fn world_to_screen(&self, world: Vector2) -> Vector2 {
        let (sin, cos) = self.rotation.to_radians().sin_cos();
        let dx = (world.x - self.target.x) * self.zoom;
        let dy = (world.y - self.target.y) * self.zoom;
        Vector2::new(
            cos * dx - sin * dy + self.offset.x,
            sin * dx + cos * dy + self.offset.y,
        )
    }

    /// The world point drawn at the screen point `screen` (raylib's `GetScreenToWorld2D`): where
    /// the mouse points in the world. A zoom of 0 has no inverse: the target is returned.
    pub fn screen_to_world(&self, screen: Vector2) -> Vector2 {
        if self.zoom == 0.0 {
            return self.target;
        }
        let (sin, cos) = self.rotation.to_radians().sin_cos();
        let dx = screen.x - self.offset.x;
        let dy = screen.y - self.offset.y;
        Vector2::new(
            (cos * dx + sin * dy) / self.zoom + self.target.x,
            (-sin * dx + cos * dy) / self.zoom + self.target.y,
        )
    }
}

impl Resource for Camera2D {
    const NAME: &'static str = "Camera2D";
    const LAYOUT_HASH: u64 = crate::layout_hash(Self::NAME, Self::FIELDS);
    /// raylib's struct, its vectors flattened: the layout TypeScript's `CAMERA2D_LAYOUT` hashes.
    const FIELDS: &'static [Field] = &[
        Field {
            name: "offset_x",
            ty: "f32",
        },
        Field {
            name: "offset_y",
            ty: "f32",
        },
        Field {
            name: "target_x",
            ty: "f32",
        },
        Field {
            name: "target_y",
            ty: "f32",
        },
        Field {
            name: "rotation",
            ty: "f32",
        },
        Field {
            name: "zoom",
            ty: "f32",
        },
    ];
}

/// Systems may move the camera: the host only reads it, to draw.
impl ResourceMut for Camera2D {}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Vector2, b: Vector2) -> bool {
        (a.x - b.x).abs() < 1e-3 && (a.y - b.y).abs() < 1e-3
    }

    #[test]
    fn the_default_camera_is_the_identity() {
        let camera = Camera2D::default();
        assert_eq!(camera.zoom, 1.0);
        let p = Vector2::new(12.5, -3.0);
        assert_eq!(camera.world_to_screen(p), p);
        assert_eq!(camera.screen_to_world(p), p);
    }

    #[test]
    fn world_and_screen_points_map_both_ways() {
        let camera = Camera2D {
            offset: Vector2::new(100.0, 50.0),
            target: Vector2::new(10.0, 20.0),
            rotation: 90.0,
            zoom: 2.0,
        };
        // The target is at the offset; one unit right of it is two pixels down (90° clockwise).
        assert!(close(camera.world_to_screen(camera.target), camera.offset));
        assert!(close(
            camera.world_to_screen(Vector2::new(11.0, 20.0)),
            Vector2::new(100.0, 52.0)
        ));
        let p = Vector2::new(-7.0, 33.0);
        assert!(close(camera.screen_to_world(camera.world_to_screen(p)), p));
        let flat = Camera2D {
            zoom: 0.0,
            ..camera
        };
        assert_eq!(flat.screen_to_world(Vector2::ZERO), flat.target);
    }

    #[test]
    fn its_layout_hash_is_the_hosts() {
        // The value TypeScript's CAMERA2D_LAYOUT hashes to (test/render/camera.test.ts).
        assert_eq!(
            crate::layout_hash("Camera2D", Camera2D::FIELDS),
            crate::fnv1a_64(
                "Camera2D{offset_x:f32,offset_y:f32,target_x:f32,target_y:f32,rotation:f32,zoom:f32}"
            )
        );
    }
}
