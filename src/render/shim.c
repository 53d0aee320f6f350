// hotloop's thin raylib shim: wrappers for what bun:ffi cannot call directly.
//
// bun:ffi passes scalars and pointers only. raylib's Color (4 bytes) travels in an integer
// register on x86-64 SysV, so a u32 works for it and raylib.ts calls those functions directly;
// Vector2, Rectangle, Font and Image (passed or returned by value) need these wrappers.
// Colors arrive here as a packed u32 (r in the lowest byte, as Color lies in memory).
//
// Built by build-raylib.ts: cc -shared -fPIC -O2 against raylib.h, linked to libraylib.
// Bump HL_SHIM_ABI when a signature changes; raylib.ts checks it.

#include <stdint.h>
#include <string.h>

#include "raylib.h"

#define HL_SHIM_ABI 1

// From rlgl.h (declared here so only raylib.h is needed): flush the batch, read the framebuffer.
void rlDrawRenderBatchActive(void);
unsigned char *rlReadScreenPixels(int width, int height);

static inline Color hl_color(uint32_t packed) {
    Color c;
    memcpy(&c, &packed, sizeof c);
    return c;
}

// The shim's ABI version, so the TypeScript side refuses a stale shim.
int hl_abi_version(void) { return HL_SHIM_ABI; }

// Returns component i (0 r, 1 g, 2 b, 3 a) of a Color received BY VALUE: lets a test prove that
// passing a packed u32 where raylib expects a Color is correct on this ABI.
int hl_color_component(Color c, int i) {
    switch (i) {
        case 0: return c.r;
        case 1: return c.g;
        case 2: return c.b;
        default: return c.a;
    }
}

// DrawTextEx with the default font at float position, size and spacing.
void hl_draw_text_ex(const char *text, float x, float y, float font_size, float spacing, uint32_t color) {
    DrawTextEx(GetFontDefault(), text, (Vector2){ x, y }, font_size, spacing, hl_color(color));
}

// MeasureTextEx's width with the default font.
float hl_measure_text_ex(const char *text, float font_size, float spacing) {
    return MeasureTextEx(GetFontDefault(), text, font_size, spacing).x;
}

// DrawCircleV: a circle at a float (sub-pixel) centre.
void hl_draw_circle_v(float x, float y, float radius, uint32_t color) {
    DrawCircleV((Vector2){ x, y }, radius, hl_color(color));
}

// DrawLineEx: a line between float points with a thickness.
void hl_draw_line_ex(float x1, float y1, float x2, float y2, float thick, uint32_t color) {
    DrawLineEx((Vector2){ x1, y1 }, (Vector2){ x2, y2 }, thick, hl_color(color));
}

// DrawRectangleV: a rectangle at a float position and size.
void hl_draw_rectangle_v(float x, float y, float w, float h, uint32_t color) {
    DrawRectangleV((Vector2){ x, y }, (Vector2){ w, h }, hl_color(color));
}

// DrawRectanglePro: a rectangle rotated by `rotation` degrees around origin (ox, oy), relative to (x, y).
void hl_draw_rectangle_pro(float x, float y, float w, float h, float ox, float oy, float rotation, uint32_t color) {
    DrawRectanglePro((Rectangle){ x, y, w, h }, (Vector2){ ox, oy }, rotation, hl_color(color));
}

// GetWindowPosition: the window's top-left on the screen, written to xy[0], xy[1].
void hl_get_window_position(float *xy) {
    Vector2 p = GetWindowPosition();
    xy[0] = p.x;
    xy[1] = p.y;
}

// GetMousePosition: the mouse in window coordinates as floats, written to xy[0], xy[1].
void hl_get_mouse_position(float *xy) {
    Vector2 p = GetMousePosition();
    xy[0] = p.x;
    xy[1] = p.y;
}

// The framebuffer size in pixels (screen size times the DPI scale), as LoadImageFromScreen sees it.
void hl_screen_pixel_size(int *wh) {
    Vector2 scale = GetWindowScaleDPI();
    wh[0] = (int)((float)GetScreenWidth() * scale.x);
    wh[1] = (int)((float)GetScreenHeight() * scale.y);
}

// Copies the current framebuffer as RGBA8, top row first, into out (w*h*4 bytes). Call it after
// drawing and before EndDrawing (the back buffer is undefined after the swap). Returns 0, or -1
// when (w, h) is not the framebuffer size, or -2 when reading failed.
int hl_read_screen(unsigned char *out, int w, int h) {
    int wh[2];
    hl_screen_pixel_size(wh);
    if (w != wh[0] || h != wh[1]) return -1;
    rlDrawRenderBatchActive();
    unsigned char *pixels = rlReadScreenPixels(w, h);
    if (pixels == NULL) return -2;
    memcpy(out, pixels, (size_t)w * (size_t)h * 4);
    MemFree(pixels);
    return 0;
}

// Writes the framebuffer to `path` exactly as given (raylib's TakeScreenshot prefixes the working
// directory); the format follows the extension (.png). Same timing rule as hl_read_screen.
// Returns 1 on success.
int hl_take_screenshot(const char *path) {
    rlDrawRenderBatchActive();
    Image image = LoadImageFromScreen();
    if (image.data == NULL) return 0;
    bool ok = ExportImage(image, path);
    UnloadImage(image);
    return ok ? 1 : 0;
}

// Input flags per code, written by hl_poll_keys and hl_poll_mouse.
enum { HL_DOWN = 1, HL_PRESSED = 2, HL_RELEASED = 4 };

// Fills out[k] with HL_DOWN|HL_PRESSED|HL_RELEASED for every key code 0 <= k < n (n <= 512) in one
// call, instead of three FFI calls per key per frame.
void hl_poll_keys(unsigned char *out, int n) {
    for (int k = 0; k < n; k++) {
        unsigned char f = 0;
        if (k > 0) {
            if (IsKeyDown(k)) f |= HL_DOWN;
            if (IsKeyPressed(k)) f |= HL_PRESSED;
            if (IsKeyReleased(k)) f |= HL_RELEASED;
        }
        out[k] = f;
    }
}

// Same for mouse buttons 0 <= b < n (raylib knows 7: left, right, middle, side, extra, forward, back).
void hl_poll_mouse(unsigned char *out, int n) {
    for (int b = 0; b < n; b++) {
        unsigned char f = 0;
        if (IsMouseButtonDown(b)) f |= HL_DOWN;
        if (IsMouseButtonPressed(b)) f |= HL_PRESSED;
        if (IsMouseButtonReleased(b)) f |= HL_RELEASED;
        out[b] = f;
    }
}
