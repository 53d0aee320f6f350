//! Keyboard, mouse and gamepad state (`Res<Input>`), with raylib's codes.
//!
//! Why raylib's codes: the example renders with raylib, so the host copies raylib's input state
//! into `InputData` without translating.

/// Gamepads the host tracks, 0 to 3 (raylib's `MAX_GAMEPADS`).
pub const MAX_GAMEPADS: usize = 4;
/// Button slots a gamepad has in [`InputData`] (raylib's `MAX_GAMEPAD_BUTTONS`; its
/// `GamepadButton` codes use 0 to 17).
pub const GAMEPAD_BUTTONS: usize = 32;
/// Axis slots a gamepad has in [`InputData`] (raylib's `MAX_GAMEPAD_AXIS`; its `GamepadAxis`
/// codes use 0 to 5).
pub const GAMEPAD_AXES: usize = 8;
/// How far a stick must lean before [`Input::axis_or_stick`] follows it.
///
/// Why: a stick at rest rarely reads exactly 0, and raylib passes its drift through.
pub const STICK_DEAD_ZONE: f32 = 0.15;

/// The input data the host writes each frame, exactly as docs/abi.md lays it out (2084 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputData {
    /// Non-zero while a key is held, indexed by raylib key code.
    pub keys_down: [u8; 512],
    /// Non-zero for keys that went down this frame.
    pub keys_pressed: [u8; 512],
    /// Non-zero for keys that went up this frame.
    pub keys_released: [u8; 512],
    /// Mouse x in window pixels.
    pub mouse_x: f32,
    /// Mouse y in window pixels.
    pub mouse_y: f32,
    /// Non-zero while a mouse button is held, indexed by raylib button code.
    pub mouse_down: [u8; 8],
    /// Non-zero for buttons that went down this frame.
    pub mouse_pressed: [u8; 8],
    /// Non-zero for buttons that went up this frame.
    pub mouse_released: [u8; 8],
    /// Non-zero while gamepad `pad` is connected, indexed by pad.
    pub gamepad_connected: [u8; MAX_GAMEPADS],
    /// Non-zero while a gamepad button is held: `[pad][raylib button code]`.
    pub gamepad_down: [[u8; GAMEPAD_BUTTONS]; MAX_GAMEPADS],
    /// Non-zero for gamepad buttons that went down this frame.
    pub gamepad_pressed: [[u8; GAMEPAD_BUTTONS]; MAX_GAMEPADS],
    /// Non-zero for gamepad buttons that went up this frame.
    pub gamepad_released: [[u8; GAMEPAD_BUTTONS]; MAX_GAMEPADS],
    /// Axis positions, -1 to 1: `[pad][raylib axis code]`. Sticks rest at 0 (x right, y down);
    /// triggers, as raylib reports them, go from -1 (released) to 1 (fully pressed).
    pub gamepad_axes: [[f32; GAMEPAD_AXES]; MAX_GAMEPADS],
}

const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(size_of::<InputData>() == 2084);
    assert!(align_of::<InputData>() == 4);
    assert!(offset_of!(InputData, keys_pressed) == 512);
    assert!(offset_of!(InputData, keys_released) == 1024);
    assert!(offset_of!(InputData, mouse_x) == 1536);
    assert!(offset_of!(InputData, mouse_y) == 1540);
    assert!(offset_of!(InputData, mouse_down) == 1544);
    assert!(offset_of!(InputData, mouse_pressed) == 1552);
    assert!(offset_of!(InputData, mouse_released) == 1560);
    assert!(offset_of!(InputData, gamepad_connected) == 1568);
    assert!(offset_of!(InputData, gamepad_down) == 1572);
    assert!(offset_of!(InputData, gamepad_pressed) == 1700);
    assert!(offset_of!(InputData, gamepad_released) == 1828);
    assert!(offset_of!(InputData, gamepad_axes) == 1956);
};

/// Where an axis rests: raylib reports a released trigger as -1, everything else as 0.
const fn axis_rest(axis: GamepadAxis) -> f32 {
    if axis.0 == GamepadAxis::LEFT_TRIGGER.0 || axis.0 == GamepadAxis::RIGHT_TRIGGER.0 {
        -1.0
    } else {
        0.0
    }
}

/// Every axis of one pad at rest.
const fn axes_at_rest() -> [f32; GAMEPAD_AXES] {
    let mut axes = [0.0; GAMEPAD_AXES];
    let mut a = 0;
    while a < GAMEPAD_AXES {
        axes[a] = axis_rest(GamepadAxis(a as u8));
        a += 1;
    }
    axes
}

impl Default for InputData {
    /// Nothing held, the mouse at (0, 0), no gamepad connected and every axis at rest.
    fn default() -> Self {
        InputData {
            keys_down: [0; 512],
            keys_pressed: [0; 512],
            keys_released: [0; 512],
            mouse_x: 0.0,
            mouse_y: 0.0,
            mouse_down: [0; 8],
            mouse_pressed: [0; 8],
            mouse_released: [0; 8],
            gamepad_connected: [0; MAX_GAMEPADS],
            gamepad_down: [[0; GAMEPAD_BUTTONS]; MAX_GAMEPADS],
            gamepad_pressed: [[0; GAMEPAD_BUTTONS]; MAX_GAMEPADS],
            gamepad_released: [[0; GAMEPAD_BUTTONS]; MAX_GAMEPADS],
            gamepad_axes: [axes_at_rest(); MAX_GAMEPADS],
        }
    }
}

/// Keyboard, mouse and gamepad state for this frame (`Res<Input>`).
///
/// Why "pressed" and "released" besides "down": edge-triggered actions (jump, toggle) must fire
/// once per press, not on every frame the key or button is held.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Input(InputData);

fn flag(flags: &[u8], index: usize) -> bool {
    flags.get(index).is_some_and(|&f| f != 0)
}

fn pad_flag(
    flags: &[[u8; GAMEPAD_BUTTONS]; MAX_GAMEPADS],
    pad: usize,
    button: GamepadButton,
) -> bool {
    flags.get(pad).is_some_and(|b| flag(b, button.0 as usize))
}

impl Input {
    /// Wraps raw input data (e.g. to test a helper that takes `&Input`).
    pub fn new(data: InputData) -> Input {
        Input(data)
    }

    /// True while `key` is held.
    #[inline]
    pub fn key_down(&self, key: Key) -> bool {
        flag(&self.0.keys_down, key.0 as usize)
    }

    /// True if `key` went down this frame.
    #[inline]
    pub fn key_pressed(&self, key: Key) -> bool {
        flag(&self.0.keys_pressed, key.0 as usize)
    }

    /// True if `key` went up this frame.
    #[inline]
    pub fn key_released(&self, key: Key) -> bool {
        flag(&self.0.keys_released, key.0 as usize)
    }

    /// True while any of `keys` is held (e.g. `[Key::W, Key::UP]`).
    pub fn any_key_down(&self, keys: &[Key]) -> bool {
        keys.iter().any(|&k| self.key_down(k))
    }

    /// -1, 0 or 1 from two opposing keys: `axis(Key::LEFT, Key::RIGHT)`.
    pub fn axis(&self, negative: Key, positive: Key) -> f32 {
        (self.key_down(positive) as i8 - self.key_down(negative) as i8) as f32
    }

    /// The mouse position in window pixels.
    #[inline]
    pub fn mouse_position(&self) -> (f32, f32) {
        (self.0.mouse_x, self.0.mouse_y)
    }

    /// True while `button` is held.
    #[inline]
    pub fn mouse_down(&self, button: MouseButton) -> bool {
        flag(&self.0.mouse_down, button.0 as usize)
    }

    /// True if `button` went down this frame.
    #[inline]
    pub fn mouse_pressed(&self, button: MouseButton) -> bool {
        flag(&self.0.mouse_pressed, button.0 as usize)
    }

    /// True if `button` went up this frame.
    #[inline]
    pub fn mouse_released(&self, button: MouseButton) -> bool {
        flag(&self.0.mouse_released, button.0 as usize)
    }

    /// True while gamepad `pad` (0 to 3) is connected.
    #[inline]
    pub fn gamepad_connected(&self, pad: usize) -> bool {
        flag(&self.0.gamepad_connected, pad)
    }

    /// True while `button` of gamepad `pad` is held: `gamepad_down(0, GamepadButton::RIGHT_FACE_DOWN)`.
    #[inline]
    pub fn gamepad_down(&self, pad: usize, button: GamepadButton) -> bool {
        pad_flag(&self.0.gamepad_down, pad, button)
    }

    /// True if `button` of gamepad `pad` went down this frame.
    #[inline]
    pub fn gamepad_pressed(&self, pad: usize, button: GamepadButton) -> bool {
        pad_flag(&self.0.gamepad_pressed, pad, button)
    }

    /// True if `button` of gamepad `pad` went up this frame.
    #[inline]
    pub fn gamepad_released(&self, pad: usize, button: GamepadButton) -> bool {
        pad_flag(&self.0.gamepad_released, pad, button)
    }

    /// Where `axis` of gamepad `pad` is, -1 to 1: `gamepad_axis(0, GamepadAxis::LEFT_X)`.
    ///
    /// Sticks rest at 0 (x grows to the right, y downwards); a trigger goes from -1 (released) to
    /// 1 (fully pressed), as raylib reports it. A pad or axis out of range reads at rest.
    #[inline]
    pub fn gamepad_axis(&self, pad: usize, axis: GamepadAxis) -> f32 {
        let value = self
            .0
            .gamepad_axes
            .get(pad)
            .and_then(|axes| axes.get(axis.0 as usize));
        value.copied().unwrap_or(axis_rest(axis))
    }

    /// -1 to 1 from two opposing keys or a stick: the keys while either is held (as
    /// [`axis`](Self::axis)), else the stick once it leans past [`STICK_DEAD_ZONE`].
    ///
    /// ```
    /// # use hotloop_sdk::prelude::*;
    /// # fn step(input: &Input) -> (f32, f32) {
    /// let x = input.axis_or_stick(Key::LEFT, Key::RIGHT, 0, GamepadAxis::LEFT_X);
    /// let y = input.axis_or_stick(Key::UP, Key::DOWN, 0, GamepadAxis::LEFT_Y);
    /// # (x, y) }
    /// ```
    pub fn axis_or_stick(
        &self,
        negative: Key,
        positive: Key,
        pad: usize,
        stick: GamepadAxis,
    ) -> f32 {
        if self.key_down(negative) || self.key_down(positive) {
            return self.axis(negative, positive);
        }
        let value = self.gamepad_axis(pad, stick);
        if value.abs() < STICK_DEAD_ZONE {
            0.0
        } else {
            value.clamp(-1.0, 1.0)
        }
    }

    /// The raw data the host wrote.
    #[inline]
    pub fn data(&self) -> &InputData {
        &self.0
    }
}

/// A keyboard key, by raylib key code (`Key::W` is 87, `Key::RIGHT` is 262).
///
/// Why a newtype over the code: any raylib code works (`Key(161)`), the constants are the
/// readable names; codes outside the host's 512-entry tables read as "not down".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u16);

/// A mouse button, by raylib button code (`MouseButton::LEFT` is 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MouseButton(pub u8);

/// A gamepad button, by raylib button code (`GamepadButton::RIGHT_FACE_DOWN` is 7: Xbox A,
/// PlayStation cross). Codes from 32 read as "not down".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GamepadButton(pub u8);

/// A gamepad axis, by raylib axis code (`GamepadAxis::LEFT_X` is 0). Codes from 8 read at rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GamepadAxis(pub u8);

// The constants come from raylib's raylib_api.json, as src/core/keys.ts does: `bun run gen:keys`
// rewrites both; test/abi/keys.test.ts fails while either is out of date.
// @generated by scripts/gen-keys.ts from raylib's raylib_api.json — do not edit (begin)
impl Key {
    /// raylib `KEY_NULL` (0): Key: NULL, used for no key pressed
    pub const NULL: Key = Key(0);
    /// raylib `KEY_APOSTROPHE` (39): Key: '
    pub const APOSTROPHE: Key = Key(39);
    /// raylib `KEY_COMMA` (44): Key: ,
    pub const COMMA: Key = Key(44);
    /// raylib `KEY_MINUS` (45): Key: -
    pub const MINUS: Key = Key(45);
    /// raylib `KEY_PERIOD` (46): Key: .
    pub const PERIOD: Key = Key(46);
    /// raylib `KEY_SLASH` (47): Key: /
    pub const SLASH: Key = Key(47);
    /// raylib `KEY_ZERO` (48): Key: 0
    pub const ZERO: Key = Key(48);
    /// raylib `KEY_ONE` (49): Key: 1
    pub const ONE: Key = Key(49);
    /// raylib `KEY_TWO` (50): Key: 2
    pub const TWO: Key = Key(50);
    /// raylib `KEY_THREE` (51): Key: 3
    pub const THREE: Key = Key(51);
    /// raylib `KEY_FOUR` (52): Key: 4
    pub const FOUR: Key = Key(52);
    /// raylib `KEY_FIVE` (53): Key: 5
    pub const FIVE: Key = Key(53);
    /// raylib `KEY_SIX` (54): Key: 6
    pub const SIX: Key = Key(54);
    /// raylib `KEY_SEVEN` (55): Key: 7
    pub const SEVEN: Key = Key(55);
    /// raylib `KEY_EIGHT` (56): Key: 8
    pub const EIGHT: Key = Key(56);
    /// raylib `KEY_NINE` (57): Key: 9
    pub const NINE: Key = Key(57);
    /// raylib `KEY_SEMICOLON` (59): Key: ;
    pub const SEMICOLON: Key = Key(59);
    /// raylib `KEY_EQUAL` (61): Key: =
    pub const EQUAL: Key = Key(61);
    /// raylib `KEY_A` (65): Key: A | a
    pub const A: Key = Key(65);
    /// raylib `KEY_B` (66): Key: B | b
    pub const B: Key = Key(66);
    /// raylib `KEY_C` (67): Key: C | c
    pub const C: Key = Key(67);
    /// raylib `KEY_D` (68): Key: D | d
    pub const D: Key = Key(68);
    /// raylib `KEY_E` (69): Key: E | e
    pub const E: Key = Key(69);
    /// raylib `KEY_F` (70): Key: F | f
    pub const F: Key = Key(70);
    /// raylib `KEY_G` (71): Key: G | g
    pub const G: Key = Key(71);
    /// raylib `KEY_H` (72): Key: H | h
    pub const H: Key = Key(72);
    /// raylib `KEY_I` (73): Key: I | i
    pub const I: Key = Key(73);
    /// raylib `KEY_J` (74): Key: J | j
    pub const J: Key = Key(74);
    /// raylib `KEY_K` (75): Key: K | k
    pub const K: Key = Key(75);
    /// raylib `KEY_L` (76): Key: L | l
    pub const L: Key = Key(76);
    /// raylib `KEY_M` (77): Key: M | m
    pub const M: Key = Key(77);
    /// raylib `KEY_N` (78): Key: N | n
    pub const N: Key = Key(78);
    /// raylib `KEY_O` (79): Key: O | o
    pub const O: Key = Key(79);
    /// raylib `KEY_P` (80): Key: P | p
    pub const P: Key = Key(80);
    /// raylib `KEY_Q` (81): Key: Q | q
    pub const Q: Key = Key(81);
    /// raylib `KEY_R` (82): Key: R | r
    pub const R: Key = Key(82);
    /// raylib `KEY_S` (83): Key: S | s
    pub const S: Key = Key(83);
    /// raylib `KEY_T` (84): Key: T | t
    pub const T: Key = Key(84);
    /// raylib `KEY_U` (85): Key: U | u
    pub const U: Key = Key(85);
    /// raylib `KEY_V` (86): Key: V | v
    pub const V: Key = Key(86);
    /// raylib `KEY_W` (87): Key: W | w
    pub const W: Key = Key(87);
    /// raylib `KEY_X` (88): Key: X | x
    pub const X: Key = Key(88);
    /// raylib `KEY_Y` (89): Key: Y | y
    pub const Y: Key = Key(89);
    /// raylib `KEY_Z` (90): Key: Z | z
    pub const Z: Key = Key(90);
    /// raylib `KEY_LEFT_BRACKET` (91): Key: \[
    pub const LEFT_BRACKET: Key = Key(91);
    /// raylib `KEY_BACKSLASH` (92): Key: '\\'
    pub const BACKSLASH: Key = Key(92);
    /// raylib `KEY_RIGHT_BRACKET` (93): Key: \]
    pub const RIGHT_BRACKET: Key = Key(93);
    /// raylib `KEY_GRAVE` (96): Key: \`
    pub const GRAVE: Key = Key(96);
    /// raylib `KEY_SPACE` (32): Key: Space
    pub const SPACE: Key = Key(32);
    /// raylib `KEY_ESCAPE` (256): Key: Esc
    pub const ESCAPE: Key = Key(256);
    /// raylib `KEY_ENTER` (257): Key: Enter
    pub const ENTER: Key = Key(257);
    /// raylib `KEY_TAB` (258): Key: Tab
    pub const TAB: Key = Key(258);
    /// raylib `KEY_BACKSPACE` (259): Key: Backspace
    pub const BACKSPACE: Key = Key(259);
    /// raylib `KEY_INSERT` (260): Key: Ins
    pub const INSERT: Key = Key(260);
    /// raylib `KEY_DELETE` (261): Key: Del
    pub const DELETE: Key = Key(261);
    /// raylib `KEY_RIGHT` (262): Key: Cursor right
    pub const RIGHT: Key = Key(262);
    /// raylib `KEY_LEFT` (263): Key: Cursor left
    pub const LEFT: Key = Key(263);
    /// raylib `KEY_DOWN` (264): Key: Cursor down
    pub const DOWN: Key = Key(264);
    /// raylib `KEY_UP` (265): Key: Cursor up
    pub const UP: Key = Key(265);
    /// raylib `KEY_PAGE_UP` (266): Key: Page up
    pub const PAGE_UP: Key = Key(266);
    /// raylib `KEY_PAGE_DOWN` (267): Key: Page down
    pub const PAGE_DOWN: Key = Key(267);
    /// raylib `KEY_HOME` (268): Key: Home
    pub const HOME: Key = Key(268);
    /// raylib `KEY_END` (269): Key: End
    pub const END: Key = Key(269);
    /// raylib `KEY_CAPS_LOCK` (280): Key: Caps lock
    pub const CAPS_LOCK: Key = Key(280);
    /// raylib `KEY_SCROLL_LOCK` (281): Key: Scroll down
    pub const SCROLL_LOCK: Key = Key(281);
    /// raylib `KEY_NUM_LOCK` (282): Key: Num lock
    pub const NUM_LOCK: Key = Key(282);
    /// raylib `KEY_PRINT_SCREEN` (283): Key: Print screen
    pub const PRINT_SCREEN: Key = Key(283);
    /// raylib `KEY_PAUSE` (284): Key: Pause
    pub const PAUSE: Key = Key(284);
    /// raylib `KEY_F1` (290): Key: F1
    pub const F1: Key = Key(290);
    /// raylib `KEY_F2` (291): Key: F2
    pub const F2: Key = Key(291);
    /// raylib `KEY_F3` (292): Key: F3
    pub const F3: Key = Key(292);
    /// raylib `KEY_F4` (293): Key: F4
    pub const F4: Key = Key(293);
    /// raylib `KEY_F5` (294): Key: F5
    pub const F5: Key = Key(294);
    /// raylib `KEY_F6` (295): Key: F6
    pub const F6: Key = Key(295);
    /// raylib `KEY_F7` (296): Key: F7
    pub const F7: Key = Key(296);
    /// raylib `KEY_F8` (297): Key: F8
    pub const F8: Key = Key(297);
    /// raylib `KEY_F9` (298): Key: F9
    pub const F9: Key = Key(298);
    /// raylib `KEY_F10` (299): Key: F10
    pub const F10: Key = Key(299);
    /// raylib `KEY_F11` (300): Key: F11
    pub const F11: Key = Key(300);
    /// raylib `KEY_F12` (301): Key: F12
    pub const F12: Key = Key(301);
    /// raylib `KEY_LEFT_SHIFT` (340): Key: Shift left
    pub const LEFT_SHIFT: Key = Key(340);
    /// raylib `KEY_LEFT_CONTROL` (341): Key: Control left
    pub const LEFT_CONTROL: Key = Key(341);
    /// raylib `KEY_LEFT_ALT` (342): Key: Alt left
    pub const LEFT_ALT: Key = Key(342);
    /// raylib `KEY_LEFT_SUPER` (343): Key: Super left
    pub const LEFT_SUPER: Key = Key(343);
    /// raylib `KEY_RIGHT_SHIFT` (344): Key: Shift right
    pub const RIGHT_SHIFT: Key = Key(344);
    /// raylib `KEY_RIGHT_CONTROL` (345): Key: Control right
    pub const RIGHT_CONTROL: Key = Key(345);
    /// raylib `KEY_RIGHT_ALT` (346): Key: Alt right
    pub const RIGHT_ALT: Key = Key(346);
    /// raylib `KEY_RIGHT_SUPER` (347): Key: Super right
    pub const RIGHT_SUPER: Key = Key(347);
    /// raylib `KEY_KB_MENU` (348): Key: KB menu
    pub const KB_MENU: Key = Key(348);
    /// raylib `KEY_KP_0` (320): Key: Keypad 0
    pub const KP_0: Key = Key(320);
    /// raylib `KEY_KP_1` (321): Key: Keypad 1
    pub const KP_1: Key = Key(321);
    /// raylib `KEY_KP_2` (322): Key: Keypad 2
    pub const KP_2: Key = Key(322);
    /// raylib `KEY_KP_3` (323): Key: Keypad 3
    pub const KP_3: Key = Key(323);
    /// raylib `KEY_KP_4` (324): Key: Keypad 4
    pub const KP_4: Key = Key(324);
    /// raylib `KEY_KP_5` (325): Key: Keypad 5
    pub const KP_5: Key = Key(325);
    /// raylib `KEY_KP_6` (326): Key: Keypad 6
    pub const KP_6: Key = Key(326);
    /// raylib `KEY_KP_7` (327): Key: Keypad 7
    pub const KP_7: Key = Key(327);
    /// raylib `KEY_KP_8` (328): Key: Keypad 8
    pub const KP_8: Key = Key(328);
    /// raylib `KEY_KP_9` (329): Key: Keypad 9
    pub const KP_9: Key = Key(329);
    /// raylib `KEY_KP_DECIMAL` (330): Key: Keypad .
    pub const KP_DECIMAL: Key = Key(330);
    /// raylib `KEY_KP_DIVIDE` (331): Key: Keypad /
    pub const KP_DIVIDE: Key = Key(331);
    /// raylib `KEY_KP_MULTIPLY` (332): Key: Keypad \*
    pub const KP_MULTIPLY: Key = Key(332);
    /// raylib `KEY_KP_SUBTRACT` (333): Key: Keypad -
    pub const KP_SUBTRACT: Key = Key(333);
    /// raylib `KEY_KP_ADD` (334): Key: Keypad +
    pub const KP_ADD: Key = Key(334);
    /// raylib `KEY_KP_ENTER` (335): Key: Keypad Enter
    pub const KP_ENTER: Key = Key(335);
    /// raylib `KEY_KP_EQUAL` (336): Key: Keypad =
    pub const KP_EQUAL: Key = Key(336);
    /// raylib `KEY_BACK` (4): Key: Android back button
    pub const BACK: Key = Key(4);
    /// raylib `KEY_MENU` (5): Key: Android menu button
    pub const MENU: Key = Key(5);
    /// raylib `KEY_VOLUME_UP` (24): Key: Android volume up button
    pub const VOLUME_UP: Key = Key(24);
    /// raylib `KEY_VOLUME_DOWN` (25): Key: Android volume down button
    pub const VOLUME_DOWN: Key = Key(25);
}

impl MouseButton {
    /// raylib `MOUSE_BUTTON_LEFT` (0): Mouse button left
    pub const LEFT: MouseButton = MouseButton(0);
    /// raylib `MOUSE_BUTTON_RIGHT` (1): Mouse button right
    pub const RIGHT: MouseButton = MouseButton(1);
    /// raylib `MOUSE_BUTTON_MIDDLE` (2): Mouse button middle (pressed wheel)
    pub const MIDDLE: MouseButton = MouseButton(2);
    /// raylib `MOUSE_BUTTON_SIDE` (3): Mouse button side (advanced mouse device)
    pub const SIDE: MouseButton = MouseButton(3);
    /// raylib `MOUSE_BUTTON_EXTRA` (4): Mouse button extra (advanced mouse device)
    pub const EXTRA: MouseButton = MouseButton(4);
    /// raylib `MOUSE_BUTTON_FORWARD` (5): Mouse button forward (advanced mouse device)
    pub const FORWARD: MouseButton = MouseButton(5);
    /// raylib `MOUSE_BUTTON_BACK` (6): Mouse button back (advanced mouse device)
    pub const BACK: MouseButton = MouseButton(6);
}

impl GamepadButton {
    /// raylib `GAMEPAD_BUTTON_UNKNOWN` (0): Unknown button, just for error checking
    pub const UNKNOWN: GamepadButton = GamepadButton(0);
    /// raylib `GAMEPAD_BUTTON_LEFT_FACE_UP` (1): Gamepad left DPAD up button
    pub const LEFT_FACE_UP: GamepadButton = GamepadButton(1);
    /// raylib `GAMEPAD_BUTTON_LEFT_FACE_RIGHT` (2): Gamepad left DPAD right button
    pub const LEFT_FACE_RIGHT: GamepadButton = GamepadButton(2);
    /// raylib `GAMEPAD_BUTTON_LEFT_FACE_DOWN` (3): Gamepad left DPAD down button
    pub const LEFT_FACE_DOWN: GamepadButton = GamepadButton(3);
    /// raylib `GAMEPAD_BUTTON_LEFT_FACE_LEFT` (4): Gamepad left DPAD left button
    pub const LEFT_FACE_LEFT: GamepadButton = GamepadButton(4);
    /// raylib `GAMEPAD_BUTTON_RIGHT_FACE_UP` (5): Gamepad right button up (i.e. PS3: Triangle, Xbox: Y)
    pub const RIGHT_FACE_UP: GamepadButton = GamepadButton(5);
    /// raylib `GAMEPAD_BUTTON_RIGHT_FACE_RIGHT` (6): Gamepad right button right (i.e. PS3: Circle, Xbox: B)
    pub const RIGHT_FACE_RIGHT: GamepadButton = GamepadButton(6);
    /// raylib `GAMEPAD_BUTTON_RIGHT_FACE_DOWN` (7): Gamepad right button down (i.e. PS3: Cross, Xbox: A)
    pub const RIGHT_FACE_DOWN: GamepadButton = GamepadButton(7);
    /// raylib `GAMEPAD_BUTTON_RIGHT_FACE_LEFT` (8): Gamepad right button left (i.e. PS3: Square, Xbox: X)
    pub const RIGHT_FACE_LEFT: GamepadButton = GamepadButton(8);
    /// raylib `GAMEPAD_BUTTON_LEFT_TRIGGER_1` (9): Gamepad top/back trigger left (first), it could be a trailing button
    pub const LEFT_TRIGGER_1: GamepadButton = GamepadButton(9);
    /// raylib `GAMEPAD_BUTTON_LEFT_TRIGGER_2` (10): Gamepad top/back trigger left (second), it could be a trailing button
    pub const LEFT_TRIGGER_2: GamepadButton = GamepadButton(10);
    /// raylib `GAMEPAD_BUTTON_RIGHT_TRIGGER_1` (11): Gamepad top/back trigger right (first), it could be a trailing button
    pub const RIGHT_TRIGGER_1: GamepadButton = GamepadButton(11);
    /// raylib `GAMEPAD_BUTTON_RIGHT_TRIGGER_2` (12): Gamepad top/back trigger right (second), it could be a trailing button
    pub const RIGHT_TRIGGER_2: GamepadButton = GamepadButton(12);
    /// raylib `GAMEPAD_BUTTON_MIDDLE_LEFT` (13): Gamepad center buttons, left one (i.e. PS3: Select)
    pub const MIDDLE_LEFT: GamepadButton = GamepadButton(13);
    /// raylib `GAMEPAD_BUTTON_MIDDLE` (14): Gamepad center buttons, middle one (i.e. PS3: PS, Xbox: XBOX)
    pub const MIDDLE: GamepadButton = GamepadButton(14);
    /// raylib `GAMEPAD_BUTTON_MIDDLE_RIGHT` (15): Gamepad center buttons, right one (i.e. PS3: Start)
    pub const MIDDLE_RIGHT: GamepadButton = GamepadButton(15);
    /// raylib `GAMEPAD_BUTTON_LEFT_THUMB` (16): Gamepad joystick pressed button left
    pub const LEFT_THUMB: GamepadButton = GamepadButton(16);
    /// raylib `GAMEPAD_BUTTON_RIGHT_THUMB` (17): Gamepad joystick pressed button right
    pub const RIGHT_THUMB: GamepadButton = GamepadButton(17);
}

impl GamepadAxis {
    /// raylib `GAMEPAD_AXIS_LEFT_X` (0): Gamepad left stick X axis
    pub const LEFT_X: GamepadAxis = GamepadAxis(0);
    /// raylib `GAMEPAD_AXIS_LEFT_Y` (1): Gamepad left stick Y axis
    pub const LEFT_Y: GamepadAxis = GamepadAxis(1);
    /// raylib `GAMEPAD_AXIS_RIGHT_X` (2): Gamepad right stick X axis
    pub const RIGHT_X: GamepadAxis = GamepadAxis(2);
    /// raylib `GAMEPAD_AXIS_RIGHT_Y` (3): Gamepad right stick Y axis
    pub const RIGHT_Y: GamepadAxis = GamepadAxis(3);
    /// raylib `GAMEPAD_AXIS_LEFT_TRIGGER` (4): Gamepad back trigger left, pressure level: \[1..-1\]
    pub const LEFT_TRIGGER: GamepadAxis = GamepadAxis(4);
    /// raylib `GAMEPAD_AXIS_RIGHT_TRIGGER` (5): Gamepad back trigger right, pressure level: \[1..-1\]
    pub const RIGHT_TRIGGER: GamepadAxis = GamepadAxis(5);
}
// @generated by scripts/gen-keys.ts from raylib's raylib_api.json — do not edit (end)

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_buttons_read_the_right_bytes() {
        let mut data = InputData::default();
        data.keys_down[Key::W.0 as usize] = 1;
        data.keys_down[Key::RIGHT.0 as usize] = 1;
        data.keys_pressed[Key::SPACE.0 as usize] = 1;
        data.keys_released[Key::ESCAPE.0 as usize] = 1;
        data.mouse_x = 3.5;
        data.mouse_y = -1.0;
        data.mouse_down[1] = 1;
        data.mouse_pressed[0] = 1;
        data.mouse_released[6] = 1;
        let input = Input::new(data);
        assert!(input.key_down(Key::W) && input.key_down(Key::RIGHT));
        assert!(!input.key_down(Key::A) && !input.key_down(Key(9999)));
        assert!(input.key_pressed(Key::SPACE) && !input.key_pressed(Key::W));
        assert!(input.key_released(Key::ESCAPE));
        assert!(input.any_key_down(&[Key::UP, Key::W]));
        assert_eq!(input.axis(Key::LEFT, Key::RIGHT), 1.0);
        assert_eq!(input.axis(Key::RIGHT, Key::LEFT), -1.0);
        assert_eq!(input.axis(Key::A, Key::D), 0.0);
        assert_eq!(input.mouse_position(), (3.5, -1.0));
        assert!(input.mouse_down(MouseButton::RIGHT) && !input.mouse_down(MouseButton::LEFT));
        assert!(input.mouse_pressed(MouseButton::LEFT));
        assert!(input.mouse_released(MouseButton::BACK));
        assert!(!input.mouse_released(MouseButton(200)));
        assert_eq!(
            (Key::A.0, Key::Z.0, Key::ZERO.0, Key::NINE.0),
            (65, 90, 48, 57)
        );
        assert_eq!(
            (Key::ENTER.0, Key::UP.0, Key::DOWN.0, Key::LEFT.0),
            (257, 265, 264, 263)
        );
    }

    #[test]
    fn gamepads_read_their_pad_and_slot() {
        let mut data = InputData::default();
        // At rest: no pad, sticks at 0, triggers at -1 (raylib's released trigger).
        let rest = Input::new(data);
        assert!(!rest.gamepad_connected(0));
        assert_eq!(rest.gamepad_axis(0, GamepadAxis::LEFT_X), 0.0);
        assert_eq!(rest.gamepad_axis(3, GamepadAxis::RIGHT_TRIGGER), -1.0);
        assert_eq!(rest.gamepad_axis(9, GamepadAxis::LEFT_TRIGGER), -1.0);
        assert_eq!(rest.gamepad_axis(0, GamepadAxis(200)), 0.0);
        data.gamepad_connected[1] = 1;
        data.gamepad_down[1][GamepadButton::RIGHT_FACE_DOWN.0 as usize] = 1;
        data.gamepad_pressed[1][GamepadButton::MIDDLE_RIGHT.0 as usize] = 1;
        data.gamepad_released[1][GamepadButton::LEFT_FACE_UP.0 as usize] = 1;
        data.gamepad_axes[1][GamepadAxis::LEFT_X.0 as usize] = 0.75;
        data.gamepad_axes[1][GamepadAxis::LEFT_Y.0 as usize] = 0.05;
        let input = Input::new(data);
        assert!(input.gamepad_connected(1) && !input.gamepad_connected(0));
        assert!(!input.gamepad_connected(4) && !input.gamepad_connected(usize::MAX));
        assert!(input.gamepad_down(1, GamepadButton::RIGHT_FACE_DOWN));
        assert!(!input.gamepad_down(0, GamepadButton::RIGHT_FACE_DOWN));
        assert!(!input.gamepad_down(1, GamepadButton::RIGHT_FACE_UP));
        assert!(!input.gamepad_down(7, GamepadButton::RIGHT_FACE_DOWN));
        assert!(!input.gamepad_down(1, GamepadButton(99)));
        assert!(input.gamepad_pressed(1, GamepadButton::MIDDLE_RIGHT));
        assert!(!input.gamepad_pressed(1, GamepadButton::RIGHT_FACE_DOWN));
        assert!(input.gamepad_released(1, GamepadButton::LEFT_FACE_UP));
        assert_eq!(input.gamepad_axis(1, GamepadAxis::LEFT_X), 0.75);
        assert_eq!(input.gamepad_axis(0, GamepadAxis::LEFT_X), 0.0);
        // Keys win while held; else the stick past the dead zone; drift inside it reads 0.
        assert_eq!(
            input.axis_or_stick(Key::LEFT, Key::RIGHT, 1, GamepadAxis::LEFT_X),
            0.75
        );
        assert_eq!(
            input.axis_or_stick(Key::UP, Key::DOWN, 1, GamepadAxis::LEFT_Y),
            0.0
        );
        assert_eq!(
            input.axis_or_stick(Key::LEFT, Key::RIGHT, 0, GamepadAxis::LEFT_X),
            0.0
        );
        data.keys_down[Key::LEFT.0 as usize] = 1;
        let held = Input::new(data);
        assert_eq!(
            held.axis_or_stick(Key::LEFT, Key::RIGHT, 1, GamepadAxis::LEFT_X),
            -1.0
        );
    }

    #[test]
    fn generated_constants_carry_raylibs_codes() {
        // Written by hand from raylib.h, so a wrong generator or keys.ts shows up here too.
        assert_eq!(Key::NULL, Key(0));
        assert_eq!((Key::SEMICOLON.0, Key::EQUAL.0, Key::GRAVE.0), (59, 61, 96));
        assert_eq!((Key::HOME.0, Key::END.0, Key::PAGE_DOWN.0), (268, 269, 267));
        assert_eq!(
            (Key::KP_0.0, Key::KP_ADD.0, Key::KP_EQUAL.0),
            (320, 334, 336)
        );
        assert_eq!((Key::RIGHT_SUPER.0, Key::KB_MENU.0), (347, 348));
        assert_eq!((Key::BACK.0, Key::VOLUME_DOWN.0), (4, 25));
        assert_eq!((MouseButton::LEFT.0, MouseButton::BACK.0), (0, 6));
        assert_eq!(
            (GamepadButton::UNKNOWN.0, GamepadButton::LEFT_FACE_UP.0),
            (0, 1)
        );
        assert_eq!(
            (
                GamepadButton::RIGHT_FACE_DOWN.0,
                GamepadButton::RIGHT_THUMB.0
            ),
            (7, 17)
        );
        assert_eq!(
            (GamepadAxis::LEFT_X.0, GamepadAxis::RIGHT_TRIGGER.0),
            (0, 5)
        );
    }
}
