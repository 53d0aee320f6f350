//! Keyboard and mouse state (`Res<Input>`), with raylib's key codes.
//!
//! Why raylib's codes: the example renders with raylib, so the host copies raylib's key state
//! into `InputData` without translating.

/// The input data the host writes each frame, exactly as docs/abi.md lays it out (1568 bytes).
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
}

const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(size_of::<InputData>() == 1568);
    assert!(align_of::<InputData>() == 4);
    assert!(offset_of!(InputData, keys_pressed) == 512);
    assert!(offset_of!(InputData, keys_released) == 1024);
    assert!(offset_of!(InputData, mouse_x) == 1536);
    assert!(offset_of!(InputData, mouse_y) == 1540);
    assert!(offset_of!(InputData, mouse_down) == 1544);
    assert!(offset_of!(InputData, mouse_pressed) == 1552);
    assert!(offset_of!(InputData, mouse_released) == 1560);
};

impl Default for InputData {
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
        }
    }
}

/// Keyboard and mouse state for this frame (`Res<Input>`).
///
/// Why "pressed" and "released" besides "down": edge-triggered actions (jump, toggle) must fire
/// once per press, not on every frame the key is held.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Input(InputData);

fn flag(flags: &[u8], index: usize) -> bool {
    flags.get(index).is_some_and(|&f| f != 0)
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

macro_rules! keys {
    ($($name:ident = $code:expr),* $(,)?) => {
        impl Key {
            $(
                #[doc = concat!("raylib `KEY_", stringify!($name), "` (", stringify!($code), ").")]
                pub const $name: Key = Key($code);
            )*
        }
    };
}

keys! {
    APOSTROPHE = 39, COMMA = 44, MINUS = 45, PERIOD = 46, SLASH = 47,
    ZERO = 48, ONE = 49, TWO = 50, THREE = 51, FOUR = 52,
    FIVE = 53, SIX = 54, SEVEN = 55, EIGHT = 56, NINE = 57,
    SEMICOLON = 59, EQUAL = 61,
    A = 65, B = 66, C = 67, D = 68, E = 69, F = 70, G = 71, H = 72, I = 73, J = 74, K = 75,
    L = 76, M = 77, N = 78, O = 79, P = 80, Q = 81, R = 82, S = 83, T = 84, U = 85, V = 86,
    W = 87, X = 88, Y = 89, Z = 90,
    LEFT_BRACKET = 91, BACKSLASH = 92, RIGHT_BRACKET = 93, GRAVE = 96,
    SPACE = 32, ESCAPE = 256, ENTER = 257, TAB = 258, BACKSPACE = 259, INSERT = 260,
    DELETE = 261, RIGHT = 262, LEFT = 263, DOWN = 264, UP = 265, PAGE_UP = 266,
    PAGE_DOWN = 267, HOME = 268, END = 269, CAPS_LOCK = 280, SCROLL_LOCK = 281,
    NUM_LOCK = 282, PRINT_SCREEN = 283, PAUSE = 284,
    F1 = 290, F2 = 291, F3 = 292, F4 = 293, F5 = 294, F6 = 295,
    F7 = 296, F8 = 297, F9 = 298, F10 = 299, F11 = 300, F12 = 301,
    LEFT_SHIFT = 340, LEFT_CONTROL = 341, LEFT_ALT = 342, LEFT_SUPER = 343,
    RIGHT_SHIFT = 344, RIGHT_CONTROL = 345, RIGHT_ALT = 346, RIGHT_SUPER = 347, KB_MENU = 348,
    KP_0 = 320, KP_1 = 321, KP_2 = 322, KP_3 = 323, KP_4 = 324,
    KP_5 = 325, KP_6 = 326, KP_7 = 327, KP_8 = 328, KP_9 = 329,
    KP_DECIMAL = 330, KP_DIVIDE = 331, KP_MULTIPLY = 332, KP_SUBTRACT = 333,
    KP_ADD = 334, KP_ENTER = 335, KP_EQUAL = 336,
}

/// A mouse button, by raylib button code (`MouseButton::LEFT` is 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MouseButton(pub u8);

impl MouseButton {
    /// raylib `MOUSE_BUTTON_LEFT` (0).
    pub const LEFT: MouseButton = MouseButton(0);
    /// raylib `MOUSE_BUTTON_RIGHT` (1).
    pub const RIGHT: MouseButton = MouseButton(1);
    /// raylib `MOUSE_BUTTON_MIDDLE` (2).
    pub const MIDDLE: MouseButton = MouseButton(2);
    /// raylib `MOUSE_BUTTON_SIDE` (3).
    pub const SIDE: MouseButton = MouseButton(3);
    /// raylib `MOUSE_BUTTON_EXTRA` (4).
    pub const EXTRA: MouseButton = MouseButton(4);
    /// raylib `MOUSE_BUTTON_FORWARD` (5).
    pub const FORWARD: MouseButton = MouseButton(5);
    /// raylib `MOUSE_BUTTON_BACK` (6).
    pub const BACK: MouseButton = MouseButton(6);
}

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
}
