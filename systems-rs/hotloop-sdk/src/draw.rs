//! `DrawList`: shapes, text and sprites a system emits for the host to draw at the end of Render.
//!
//! Why a list: drawing through raylib one FFI call per shape costs a crossing per shape (100k
//! circles, 100k crossings). A system instead appends fixed-size records to a host-owned list
//! (docs/abi.md, "The draw list"), and the render plugin draws the whole list with one call into
//! its C shim. TypeScript render code appends to the same list, so both sides share one order.

use crate::boundary;
use crate::camera::{Rectangle, Vector2};
use crate::ctx::{host_array, Slots};
use crate::manifest::ParamInfo;
use crate::system::{sealed, SystemParam};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr;

/// The draw list's header, exactly as docs/abi.md lays it out (the host owns it and the memory
/// its pointers name).
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrawListData {
    /// `*mut DrawRecord`: the records.
    pub records: u64,
    /// Records the buffer holds.
    pub capacity: u32,
    /// Records written this frame.
    pub len: u32,
    /// `*mut u8`: the text arena; each string NUL-terminated.
    pub text: u64,
    /// Bytes the arena holds.
    pub text_capacity: u32,
    /// Bytes written this frame.
    pub text_len: u32,
    /// `*const u64`: the loaded textures' name hashes ([`fnv1a_64`](crate::fnv1a_64) of the
    /// name); a texture's index in this table is the index a sprite record names.
    pub textures: u64,
    /// Entries in the texture table.
    pub texture_count: u32,
    /// Entries in the font table.
    pub font_count: u32,
    /// `*const u64`: the loaded fonts' name hashes; a font's index in this table is the index a
    /// font text's extension names.
    pub fonts: u64,
}

const _: () = assert!(std::mem::size_of::<DrawListData>() == 56);
const _: () = assert!(std::mem::align_of::<DrawListData>() == 8);
const _: () = assert!(std::mem::offset_of!(DrawListData, capacity) == 8);
const _: () = assert!(std::mem::offset_of!(DrawListData, len) == 12);
const _: () = assert!(std::mem::offset_of!(DrawListData, text) == 16);
const _: () = assert!(std::mem::offset_of!(DrawListData, text_capacity) == 24);
const _: () = assert!(std::mem::offset_of!(DrawListData, text_len) == 28);
const _: () = assert!(std::mem::offset_of!(DrawListData, textures) == 32);
const _: () = assert!(std::mem::offset_of!(DrawListData, texture_count) == 40);
const _: () = assert!(std::mem::offset_of!(DrawListData, font_count) == 44);
const _: () = assert!(std::mem::offset_of!(DrawListData, fonts) == 48);

/// One shape, as docs/abi.md lays it out: what `a`..`d` mean depends on `kind` (see [`kind`]).
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DrawRecord {
    /// One of [`kind`] in the low byte, with [`flag`]s above it.
    pub kind: u32,
    /// A [`Color`]'s packed value (r in the low byte).
    pub color: u32,
    /// x (the centre, the start or the top-left).
    pub x: f32,
    /// y.
    pub y: f32,
    /// Radius, width, end x, font size or scale.
    pub a: f32,
    /// Height, end y or rotation.
    pub b: f32,
    /// Line thickness or rotation.
    pub c: f32,
    /// A text's byte offset in the arena, or a sprite's texture index.
    pub d: u32,
}

/// The record after a wide one ([`kind::SPRITE_PRO`], [`kind::TEXT_FONT`]): its kind is
/// [`kind::EXTENSION`] (0), so a reader that does not know the wide kind skips it.
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DrawExtension {
    /// [`kind::EXTENSION`].
    pub kind: u32,
    /// A font text's font index; 0 otherwise.
    pub index: u32,
    /// A sprite's source rectangle (x, y, width, height) and origin (x, y); zeros otherwise.
    pub f: [f32; 6],
}

const _: () = assert!(std::mem::size_of::<DrawExtension>() == 32);
const _: () = assert!(std::mem::align_of::<DrawExtension>() == 4);
const _: () = assert!(std::mem::offset_of!(DrawExtension, index) == 4);
const _: () = assert!(std::mem::offset_of!(DrawExtension, f) == 8);

const _: () = assert!(std::mem::size_of::<DrawRecord>() == 32);
const _: () = assert!(std::mem::align_of::<DrawRecord>() == 4);
const _: () = assert!(std::mem::offset_of!(DrawRecord, color) == 4);
const _: () = assert!(std::mem::offset_of!(DrawRecord, x) == 8);
const _: () = assert!(std::mem::offset_of!(DrawRecord, a) == 16);
const _: () = assert!(std::mem::offset_of!(DrawRecord, c) == 24);
const _: () = assert!(std::mem::offset_of!(DrawRecord, d) == 28);

/// The record kinds of docs/abi.md: the low byte of a record's `kind` word.
#[doc(hidden)]
pub mod kind {
    /// The second half of a wide record ([`DrawExtension`](super::DrawExtension)).
    pub const EXTENSION: u32 = 0;
    /// A filled circle: x, y, a = radius.
    pub const CIRCLE: u32 = 1;
    /// A circle outline: x, y, a = radius.
    pub const CIRCLE_LINES: u32 = 2;
    /// A filled rectangle: x, y, a = width, b = height.
    pub const RECT: u32 = 3;
    /// A rectangle outline: x, y, a = width, b = height.
    pub const RECT_LINES: u32 = 4;
    /// A line from (x, y) to (a, b), c = thickness.
    pub const LINE: u32 = 5;
    /// Text at x, y; a = font size, d = the string's offset in the arena.
    pub const TEXT: u32 = 6;
    /// A texture at x, y (top-left); a = scale, b = rotation in degrees, d = texture index.
    pub const SPRITE: u32 = 7;
    /// Wide: a texture's source rectangle (extension f[0..4]) drawn into x, y, a (width), b
    /// (height) with origin f[4..6], c = rotation in degrees, d = texture index.
    pub const SPRITE_PRO: u32 = 8;
    /// Wide: text at x, y in the font of the extension's `index`; a = font size, b = spacing,
    /// d = the string's offset in the arena.
    pub const TEXT_FONT: u32 = 9;
}

/// Flags of a record's `kind` word, above its kind.
#[doc(hidden)]
pub mod flag {
    /// Drawn on the screen as it is, outside the camera (the HUD).
    pub const SCREEN: u32 = 0x100;
}

/// A raylib `Color`, packed as it lies in memory: r in the low byte, then g, b, a.
///
/// Why packed: the record carries it as one `u32`, exactly as TypeScript's `rgba()` packs it,
/// so a color means the same on both sides.
///
/// ```
/// use hotloop_sdk::Color;
/// assert_eq!(Color::rgba(230, 41, 55, 255), Color::RED);
/// assert_eq!(Color::hex(0xE62937FF), Color::RED);
/// assert_eq!(Color::RED.with_alpha(128).components(), [230, 41, 55, 128]);
/// ```
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Color(u32);

impl Color {
    /// A color from 0..=255 components (`a` 255 is opaque).
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Color {
        Color(u32::from_le_bytes([r, g, b, a]))
    }

    /// A color written as `0xRRGGBBAA`, the way a web color reads (`0xE62937FF` is raylib's red).
    pub const fn hex(rrggbbaa: u32) -> Color {
        Color(rrggbbaa.swap_bytes())
    }

    /// The same color with another alpha (0 transparent, 255 opaque).
    pub const fn with_alpha(self, a: u8) -> Color {
        let [r, g, b, _] = self.components();
        Color::rgba(r, g, b, a)
    }

    /// `[r, g, b, a]`.
    pub const fn components(self) -> [u8; 4] {
        self.0.to_le_bytes()
    }

    /// The packed value the draw list stores (equal to TypeScript's `rgba(r, g, b, a)`).
    pub const fn packed(self) -> u32 {
        self.0
    }

    /// raylib's `LIGHTGRAY`.
    pub const LIGHTGRAY: Color = Color::rgba(200, 200, 200, 255);
    /// raylib's `GRAY`.
    pub const GRAY: Color = Color::rgba(130, 130, 130, 255);
    /// raylib's `DARKGRAY`.
    pub const DARKGRAY: Color = Color::rgba(80, 80, 80, 255);
    /// raylib's `YELLOW`.
    pub const YELLOW: Color = Color::rgba(253, 249, 0, 255);
    /// raylib's `GOLD`.
    pub const GOLD: Color = Color::rgba(255, 203, 0, 255);
    /// raylib's `ORANGE`.
    pub const ORANGE: Color = Color::rgba(255, 161, 0, 255);
    /// raylib's `PINK`.
    pub const PINK: Color = Color::rgba(255, 109, 194, 255);
    /// raylib's `RED`.
    pub const RED: Color = Color::rgba(230, 41, 55, 255);
    /// raylib's `MAROON`.
    pub const MAROON: Color = Color::rgba(190, 33, 55, 255);
    /// raylib's `GREEN`.
    pub const GREEN: Color = Color::rgba(0, 228, 48, 255);
    /// raylib's `LIME`.
    pub const LIME: Color = Color::rgba(0, 158, 47, 255);
    /// raylib's `DARKGREEN`.
    pub const DARKGREEN: Color = Color::rgba(0, 117, 44, 255);
    /// raylib's `SKYBLUE`.
    pub const SKYBLUE: Color = Color::rgba(102, 191, 255, 255);
    /// raylib's `BLUE`.
    pub const BLUE: Color = Color::rgba(0, 121, 241, 255);
    /// raylib's `DARKBLUE`.
    pub const DARKBLUE: Color = Color::rgba(0, 82, 172, 255);
    /// raylib's `PURPLE`.
    pub const PURPLE: Color = Color::rgba(200, 122, 255, 255);
    /// raylib's `VIOLET`.
    pub const VIOLET: Color = Color::rgba(135, 60, 190, 255);
    /// raylib's `DARKPURPLE`.
    pub const DARKPURPLE: Color = Color::rgba(112, 31, 126, 255);
    /// raylib's `BEIGE`.
    pub const BEIGE: Color = Color::rgba(211, 176, 131, 255);
    /// raylib's `BROWN`.
    pub const BROWN: Color = Color::rgba(127, 106, 79, 255);
    /// raylib's `DARKBROWN`.
    pub const DARKBROWN: Color = Color::rgba(76, 63, 47, 255);
    /// raylib's `WHITE`.
    pub const WHITE: Color = Color::rgba(255, 255, 255, 255);
    /// raylib's `BLACK`.
    pub const BLACK: Color = Color::rgba(0, 0, 0, 255);
    /// raylib's `BLANK`: transparent black.
    pub const BLANK: Color = Color::rgba(0, 0, 0, 0);
    /// raylib's `MAGENTA`.
    pub const MAGENTA: Color = Color::rgba(255, 0, 255, 255);
    /// raylib's `RAYWHITE`.
    pub const RAYWHITE: Color = Color::rgba(245, 245, 245, 255);
}

/// A texture the host loaded, by name: `const SHIP: Texture = Texture::named("ship");`.
///
/// Why a name: textures are loaded in TypeScript (`loadTexture(app, "ship", path)`), which puts
/// the name's hash in the draw list's texture table; a sprite names the texture by the same
/// name, so nothing about GPU handles crosses into Rust. The hash is computed at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Texture {
    name: &'static str,
    hash: u64,
}

impl Texture {
    /// The texture loaded under `name` in TypeScript.
    pub const fn named(name: &'static str) -> Texture {
        Texture {
            name,
            hash: crate::fnv1a_64(name),
        }
    }

    /// The name it was loaded under.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// [`fnv1a_64`](crate::fnv1a_64) of the name: what the host's texture table holds.
    pub const fn hash(&self) -> u64 {
        self.hash
    }
}

/// A font the host loaded, by name: `const TITLE: Font = Font::named("title");`.
///
/// Why a name, as for [`Texture`]: fonts are loaded in TypeScript
/// (`loadFont(app, "title", "fonts/title.ttf", 32)`), which puts the name's hash in the draw
/// list's font table; a text names the font by the same name. The hash is computed at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Font {
    name: &'static str,
    hash: u64,
}

impl Font {
    /// The font loaded under `name` in TypeScript.
    pub const fn named(name: &'static str) -> Font {
        Font {
            name,
            hash: crate::fnv1a_64(name),
        }
    }

    /// The name it was loaded under.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// [`fnv1a_64`](crate::fnv1a_64) of the name: what the host's font table holds.
    pub const fn hash(&self) -> u64 {
        self.hash
    }
}

/// Shapes, text and sprites to draw this frame: appended now, drawn by the host after the
/// Render schedule in one call (as TypeScript's `drawListOf(app)` draws).
///
/// Use it from a system in `Render` (the list is cleared at the end of every frame, so shapes
/// emitted in an earlier schedule are drawn too, and those emitted in `Last` are not). Records
/// are drawn in the order written, TypeScript's and Rust's interleaved as their systems ran.
///
/// Records are drawn in the world, through the [`Camera2D`](crate::Camera2D) resource; those
/// written through [`screen`](Self::screen) are drawn on the screen as they are (the HUD).
///
/// ```
/// # mod components {
/// #     hotloop_sdk::component!(Position, 0x37ea27f4a9910cc1, { x: f32, y: f32 });
/// # }
/// use components::Position;
/// use hotloop_sdk::prelude::*;
///
/// const SHIP: Texture = Texture::named("ship"); // loadTexture(app, "ship", "ship.png")
/// const HERO: Texture = Texture::named("hero"); // a sprite sheet of 16 x 16 frames
/// const TITLE: Font = Font::named("title"); // loadFont(app, "title", "fonts/title.ttf", 24)
///
/// fn draw_rocks(rocks: Query<Read<Position>>, time: Res<Time>, mut draw: DrawList) {
///     for pos in rocks.iter() {
///         draw.circle(pos.x, pos.y, 12.0, Color::GRAY);
///         draw.circle_lines(pos.x, pos.y, 12.0, Color::hex(0x202020FF));
///     }
///     draw.sprite(SHIP, 400.0, 300.0, 1.0, 0.0, Color::WHITE);
///     let frame = (time.elapsed() * 8.0) as u32 % 4;
///     draw.sprite_pro(
///         HERO,
///         Rectangle::new(16.0 * frame as f32, 0.0, 16.0, 16.0),
///         Rectangle::new(200.0, 120.0, 32.0, 32.0),
///         Vector2::new(16.0, 16.0), // rotate around the centre
///         15.0,
///         Color::WHITE,
///     );
///     let mut hud = draw.screen(); // on the screen, outside the camera
///     hud.rect(8.0, 8.0, 120.0, 24.0, Color::BLACK.with_alpha(160));
///     hud.text_font(TITLE, &format!("{} rocks", rocks.len()), 14.0, 12.0, 24.0, 0.0, Color::RAYWHITE);
/// }
///
/// hotloop_sdk::export! {
///     Render: [draw_rocks],
/// }
/// # fn main() {}
/// ```
///
/// Panics (caught at the boundary and reported by the host as one line, like any panic): a full
/// list or text arena (raise them in TypeScript with `drawListOf(app, { records, textBytes })`
/// before anything draws), and a sprite or text whose texture or font is not loaded.
pub struct DrawList {
    list: *mut DrawListData,
    epoch: u64,
    /// The [`flag`]s of every record this list writes: [`flag::SCREEN`] for [`screen`](Self::screen)'s.
    flags: u32,
}

/// A [`DrawList`] that draws on the screen as it is, outside the camera: the HUD. Made by
/// [`DrawList::screen`]; it has every method of a `DrawList` (it derefs to one), and its records
/// keep their place in the list's order.
pub struct ScreenSpace<'a> {
    draw: DrawList,
    _list: PhantomData<&'a mut DrawList>,
}

impl Deref for ScreenSpace<'_> {
    type Target = DrawList;

    fn deref(&self) -> &DrawList {
        &self.draw
    }
}

impl DerefMut for ScreenSpace<'_> {
    fn deref_mut(&mut self) -> &mut DrawList {
        &mut self.draw
    }
}

impl DrawList {
    /// A filled circle centred on (x, y).
    #[track_caller]
    pub fn circle(&mut self, x: f32, y: f32, radius: f32, color: Color) {
        self.push(shape(kind::CIRCLE, color, x, y, radius, 0.0));
    }

    /// A circle outline centred on (x, y).
    #[track_caller]
    pub fn circle_lines(&mut self, x: f32, y: f32, radius: f32, color: Color) {
        self.push(shape(kind::CIRCLE_LINES, color, x, y, radius, 0.0));
    }

    /// A filled rectangle with its top-left corner at (x, y).
    #[track_caller]
    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Color) {
        self.push(shape(kind::RECT, color, x, y, width, height));
    }

    /// A rectangle outline, one pixel thick, with its top-left corner at (x, y).
    #[track_caller]
    pub fn rect_lines(&mut self, x: f32, y: f32, width: f32, height: f32, color: Color) {
        self.push(shape(kind::RECT_LINES, color, x, y, width, height));
    }

    /// A line from (x1, y1) to (x2, y2), `thickness` pixels wide.
    #[track_caller]
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, color: Color) {
        self.push(DrawRecord {
            c: thickness,
            ..shape(kind::LINE, color, x1, y1, x2, y2)
        });
    }

    /// `text` in raylib's default font, its top-left at (x, y) (whole pixels), `size` pixels
    /// high. The bytes are copied into the host's text arena; a string containing NUL is cut at
    /// it (C strings end there).
    #[track_caller]
    pub fn text(&mut self, text: &str, x: f32, y: f32, size: f32, color: Color) {
        let list = self.snapshot();
        if list.len >= list.capacity {
            list_full(list.capacity);
        }
        let offset = self.copy_text(text);
        self.push(DrawRecord {
            d: offset,
            ..shape(kind::TEXT, color, x, y, size, 0.0)
        });
    }

    /// Copies `text` (cut at a NUL) and a NUL into the arena; returns its offset, or panics
    /// when the arena is full.
    #[track_caller]
    fn copy_text(&mut self, text: &str) -> u32 {
        let bytes = text.as_bytes();
        let bytes = match bytes.iter().position(|&b| b == 0) {
            Some(nul) => &bytes[..nul],
            None => bytes,
        };
        let list = self.header();
        let offset = list.text_len;
        let free = list.text_capacity.saturating_sub(offset) as usize;
        if bytes.len() >= free {
            arena_full(list.text_capacity);
        }
        let arena = ptr::with_exposed_provenance_mut::<u8>(list.text as usize);
        // SAFETY: the host guarantees the arena holds `text_capacity` bytes for the call (checked
        // non-null in `fetch`), and `offset + bytes.len() + 1 <= text_capacity` was just checked.
        // The source is a Rust string, which cannot overlap host memory.
        unsafe {
            let at = arena.add(offset as usize);
            ptr::copy_nonoverlapping(bytes.as_ptr(), at, bytes.len());
            at.add(bytes.len()).write(0);
        }
        // Fits in u32: it is at most `text_capacity`.
        list.text_len = offset + bytes.len() as u32 + 1;
        offset
    }

    /// `texture` with its top-left corner at (x, y), scaled by `scale` and rotated `rotation`
    /// degrees (clockwise, around that corner), multiplied by `tint` (`Color::WHITE` draws it as
    /// is). Panics when the host did not load a texture of that name.
    #[track_caller]
    pub fn sprite(
        &mut self,
        texture: Texture,
        x: f32,
        y: f32,
        scale: f32,
        rotation: f32,
        tint: Color,
    ) {
        let index = self.texture_index(texture);
        self.push(DrawRecord {
            d: index,
            ..shape(kind::SPRITE, tint, x, y, scale, rotation)
        });
    }

    /// A part of `texture` (a frame of a sprite sheet) drawn into a rectangle, as raylib's
    /// `DrawTexturePro`: the `source` rectangle, in the texture's pixels (a negative width or
    /// height flips it), stretched over `dest`, whose point `origin` (relative to dest's top-left)
    /// sits at (dest.x, dest.y) and is the centre of a clockwise rotation of `rotation` degrees;
    /// multiplied by `tint`. Takes two records. Panics when the host did not load a texture of
    /// that name.
    #[track_caller]
    pub fn sprite_pro(
        &mut self,
        texture: Texture,
        source: Rectangle,
        dest: Rectangle,
        origin: Vector2,
        rotation: f32,
        tint: Color,
    ) {
        let index = self.texture_index(texture);
        self.push_wide(
            DrawRecord {
                c: rotation,
                d: index,
                ..shape(
                    kind::SPRITE_PRO,
                    tint,
                    dest.x,
                    dest.y,
                    dest.width,
                    dest.height,
                )
            },
            DrawExtension {
                kind: kind::EXTENSION,
                index: 0,
                f: [
                    source.x,
                    source.y,
                    source.width,
                    source.height,
                    origin.x,
                    origin.y,
                ],
            },
        );
    }

    /// `text` in `font` (loaded in TypeScript with `loadFont`), its top-left at (x, y), `size`
    /// pixels high (the font is drawn scaled from the size it was loaded at), with `spacing` pixels
    /// between letters, as raylib's `DrawTextEx`. Takes two records; the text is copied as for
    /// [`text`](Self::text). Panics when the host did not load a font of that name.
    #[track_caller]
    #[allow(clippy::too_many_arguments)] // raylib's DrawTextEx, in its order
    pub fn text_font(
        &mut self,
        font: Font,
        text: &str,
        x: f32,
        y: f32,
        size: f32,
        spacing: f32,
        color: Color,
    ) {
        let index = self.font_index(font);
        let list = self.snapshot();
        if list.capacity.saturating_sub(list.len) < 2 {
            list_full(list.capacity);
        }
        let offset = self.copy_text(text);
        self.push_wide(
            DrawRecord {
                d: offset,
                ..shape(kind::TEXT_FONT, color, x, y, size, spacing)
            },
            DrawExtension {
                kind: kind::EXTENSION,
                index,
                f: [0.0; 6],
            },
        );
    }

    /// This list drawing on the screen as it is, outside the camera: the HUD.
    ///
    /// ```
    /// use hotloop_sdk::prelude::*;
    ///
    /// fn hud(mut draw: DrawList) {
    ///     draw.circle(0.0, 0.0, 8.0, Color::RED); // at the world's origin, wherever the camera puts it
    ///     draw.screen().text("paused", 10.0, 10.0, 20.0, Color::BLACK); // always at (10, 10)
    /// }
    /// ```
    pub fn screen(&mut self) -> ScreenSpace<'_> {
        ScreenSpace {
            draw: DrawList {
                list: self.list,
                epoch: self.epoch,
                flags: flag::SCREEN,
            },
            _list: PhantomData,
        }
    }

    /// Records in the list so far this frame, from every system (Rust or TypeScript).
    #[track_caller]
    pub fn len(&self) -> usize {
        self.snapshot().len as usize
    }

    /// Whether nothing was drawn yet this frame.
    #[track_caller]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of the header, after checking this parameter is used inside its call.
    #[inline]
    #[track_caller]
    fn snapshot(&self) -> DrawListData {
        boundary::check_epoch(self.epoch);
        // SAFETY: as in `header`; a plain read through the pointer, no reference is made.
        unsafe { self.list.read() }
    }

    /// The header, after checking this parameter is used inside its call.
    #[inline]
    #[track_caller]
    fn header(&mut self) -> &mut DrawListData {
        boundary::check_epoch(self.epoch);
        // SAFETY: `fetch` checked the pointer is non-null and aligned; the host keeps the header
        // valid and does not touch it during the call, and the epoch check proves the call is
        // still running. The `&mut` lives only until this method's caller returns, and the list
        // is `!Send`, so two `DrawList`s of one system (same header) never hold one at once.
        unsafe { &mut *self.list }
    }

    /// Appends one record (with this list's flags), or panics when the list is full.
    #[inline]
    #[track_caller]
    fn push(&mut self, mut record: DrawRecord) {
        record.kind |= self.flags;
        let list = self.header();
        let len = list.len;
        if len >= list.capacity {
            list_full(list.capacity);
        }
        let records = ptr::with_exposed_provenance_mut::<DrawRecord>(list.records as usize);
        // SAFETY: the host guarantees `records` points at `capacity` records for the call
        // (checked non-null and aligned in `fetch`), and `len < capacity` was just checked.
        unsafe { records.add(len as usize).write(record) };
        list.len = len + 1;
    }

    /// Appends a wide record (with this list's flags) and its extension, or panics when the two
    /// do not fit.
    #[inline]
    #[track_caller]
    fn push_wide(&mut self, mut record: DrawRecord, extension: DrawExtension) {
        record.kind |= self.flags;
        let list = self.header();
        let len = list.len;
        if list.capacity.saturating_sub(len) < 2 {
            list_full(list.capacity);
        }
        let records = ptr::with_exposed_provenance_mut::<DrawRecord>(list.records as usize);
        // SAFETY: as in `push`, with `len + 2 <= capacity` just checked. A `DrawExtension` has a
        // record's size and alignment (asserted above), so it fills the slot after the record.
        unsafe {
            records.add(len as usize).write(record);
            records
                .add(len as usize + 1)
                .cast::<DrawExtension>()
                .write(extension);
        }
        list.len = len + 2;
    }

    /// The index of `texture` in the host's texture table, or a panic naming it.
    #[track_caller]
    fn texture_index(&self, texture: Texture) -> u32 {
        let list = self.snapshot();
        let table = ptr::with_exposed_provenance::<u64>(list.textures as usize);
        let hashes: &[u64] = if list.texture_count == 0 {
            &[]
        } else {
            // SAFETY: the host guarantees `texture_count` hashes at `textures` for the call
            // (checked non-null and aligned in `fetch`); nobody writes them during the call.
            unsafe { std::slice::from_raw_parts(table, list.texture_count as usize) }
        };
        match hashes.iter().position(|&h| h == texture.hash) {
            // Fits in u32: it is below `texture_count`.
            Some(index) => index as u32,
            None => texture_not_loaded(texture.name),
        }
    }

    /// The index of `font` in the host's font table, or a panic naming it.
    #[track_caller]
    fn font_index(&self, font: Font) -> u32 {
        let list = self.snapshot();
        let table = ptr::with_exposed_provenance::<u64>(list.fonts as usize);
        let hashes: &[u64] = if list.font_count == 0 {
            &[]
        } else {
            // SAFETY: the host guarantees `font_count` hashes at `fonts` for the call (checked
            // non-null and aligned in `fetch`); nobody writes them during the call.
            unsafe { std::slice::from_raw_parts(table, list.font_count as usize) }
        };
        match hashes.iter().position(|&h| h == font.hash) {
            // Fits in u32: it is below `font_count`.
            Some(index) => index as u32,
            None => font_not_loaded(font.name),
        }
    }

    /// A list over `list`, as if fetched in the current call: for unit tests, which build the
    /// header over their own memory.
    #[cfg(test)]
    pub(crate) fn for_test(list: *mut DrawListData) -> DrawList {
        DrawList {
            list,
            epoch: boundary::epoch(),
            flags: 0,
        }
    }
}

/// A record of `kind` with its first four numbers (the rest zero).
#[inline]
fn shape(kind: u32, color: Color, x: f32, y: f32, a: f32, b: f32) -> DrawRecord {
    DrawRecord {
        kind,
        color: color.packed(),
        x,
        y,
        a,
        b,
        c: 0.0,
        d: 0,
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn list_full(capacity: u32) -> ! {
    panic!(
        "hotloop: the draw list is full ({capacity} records): draw less in one frame, or raise it in TypeScript with drawListOf(app, {{ records: ... }}) before anything draws"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn arena_full(capacity: u32) -> ! {
    panic!(
        "hotloop: the draw list's text arena is full ({capacity} bytes): draw less text in one frame, or raise it in TypeScript with drawListOf(app, {{ textBytes: ... }}) before anything draws"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn texture_not_loaded(name: &str) -> ! {
    panic!(
        "hotloop: texture {name:?} is not loaded (load it in TypeScript with loadTexture(app, {name:?}, path))"
    )
}

#[cold]
#[inline(never)]
#[track_caller]
fn font_not_loaded(name: &str) -> ! {
    panic!(
        "hotloop: font {name:?} is not loaded (load it in TypeScript with loadFont(app, {name:?}, path, size))"
    )
}

impl sealed::Sealed for DrawList {}

impl SystemParam for DrawList {
    fn describe(out: &mut Vec<ParamInfo>) {
        out.push(ParamInfo::Draw);
    }

    unsafe fn fetch(slots: &mut Slots) -> Self {
        let list = slots.next_block::<DrawListData>("draw list");
        // SAFETY: the host passed its draw list header (docs/abi.md, "The draw list"), valid
        // for the call; checked non-null and aligned above.
        let data = unsafe { *list };
        host_array::<DrawRecord>(data.records, data.capacity, "draw list's records");
        host_array::<u8>(data.text, data.text_capacity, "draw list's text arena");
        host_array::<u64>(
            data.textures,
            data.texture_count,
            "draw list's texture table",
        );
        host_array::<u64>(data.fonts, data.font_count, "draw list's font table");
        DrawList {
            list,
            epoch: boundary::epoch(),
            flags: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// A host-side draw list over Vec-backed memory, as the TypeScript host lays one out.
    struct Host {
        header: Box<DrawListData>,
        records: Vec<DrawRecord>,
        text: Vec<u8>,
        textures: Vec<u64>,
        fonts: Vec<u64>,
    }

    impl Host {
        fn new(capacity: usize, text_capacity: usize, textures: &[&str]) -> Host {
            Host::with_fonts(capacity, text_capacity, textures, &[])
        }

        fn with_fonts(
            capacity: usize,
            text_capacity: usize,
            textures: &[&str],
            fonts: &[&str],
        ) -> Host {
            let mut host = Host {
                header: Box::default(),
                records: vec![DrawRecord::default(); capacity],
                text: vec![0xAA; text_capacity],
                textures: textures.iter().map(|name| crate::fnv1a_64(name)).collect(),
                fonts: fonts.iter().map(|name| crate::fnv1a_64(name)).collect(),
            };
            *host.header = DrawListData {
                records: host.records.as_mut_ptr().expose_provenance() as u64,
                capacity: capacity as u32,
                len: 0,
                text: host.text.as_mut_ptr().expose_provenance() as u64,
                text_capacity: text_capacity as u32,
                text_len: 0,
                textures: host.textures.as_ptr().expose_provenance() as u64,
                texture_count: host.textures.len() as u32,
                font_count: host.fonts.len() as u32,
                fonts: host.fonts.as_ptr().expose_provenance() as u64,
            };
            host
        }

        /// Written record `i` read as an extension (the second half of a wide record).
        fn extension(&self, i: usize) -> DrawExtension {
            assert!(i < self.header.len as usize);
            // SAFETY: a record slot in bounds; DrawExtension has a record's size and alignment
            // and every bit pattern is valid for it.
            unsafe { self.records.as_ptr().add(i).cast::<DrawExtension>().read() }
        }

        fn list(&mut self) -> DrawList {
            DrawList::for_test(&mut *self.header)
        }

        /// The records written, read back through the header (as the shim reads them).
        fn written(&self) -> &[DrawRecord] {
            &self.records[..self.header.len as usize]
        }

        /// The NUL-terminated string at `offset` in the arena.
        fn text_at(&self, offset: u32) -> &str {
            let rest = &self.text[offset as usize..];
            let end = rest.iter().position(|&b| b == 0).expect("NUL-terminated");
            std::str::from_utf8(&rest[..end]).unwrap()
        }
    }

    /// The panic message of `f`.
    fn panic_text(f: impl FnOnce()) -> String {
        let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it should panic");
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap()
    }

    #[test]
    fn colors_pack_like_typescript_rgba() {
        // TypeScript: rgba(230, 41, 55) === 0xff3729e6
        assert_eq!(Color::RED.packed(), 0xff37_29e6);
        assert_eq!(Color::rgba(1, 2, 3, 4).packed(), 0x0403_0201);
        assert_eq!(Color::hex(0x0102_0304), Color::rgba(1, 2, 3, 4));
        assert_eq!(Color::BLANK.packed(), 0);
        assert_eq!(Color::WHITE.packed(), u32::MAX);
        assert_eq!(Color::GRAY.with_alpha(7).components(), [130, 130, 130, 7]);
    }

    #[test]
    fn shapes_become_records_in_order() {
        let mut host = Host::new(8, 64, &[]);
        let mut draw = host.list();
        assert!(draw.is_empty());
        draw.circle(1.0, 2.0, 3.0, Color::RED);
        draw.circle_lines(4.0, 5.0, 6.0, Color::GREEN);
        draw.rect(7.0, 8.0, 9.0, 10.0, Color::BLUE);
        draw.rect_lines(11.0, 12.0, 13.0, 14.0, Color::BLACK);
        draw.line(15.0, 16.0, 17.0, 18.0, 2.5, Color::WHITE);
        assert_eq!(draw.len(), 5);
        let rec = |kind, color: Color, x, y, a, b, c| DrawRecord {
            kind,
            color: color.packed(),
            x,
            y,
            a,
            b,
            c,
            d: 0,
        };
        assert_eq!(
            host.written(),
            &[
                rec(kind::CIRCLE, Color::RED, 1.0, 2.0, 3.0, 0.0, 0.0),
                rec(kind::CIRCLE_LINES, Color::GREEN, 4.0, 5.0, 6.0, 0.0, 0.0),
                rec(kind::RECT, Color::BLUE, 7.0, 8.0, 9.0, 10.0, 0.0),
                rec(kind::RECT_LINES, Color::BLACK, 11.0, 12.0, 13.0, 14.0, 0.0),
                rec(kind::LINE, Color::WHITE, 15.0, 16.0, 17.0, 18.0, 2.5),
            ]
        );
        assert_eq!(host.header.text_len, 0);
    }

    #[test]
    fn text_is_copied_into_the_arena_nul_terminated() {
        let mut host = Host::new(8, 64, &[]);
        let mut draw = host.list();
        draw.text("score: 12", 10.0, 20.0, 16.0, Color::GOLD);
        draw.text("héllo\0ignored", 1.0, 2.0, 8.0, Color::PINK);
        draw.text("", 0.0, 0.0, 10.0, Color::BLACK);
        let records = host.written().to_vec();
        assert_eq!(records.len(), 3);
        assert_eq!((records[0].kind, records[0].d), (kind::TEXT, 0));
        assert_eq!(
            (records[0].x, records[0].y, records[0].a),
            (10.0, 20.0, 16.0)
        );
        assert_eq!(records[0].color, Color::GOLD.packed());
        assert_eq!(host.text_at(records[0].d), "score: 12");
        assert_eq!(records[1].d, 10); // "score: 12" and its NUL
        assert_eq!(host.text_at(records[1].d), "héllo"); // cut at the NUL
        assert_eq!(records[2].d, 10 + 7);
        assert_eq!(host.text_at(records[2].d), "");
        assert_eq!(host.header.text_len, 10 + 7 + 1);
        assert_eq!(host.text[18], 0xAA, "nothing written past text_len");
    }

    #[test]
    fn sprites_name_the_texture_by_its_index_in_the_host_table() {
        const SHIP: Texture = Texture::named("ship");
        assert_eq!(SHIP.name(), "ship");
        // The same value test/render/draw-list.test.ts finds in the TypeScript host's table.
        assert_eq!(SHIP.hash(), 0x46f0_6218_e29e_d3df);
        let mut host = Host::new(4, 16, &["rock", "ship"]);
        let mut draw = host.list();
        draw.sprite(SHIP, 5.0, 6.0, 2.0, 90.0, Color::WHITE);
        draw.sprite(Texture::named("rock"), 0.0, 0.0, 1.0, 0.0, Color::RED);
        let records = host.written();
        assert_eq!(
            records[0],
            DrawRecord {
                kind: kind::SPRITE,
                color: Color::WHITE.packed(),
                x: 5.0,
                y: 6.0,
                a: 2.0,
                b: 90.0,
                c: 0.0,
                d: 1,
            }
        );
        assert_eq!((records[1].d, records[1].color), (0, Color::RED.packed()));
    }

    #[test]
    fn a_texture_that_is_not_loaded_panics_naming_it() {
        let mut host = Host::new(4, 16, &["rock"]);
        let mut draw = host.list();
        let text =
            panic_text(|| draw.sprite(Texture::named("ship"), 0.0, 0.0, 1.0, 0.0, Color::WHITE));
        assert_eq!(
            text,
            "hotloop: texture \"ship\" is not loaded (load it in TypeScript with loadTexture(app, \"ship\", path))"
        );
        assert_eq!(host.header.len, 0, "nothing was written");
        let mut empty = Host::new(4, 16, &[]);
        let mut draw = empty.list();
        let text =
            panic_text(|| draw.sprite(Texture::named("x"), 0.0, 0.0, 1.0, 0.0, Color::WHITE));
        assert!(
            text.starts_with("hotloop: texture \"x\" is not loaded"),
            "{text}"
        );
    }

    #[test]
    fn a_full_list_panics_with_its_capacity_and_how_to_raise_it() {
        let mut host = Host::new(2, 16, &[]);
        let mut draw = host.list();
        draw.circle(0.0, 0.0, 1.0, Color::RED);
        draw.rect(0.0, 0.0, 1.0, 1.0, Color::RED);
        let text = panic_text(|| draw.circle(0.0, 0.0, 1.0, Color::RED));
        assert_eq!(
            text,
            "hotloop: the draw list is full (2 records): draw less in one frame, or raise it in TypeScript with drawListOf(app, { records: ... }) before anything draws"
        );
        // Text needs a record too: a full list takes no bytes from the arena either.
        let text = panic_text(|| draw.text("a", 0.0, 0.0, 10.0, Color::RED));
        assert!(
            text.starts_with("hotloop: the draw list is full (2 records)"),
            "{text}"
        );
        assert_eq!((host.header.len, host.header.text_len), (2, 0));
    }

    #[test]
    fn a_full_arena_panics_with_its_capacity_and_how_to_raise_it() {
        let mut host = Host::new(8, 8, &[]);
        let mut draw = host.list();
        draw.text("1234567", 0.0, 0.0, 10.0, Color::RED); // 7 bytes and the NUL: exactly full
        let text = panic_text(|| draw.text("", 0.0, 0.0, 10.0, Color::RED));
        assert_eq!(
            text,
            "hotloop: the draw list's text arena is full (8 bytes): draw less text in one frame, or raise it in TypeScript with drawListOf(app, { textBytes: ... }) before anything draws"
        );
        assert_eq!((host.header.len, host.header.text_len), (1, 8));
    }

    #[test]
    fn writes_go_on_after_what_the_host_or_typescript_wrote() {
        let mut host = Host::new(4, 16, &[]);
        host.header.len = 2;
        host.header.text_len = 3;
        let mut draw = host.list();
        assert_eq!(draw.len(), 2);
        draw.text("ab", 0.0, 0.0, 10.0, Color::RED);
        assert_eq!(host.records[2].d, 3);
        assert_eq!(host.text_at(3), "ab");
        assert_eq!((host.header.len, host.header.text_len), (3, 6));
    }

    #[test]
    fn a_sprite_sheet_frame_is_a_wide_record_with_its_source_and_origin() {
        const SHEET: Texture = Texture::named("sheet");
        let mut host = Host::new(4, 16, &["rock", "sheet"]);
        let mut draw = host.list();
        draw.sprite_pro(
            SHEET,
            Rectangle::new(16.0, 0.0, 16.0, 8.0),
            Rectangle::new(100.0, 50.0, 32.0, 16.0),
            Vector2::new(16.0, 8.0),
            30.0,
            Color::RED,
        );
        assert_eq!(draw.len(), 2);
        assert_eq!(
            host.written()[0],
            DrawRecord {
                kind: kind::SPRITE_PRO,
                color: Color::RED.packed(),
                x: 100.0,
                y: 50.0,
                a: 32.0,
                b: 16.0,
                c: 30.0,
                d: 1,
            }
        );
        assert_eq!(
            host.extension(1),
            DrawExtension {
                kind: kind::EXTENSION,
                index: 0,
                f: [16.0, 0.0, 16.0, 8.0, 16.0, 8.0],
            }
        );
        // Two records or none: one free slot is a full list, and nothing is written.
        let mut draw = host.list();
        draw.circle(0.0, 0.0, 1.0, Color::RED);
        let text = panic_text(|| {
            draw.sprite_pro(
                SHEET,
                Rectangle::default(),
                Rectangle::default(),
                Vector2::ZERO,
                0.0,
                Color::WHITE,
            )
        });
        assert!(
            text.starts_with("hotloop: the draw list is full (4 records)"),
            "{text}"
        );
        assert_eq!(host.header.len, 3);
    }

    #[test]
    fn text_in_a_font_names_the_font_in_its_extension() {
        const MONO: Font = Font::named("mono");
        assert_eq!(MONO.name(), "mono");
        assert_eq!(MONO.hash(), crate::fnv1a_64("mono"));
        let mut host = Host::with_fonts(4, 16, &[], &["title", "mono"]);
        let mut draw = host.list();
        draw.text_font(MONO, "hi", 3.0, 4.0, 20.0, 1.5, Color::BLUE);
        assert_eq!(
            host.written()[0],
            DrawRecord {
                d: 0,
                ..shape(kind::TEXT_FONT, Color::BLUE, 3.0, 4.0, 20.0, 1.5)
            }
        );
        assert_eq!(host.extension(1).index, 1);
        assert_eq!(host.extension(1).kind, kind::EXTENSION);
        assert_eq!(host.text_at(0), "hi");
        let mut draw = host.list();
        let text = panic_text(|| {
            draw.text_font(Font::named("serif"), "x", 0.0, 0.0, 10.0, 0.0, Color::RED)
        });
        assert_eq!(
            text,
            "hotloop: font \"serif\" is not loaded (load it in TypeScript with loadFont(app, \"serif\", path, size))"
        );
        // Without room for both records, no text is copied either.
        draw.circle(0.0, 0.0, 1.0, Color::RED);
        let text = panic_text(|| draw.text_font(MONO, "y", 0.0, 0.0, 10.0, 0.0, Color::RED));
        assert!(text.starts_with("hotloop: the draw list is full"), "{text}");
        assert_eq!((host.header.len, host.header.text_len), (3, 3));
    }

    #[test]
    fn the_screen_space_flags_its_records_and_keeps_their_order() {
        const SHEET: Texture = Texture::named("sheet");
        let mut host = Host::with_fonts(8, 16, &["sheet"], &["mono"]);
        let mut draw = host.list();
        draw.rect(1.0, 1.0, 1.0, 1.0, Color::RED);
        {
            let mut hud = draw.screen();
            hud.text("a", 0.0, 0.0, 10.0, Color::BLACK);
            hud.sprite_pro(
                SHEET,
                Rectangle::default(),
                Rectangle::default(),
                Vector2::ZERO,
                0.0,
                Color::WHITE,
            );
        }
        draw.screen()
            .text_font(Font::named("mono"), "b", 0.0, 0.0, 10.0, 0.0, Color::BLACK);
        draw.circle(2.0, 2.0, 1.0, Color::RED);
        let kinds: Vec<u32> = host.written().iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                kind::RECT,
                kind::TEXT | flag::SCREEN,
                kind::SPRITE_PRO | flag::SCREEN,
                kind::EXTENSION,
                kind::TEXT_FONT | flag::SCREEN,
                kind::EXTENSION,
                kind::CIRCLE,
            ]
        );
    }

    fn draw_two(mut draw: DrawList) {
        draw.circle(1.0, 1.0, 1.0, Color::RED);
        draw.text("hi", 0.0, 0.0, 10.0, Color::RED);
    }

    fn overflow(mut draw: DrawList) {
        loop {
            draw.circle(0.0, 0.0, 1.0, Color::RED);
        }
    }

    #[test]
    fn as_a_system_parameter_it_reads_its_slot_and_panics_stop_at_the_boundary() {
        let _serial = crate::tests::serial();
        let mut params = Vec::new();
        <DrawList as SystemParam>::describe(&mut params);
        assert_eq!(params, vec![ParamInfo::Draw]);

        let mut host = Host::new(3, 16, &[]);
        let ctx = [(&mut *host.header as *mut DrawListData).expose_provenance() as u64];
        // SAFETY: the ctx holds the one slot `draw_two` reads: a valid draw list header.
        assert_eq!(
            unsafe { crate::system::run_system(draw_two, ctx.as_ptr()) },
            0
        );
        assert_eq!((host.header.len, host.header.text_len), (2, 3));

        // SAFETY: as above.
        assert_eq!(
            unsafe { crate::system::run_system(overflow, ctx.as_ptr()) },
            1
        );
        let error = boundary::peek_last_error();
        assert!(
            error.starts_with("hotloop: the draw list is full (3 records)"),
            "{error}"
        );
        assert_eq!(host.header.len, 3);

        let mut bad = DrawListData {
            capacity: 4,
            ..DrawListData::default()
        };
        let ctx = [(&mut bad as *mut DrawListData).expose_provenance() as u64];
        // SAFETY: the slot holds a header; `fetch` refuses its null records pointer.
        assert_eq!(
            unsafe { crate::system::run_system(draw_two, ctx.as_ptr()) },
            1
        );
        assert!(boundary::peek_last_error().starts_with("hotloop: the host passed a bad draw list"));
    }

    #[test]
    fn a_list_kept_past_its_call_is_refused() {
        let _serial = crate::tests::serial();
        let mut host = Host::new(4, 16, &[]);
        let mut draw = host.list();
        // End the current epoch the way a system call does.
        assert_eq!(boundary::system_call(true, || ()), 0);
        let text = panic_text(|| draw.circle(0.0, 0.0, 1.0, Color::RED));
        assert!(text.contains("used after its system returned"), "{text}");
        assert_eq!(host.header.len, 0);
    }
}
