// The hand-written raylib wrappers hotloop used before the binding was generated (src/render/shim.c
// at commit 98cb4f1, verbatim): kept only so `bun run bench binding` can time the same draw calls
// through the old binding and the generated one. Not part of hotloop.

#include <stdint.h>
#include <string.h>

#include "raylib.h"

static inline Color hl_color(uint32_t packed) {
    Color c;
    memcpy(&c, &packed, sizeof c);
    return c;
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

