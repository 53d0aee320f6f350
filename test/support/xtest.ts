/**
 * Keys pressed on the X display as a person would press them, for window tests under Xvfb: XTest
 * (libXtst) makes the server send the key events to the window that has the focus (raylib's, which
 * GLFW focuses when it opens it), so they go through GLFW and raylib exactly as real ones do.
 */
import { dlopen, FFIType, ptr, type Pointer } from "bun:ffi";

/** X keysyms (X11/keysymdef.h) of the keys the tests press. */
export const KeySym = { F5: 0xffc2, F6: 0xffc3, F7: 0xffc4, F8: 0xffc5, F9: 0xffc6, F10: 0xffc7, Shift_L: 0xffe1, Escape: 0xff1b, Right: 0xff53 } as const;

/** A connection to the display in DISPLAY that fakes key events; `close()` when done. */
export class FakeKeyboard {
  readonly #x11 = dlopen("libX11.so.6", {
    XOpenDisplay: { args: [FFIType.ptr], returns: FFIType.ptr },
    XCloseDisplay: { args: [FFIType.ptr], returns: FFIType.i32 },
    XKeysymToKeycode: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.u8 },
    XFlush: { args: [FFIType.ptr], returns: FFIType.i32 },
  });
  readonly #xtst = dlopen("libXtst.so.6", { XTestFakeKeyEvent: { args: [FFIType.ptr, FFIType.u32, FFIType.i32, FFIType.u64], returns: FFIType.i32 } });
  readonly #display: Pointer;

  constructor() {
    const name = Buffer.from(`${process.env.DISPLAY ?? ""}\0`);
    const display = this.#x11.symbols.XOpenDisplay(ptr(name)) as Pointer | null;
    if (!display) throw new Error(`FakeKeyboard: cannot open the X display ${process.env.DISPLAY}`);
    this.#display = display;
  }

  /** Presses (`down`) or releases a key, sent to the server at once. */
  key(keysym: number, down: boolean): void {
    const code = this.#x11.symbols.XKeysymToKeycode(this.#display, keysym);
    if (!code) throw new Error(`FakeKeyboard: no keycode for keysym 0x${keysym.toString(16)}`);
    this.#xtst.symbols.XTestFakeKeyEvent(this.#display, code, down ? 1 : 0, 0);
    this.#x11.symbols.XFlush(this.#display);
  }

  close(): void {
    this.#x11.symbols.XCloseDisplay(this.#display);
    this.#xtst.close();
    this.#x11.close();
  }
}
