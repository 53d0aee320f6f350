// hotloop's thin raylib shim: wrappers for what bun:ffi cannot call directly.
//
// raylib's own functions are bound whole by the generated binding (raylib.gen.ts, and the
// by-value wrappers of shim.gen.c, both from scripts/gen-raylib.ts). This file holds what hotloop
// adds: a window that opens without crashing the process, reading the screen back, batched input
// polling, the draw list, texture slots. Colors arrive as a packed u32 (r in the lowest byte, as
// Color lies in memory).
//
// Built by build-raylib.ts: cc -shared -fPIC -O2 against raylib.h, linked to libraylib.
// Bump HL_SHIM_ABI when a signature changes; raylib.ts checks it.

// setenv and unsetenv (POSIX), which -std=c99 alone does not declare.
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "raylib.h"

#define HL_SHIM_ABI 6

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

// ---------------------------------------------------------------------------------------------
// Opening the window without crashing the process
//
// raylib crashes the process when GLFW cannot make a window or a GL context (no GLX, no usable
// visual, no GL driver): InitPlatform goes on with a NULL window into GetCurrentMonitor (segfault
// in _glfwGetWindowPosX11, seen under `Xvfb -extension GLX`), and InitWindow ignores
// InitPlatform's result and calls rlglInit without a context. A trace-log callback installed
// around InitWindow sees every failure on the way, as raylib logs it, and longjmps back here before
// raylib can use what is missing:
//  - GLFW's errors (raylib logs them as "GLFW: Error: <code> Description: ..."), for the codes
//    that only window/context creation raises and that always make it fail;
//  - the lines raylib logs just before each early `return -1` of InitPlatform (hl_platform_failures;
//    other "GLFW: Failed to find..." lines are harmless and pass).
// No lock is held across either callback (GLFW calls its error callback after releasing its own).
// GLFW keeps the half-made window struct of a failed glfwCreateWindow; the process can run on
// headless, which is what it is for.
// ---------------------------------------------------------------------------------------------

// raylib has no getter for its log threshold, so the shim keeps the one it was given.
static int hl_log_level = LOG_INFO; // raylib's default

// GLFW error codes (glfw3.h) raised only while creating a window or its context, always fatal to it.
#define HL_GLFW_API_UNAVAILABLE 0x00010006
#define HL_GLFW_VERSION_UNAVAILABLE 0x00010007
#define HL_GLFW_PLATFORM_ERROR 0x00010008
#define HL_GLFW_FORMAT_UNAVAILABLE 0x00010009

// What raylib 5.6-dev's InitPlatform logs right before giving up (rcore_desktop_glfw.c).
static const char *const hl_platform_failures[] = {
    "GLFW: Failed to initialize GLFW",
    "GLFW: Failed to get primary monitor",
    "GLFW: Failed to determine Monitor to center Window",
    "GLFW: Failed to initialize Window",
    "PLATFORM: Failed to initialize graphics device",
    "PLATFORM: Failed to initialize graphic device",
};

static jmp_buf hl_init_jump;
static int hl_initializing = 0;
static char hl_init_reason[512];     // the failure line, then GLFW's own description of the error
static char hl_init_glfw_error[256]; // the last "GLFW: Error: ... Description: ..." seen
static char hl_init_log[4096];       // warnings held back until the outcome is known
static size_t hl_init_log_len = 0;

// SetTraceLogLevel through the shim, so hl_init_window knows what the user asked to see.
void hl_set_trace_log_level(int level) {
    hl_log_level = level;
    SetTraceLogLevel(level);
}

// The threshold hl_set_trace_log_level last set (raylib has no getter of its own).
int hl_trace_log_level(void) { return hl_log_level; }

static const char *hl_level_prefix(int type) {
    switch (type) {
        case LOG_TRACE: return "TRACE: ";
        case LOG_DEBUG: return "DEBUG: ";
        case LOG_INFO: return "INFO: ";
        case LOG_WARNING: return "WARNING: ";
        case LOG_ERROR: return "ERROR: ";
        case LOG_FATAL: return "FATAL: ";
        default: return "";
    }
}

static void hl_init_trace(int type, const char *text, va_list args) {
    char msg[512];
    vsnprintf(msg, sizeof msg, text, args);
    if (type >= hl_log_level) {
        // At INFO or below the user wants raylib's log as it happens; otherwise warnings wait, and
        // a failure is summed up in one line rather than repeated.
        if (hl_log_level <= LOG_INFO) {
            printf("%s%s\n", hl_level_prefix(type), msg);
            fflush(stdout);
        } else {
            int n = snprintf(hl_init_log + hl_init_log_len, sizeof hl_init_log - hl_init_log_len, "%s%s\n", hl_level_prefix(type), msg);
            if (n > 0) hl_init_log_len += (size_t)n;
            if (hl_init_log_len >= sizeof hl_init_log) hl_init_log_len = sizeof hl_init_log - 1;
        }
    }
    if (!hl_initializing || IsWindowReady()) return;
    if (strncmp(text, "GLFW: Error:", 12) == 0) {
        int code = 0;
        sscanf(msg, "GLFW: Error: %d", &code);
        const char *d = strstr(msg, "Description: ");
        d = d ? d + 13 : msg;
        snprintf(hl_init_glfw_error, sizeof hl_init_glfw_error, "%.255s", d);
        // PLATFORM_ERROR is also raised for things GLFW shrugs off (a RandR query at glfwInit):
        // only its window-creation failures count.
        int fatal = code == HL_GLFW_API_UNAVAILABLE || code == HL_GLFW_VERSION_UNAVAILABLE || code == HL_GLFW_FORMAT_UNAVAILABLE ||
            (code == HL_GLFW_PLATFORM_ERROR && (strncmp(d, "X11: Failed to create window", 28) == 0 || strncmp(d, "GLX: Failed to", 14) == 0));
        if (fatal) {
            snprintf(hl_init_reason, sizeof hl_init_reason, "GLFW could not create the window: %.400s", d);
            longjmp(hl_init_jump, 1);
        }
        return;
    }
    for (size_t i = 0; i < sizeof hl_platform_failures / sizeof hl_platform_failures[0]; i++) {
        if (strcmp(text, hl_platform_failures[i]) != 0) continue;
        if (hl_init_glfw_error[0]) snprintf(hl_init_reason, sizeof hl_init_reason, "%.200s (%.255s)", msg, hl_init_glfw_error);
        else snprintf(hl_init_reason, sizeof hl_init_reason, "%.500s", msg);
        longjmp(hl_init_jump, 1);
    }
}

// InitWindow that returns 1 when the window is ready, or 0 with a one-line reason in `reason`
// (reason_len bytes, NUL-terminated) when raylib's platform layer failed to start.
int hl_init_window(int width, int height, const char *title, char *reason, int reason_len) {
    hl_init_reason[0] = 0;
    hl_init_glfw_error[0] = 0;
    hl_init_log[0] = 0;
    hl_init_log_len = 0;
    SetTraceLogCallback(hl_init_trace);
    // The failure lines are warnings: let them reach the callback whatever the user's threshold.
    SetTraceLogLevel(hl_log_level < LOG_WARNING ? hl_log_level : LOG_WARNING);
    volatile int ready = 0;
    hl_initializing = 1;
    if (setjmp(hl_init_jump) == 0) {
        InitWindow(width, height, title);
        ready = IsWindowReady();
    }
    hl_initializing = 0;
    SetTraceLogCallback(NULL);
    SetTraceLogLevel(hl_log_level);
    if (ready) {
        if (hl_init_log_len > 0) {
            fputs(hl_init_log, stdout);
            fflush(stdout);
        }
        return 1;
    }
    if (reason != NULL && reason_len > 0) {
        snprintf(reason, (size_t)reason_len, "%s", hl_init_reason[0] ? hl_init_reason : "raylib's platform layer did not start");
    }
    return 0;
}

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

// Loads the image at `path` and makes it the window's icon (SetWindowIcon takes the Image by
// value). Returns 1 on success, 0 when the file cannot be loaded as an image.
int hl_set_window_icon_file(const char *path) {
    Image image = LoadImage(path);
    if (image.data == NULL) return 0;
    ImageFormat(&image, PIXELFORMAT_UNCOMPRESSED_R8G8B8A8); // SetWindowIcon takes RGBA only (an RGB PNG, a JPEG)
    SetWindowIcon(image);
    UnloadImage(image);
    return 1;
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

// ---------------------------------------------------------------------------------------------
// The draw list (docs/abi.md, "The draw list"): a frame's shapes, text and sprites, written by
// TypeScript and hot Rust systems into host memory and drawn here in one call, so 100k shapes
// cost one FFI crossing rather than 100k.
// ---------------------------------------------------------------------------------------------

// DrawListData, as the SDK and src/core/draw-list.ts lay it out.
typedef struct {
    uint64_t records;       // hl_draw_record *
    uint32_t capacity;
    uint32_t len;
    uint64_t text;          // char *: NUL-terminated strings
    uint32_t text_capacity;
    uint32_t text_len;
    uint64_t textures;      // uint64_t *: name hashes (read by the writers, not here)
    uint32_t texture_count;
    uint32_t font_count;
    uint64_t fonts;         // uint64_t *: name hashes (read by the writers, not here)
} hl_draw_list_data;

// DrawRecord: what a..d mean depends on kind.
typedef struct {
    uint32_t kind;
    uint32_t color;
    float x, y, a, b, c;
    uint32_t d;
} hl_draw_record;

// DrawExtension: the record after a wide one (kind 0), its index and six more floats.
typedef struct {
    uint32_t kind;
    uint32_t index;
    float f[6];
} hl_draw_extension;

_Static_assert(sizeof(hl_draw_list_data) == 56, "DrawListData is 56 bytes");
_Static_assert(sizeof(hl_draw_record) == 32, "DrawRecord is 32 bytes");
_Static_assert(sizeof(hl_draw_extension) == 32, "DrawExtension is 32 bytes");
_Static_assert(sizeof(Texture2D) == 20, "Texture2D is 20 bytes (src/render/textures.ts)");
_Static_assert(sizeof(Font) == 48, "Font is 48 bytes (src/render/fonts.ts)");
_Static_assert(sizeof(Camera2D) == 24, "Camera2D is 24 bytes (src/core/camera.ts)");

enum { HL_EXTENSION = 0, HL_CIRCLE, HL_CIRCLE_LINES, HL_RECT, HL_RECT_LINES, HL_LINE, HL_TEXT, HL_SPRITE, HL_SPRITE_PRO, HL_TEXT_FONT };
#define HL_KIND_MASK 0xffu
#define HL_SCREEN 0x100u // drawn outside the camera (the HUD)

// Nearest whole pixel, without libm (DrawText takes ints).
static inline int hl_round(float v) { return (int)(v < 0.0f ? v - 0.5f : v + 0.5f); }

// Whether the camera leaves every point where it is: then no BeginMode2D at all, so a game that
// never moves it draws exactly as without one (and pays no batch flush per switch).
static int hl_camera_moves(const Camera2D *camera) {
    return camera != NULL && !(camera->rotation == 0.0f && camera->zoom == 1.0f && camera->offset.x == camera->target.x && camera->offset.y == camera->target.y);
}

// Draws the list's records in order. `textures` is the host's Texture2D array, indexed like the
// list's texture table, and `fonts` its Font array, indexed like the font table (null: sprites,
// or text in a font, draw nothing); `camera` the 2D camera world records are drawn through (null:
// none). A sprite whose index is out of range, or whose texture is not loaded (id 0), draws
// nothing, as does a font text whose font is not loaded, a text record whose offset is not inside
// the written arena, and a wide record without its extension. Call it between BeginDrawing and
// EndDrawing; it leaves the mode as it found it (no camera).
void hl_draw_list(const void *list, const Texture2D *textures, const Font *fonts, const Camera2D *camera) {
    if (list == NULL) return;
    const hl_draw_list_data *l = (const hl_draw_list_data *)list;
    const hl_draw_record *records = (const hl_draw_record *)(uintptr_t)l->records;
    if (records == NULL) return;
    uint32_t n = l->len < l->capacity ? l->len : l->capacity;
    const char *text = (const char *)(uintptr_t)l->text;
    uint32_t text_len = l->text_len <= l->text_capacity ? l->text_len : 0;
    // Every offset below text_len then finds a NUL before the end of what was written.
    int text_ok = text != NULL && text_len > 0 && text[text_len - 1] == '\0';
    int use_camera = hl_camera_moves(camera);
    int in_camera = 0;
    for (uint32_t i = 0; i < n; i++) {
        const hl_draw_record *r = &records[i];
        uint32_t kind = r->kind & HL_KIND_MASK;
        if (kind == HL_EXTENSION) continue; // a wide record's second half, or a stray one
        // A wide record's extension follows it; one cut off by the end of the list draws nothing.
        const hl_draw_extension *e = NULL;
        if (kind == HL_SPRITE_PRO || kind == HL_TEXT_FONT) {
            if (i + 1 >= n || (records[i + 1].kind & HL_KIND_MASK) != HL_EXTENSION) continue;
            e = (const hl_draw_extension *)&records[++i];
        }
        if (use_camera && in_camera != ((r->kind & HL_SCREEN) == 0)) {
            if (in_camera) EndMode2D();
            else BeginMode2D(*camera);
            in_camera = !in_camera;
        }
        Color color = hl_color(r->color);
        switch (kind) {
            case HL_CIRCLE: DrawCircleV((Vector2){ r->x, r->y }, r->a, color); break;
            case HL_CIRCLE_LINES: DrawCircleLinesV((Vector2){ r->x, r->y }, r->a, color); break;
            case HL_RECT: DrawRectangleV((Vector2){ r->x, r->y }, (Vector2){ r->a, r->b }, color); break;
            case HL_RECT_LINES: DrawRectangleLinesEx((Rectangle){ r->x, r->y, r->a, r->b }, 1.0f, color); break;
            case HL_LINE: DrawLineEx((Vector2){ r->x, r->y }, (Vector2){ r->a, r->b }, r->c, color); break;
            case HL_TEXT:
                if (text_ok && r->d < text_len) DrawText(text + r->d, hl_round(r->x), hl_round(r->y), hl_round(r->a), color);
                break;
            case HL_SPRITE:
                if (textures != NULL && r->d < l->texture_count && textures[r->d].id != 0) {
                    DrawTextureEx(textures[r->d], (Vector2){ r->x, r->y }, r->b, r->a, color);
                }
                break;
            case HL_SPRITE_PRO:
                if (textures != NULL && r->d < l->texture_count && textures[r->d].id != 0) {
                    DrawTexturePro(textures[r->d], (Rectangle){ e->f[0], e->f[1], e->f[2], e->f[3] }, (Rectangle){ r->x, r->y, r->a, r->b },
                                   (Vector2){ e->f[4], e->f[5] }, r->c, color);
                }
                break;
            case HL_TEXT_FONT:
                if (text_ok && r->d < text_len && fonts != NULL && e->index < l->font_count && fonts[e->index].texture.id != 0) {
                    DrawTextEx(fonts[e->index], text + r->d, (Vector2){ r->x, r->y }, r->a, r->b, color);
                }
                break;
            default: break; // a kind from a newer writer: skipped
        }
    }
    if (in_camera) EndMode2D();
}

// LoadTexture into *out (raylib returns the struct by value). Returns 1 when it loaded; 0 when
// raylib could not (its log says why), leaving *out untouched. Needs the window's GL context.
int hl_load_texture(const char *path, Texture2D *out) {
    Texture2D t = LoadTexture(path);
    if (t.id == 0) return 0;
    *out = t;
    return 1;
}

// UnloadTexture(*texture) (raylib takes the struct by value); nothing for id 0.
void hl_unload_texture(const Texture2D *texture) {
    if (texture != NULL && texture->id != 0) UnloadTexture(*texture);
}

// ---------------------------------------------------------------------------------------------
// Gamepads (src/render/plugin.ts's input poller), in one call a frame.
// ---------------------------------------------------------------------------------------------

// For each pad p < pads (at most raylib's 4) that raylib has connected: buttons[p * nb + b] =
// HL_DOWN|HL_PRESSED|HL_RELEASED for every button b < nb (at most 32), and axes[p * na + a] =
// GetGamepadAxisMovement for every axis a < na (at most 8). A pad that is not connected is left
// untouched. Returns the connected pads as bits (pad p is bit p): 0, the common case of no
// gamepad, costs four flag reads and writes nothing.
int hl_poll_gamepads(unsigned char *buttons, float *axes, int pads, int nb, int na) {
    if (pads > 4) pads = 4;
    if (nb > 32) nb = 32;
    if (na > 8) na = 8;
    int connected = 0;
    for (int p = 0; p < pads; p++) {
        if (!IsGamepadAvailable(p)) continue;
        connected |= 1 << p;
        for (int b = 0; b < nb; b++) {
            unsigned char f = 0;
            if (IsGamepadButtonDown(p, b)) f |= HL_DOWN;
            if (IsGamepadButtonPressed(p, b)) f |= HL_PRESSED;
            if (IsGamepadButtonReleased(p, b)) f |= HL_RELEASED;
            buttons[p * nb + b] = f;
        }
        for (int a = 0; a < na; a++) axes[p * na + a] = GetGamepadAxisMovement(p, a);
    }
    return connected;
}

// ---------------------------------------------------------------------------------------------
// Fonts (src/render/fonts.ts): loaded from files into the host's Font array, which text records
// of the draw list index. raylib returns and takes Font (48 bytes) by value.
// ---------------------------------------------------------------------------------------------

static uint32_t hl_be32(const unsigned char *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

// Why the bytes are not a font raylib can read safely, or NULL. stb_truetype (raylib's font
// reader) trusts the file: a table directory longer than the file, or a table past its end, is
// read out of bounds (a crash, or garbage), and a save caught half-written is just that. The
// header and every table's extent are checked here first.
static const char *hl_font_data_problem(const unsigned char *data, int size) {
    if (size < 12) return "the file is too short to be a font";
    uint32_t version = hl_be32(data);
    if (version == 0x74746366u) return "it is a font collection (.ttc): give one .ttf or .otf font";
    if (version != 0x00010000u && version != 0x74727565u && version != 0x4f54544fu) return "it is not a TrueType or OpenType font";
    uint32_t tables = ((uint32_t)data[4] << 8) | data[5];
    if (12u + 16u * tables > (uint32_t)size) return "it is cut short (its table directory ends past the end of the file)";
    for (uint32_t t = 0; t < tables; t++) {
        const unsigned char *entry = data + 12 + 16 * t;
        uint64_t end = (uint64_t)hl_be32(entry + 8) + hl_be32(entry + 12);
        if (end > (uint64_t)size) return "it is cut short (a table ends past the end of the file)";
    }
    return NULL;
}

// Loads the .ttf/.otf font at `path` with the 95 printable ASCII glyphs rasterised at `size`
// pixels into *out. Returns 1 when it loaded; 0 with a one-line reason in `reason` (reason_len
// bytes, NUL-terminated) when it did not, leaving *out untouched: a file that cannot be read, is
// not such a font, or is cut short (raylib would fall back to its default font, which is not ours
// to keep or unload, or read past the data). Needs the window's GL context.
int hl_load_font(const char *path, int size, Font *out, char *reason, int reason_len) {
    const char *problem = NULL;
    const char *ext = GetFileExtension(path);
    if (ext == NULL || !(TextIsEqual(TextToLower(ext), ".ttf") || TextIsEqual(TextToLower(ext), ".otf"))) {
        problem = "raylib reads fonts from .ttf and .otf files";
    } else if (size < 1 || size > 1024) {
        problem = "the size must be from 1 to 1024 pixels";
    }
    int data_size = 0;
    unsigned char *data = problem == NULL ? LoadFileData(path, &data_size) : NULL;
    if (problem == NULL && data == NULL) problem = "the file cannot be read";
    if (problem == NULL) problem = hl_font_data_problem(data, data_size);
    Font font = { 0 };
    if (problem == NULL) {
        font = LoadFontFromMemory(".ttf", data, data_size, size, NULL, 0);
        if (!IsFontValid(font) || font.texture.id == 0 || font.texture.id == GetFontDefault().texture.id) {
            problem = "raylib could not read its glyphs";
            font = (Font){ 0 };
        }
    }
    if (data != NULL) UnloadFileData(data);
    if (problem != NULL) {
        if (reason != NULL && reason_len > 0) snprintf(reason, (size_t)reason_len, "%s", problem);
        return 0;
    }
    *out = font;
    return 1;
}

// UnloadFont(*font) (raylib takes the struct by value); nothing for an empty one (texture id 0).
void hl_unload_font(const Font *font) {
    if (font != NULL && font->texture.id != 0) UnloadFont(*font);
}

// ---------------------------------------------------------------------------------------------
// The audio device, opened quietly, and a silent one that keeps time
//
// raylib's InitAudioDevice opens miniaudio's first backend that starts (PulseAudio, then ALSA, then
// its own silent Null backend when neither library is there). Where ALSA is installed but there is
// no sound card (CI, a server, a container), it fails, and libasound prints about fifteen
// "ALSA lib ..." lines on stderr on the way. hl_open_audio silences those (libasound's error
// handler, whose setter the caller passes in: the caller dlopens libasound, so the shim links to
// neither it nor libdl), keeps raylib's own warning for the one line the caller prints, and can
// point ALSA's default device at a configuration of the caller's (src/render/alsa-null.conf).
//
// That configuration is ALSA's `null` device behind its `file` plugin, writing into a pipe made
// here: `null` alone takes samples as fast as they come (raylib's mixing thread then spins a core,
// and a 20-second sound is over in 20 ms), while a pipe blocks the mixing thread once it is full.
// hl_audio_pace reads from it as much as the game's time allows (called once a frame), so sounds
// play for their length and streams advance with the game's frames. Nothing is heard.
// ---------------------------------------------------------------------------------------------

// libasound's snd_lib_error_handler_t and snd_lib_error_set_handler (alsa/error.h).
typedef void (*hl_alsa_handler)(const char *file, int line, const char *function, int err, const char *fmt, ...);
typedef int (*hl_alsa_set_handler)(hl_alsa_handler handler);

static char hl_alsa_first[256];    // ALSA's first error of the attempt: the most telling one
static char hl_audio_warning[256]; // raylib's "AUDIO: ..." warning, without its prefix
static char hl_audio_backend[64];  // miniaudio's backend, from raylib's INFO line
static int hl_audio_sample_bits = 32, hl_audio_channels = 2, hl_audio_rate = 48000; // the device's format, from raylib's INFO lines
static hl_alsa_set_handler hl_alsa_setter = NULL;

// The paced device's pipe (-1: none): ALSA writes into [1], hl_audio_pace reads [0].
static int hl_pace_fds[2] = { -1, -1 };
static double hl_pace_carry = 0.0; // a fraction of a byte the last pace could not read

// Keeps ALSA's first error of an attempt instead of printing it (and every later one).
static void hl_alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file;
    (void)line;
    (void)function;
    (void)err;
    if (hl_alsa_first[0] || fmt == NULL) return;
    va_list args;
    va_start(args, fmt);
    vsnprintf(hl_alsa_first, sizeof hl_alsa_first, fmt, args);
    va_end(args);
}

// The number after the first "-> " in `msg` (raylib's format lines have one), or `fallback`.
static int hl_after_arrow(const char *msg, int fallback) {
    const char *arrow = strstr(msg, "-> ");
    int value = 0;
    return arrow != NULL && sscanf(arrow + 3, "%d", &value) == 1 && value > 0 ? value : fallback;
}

// raylib's log during InitAudioDevice: the backend and the device's format are kept from its INFO
// lines, its audio warnings for the caller's one line (printed too when the user asked for raylib's
// INFO log), the rest goes out as raylib would print it at the user's threshold.
static void hl_audio_trace(int type, const char *text, va_list args) {
    char msg[512];
    vsnprintf(msg, sizeof msg, text, args);
    const char *backend = strstr(msg, "> Backend:");
    if (backend != NULL) {
        const char *bar = strchr(backend, '|');
        snprintf(hl_audio_backend, sizeof hl_audio_backend, "%.63s", bar != NULL ? bar + 2 : backend + 10);
    }
    if (strstr(msg, "> Format:") != NULL) hl_audio_sample_bits = hl_after_arrow(msg, 32); // "32-bit IEEE Floating Point"
    if (strstr(msg, "> Channels:") != NULL) hl_audio_channels = hl_after_arrow(msg, 2);
    if (strstr(msg, "> Sample rate:") != NULL) hl_audio_rate = hl_after_arrow(msg, 48000);
    int warning = type == LOG_WARNING && strncmp(msg, "AUDIO: ", 7) == 0;
    if (warning && !hl_audio_warning[0]) snprintf(hl_audio_warning, sizeof hl_audio_warning, "%.255s", msg + 7);
    if (type >= hl_log_level && (!warning || hl_log_level <= LOG_INFO)) {
        printf("%s%s\n", hl_level_prefix(type), msg);
        fflush(stdout);
    }
}

// An environment variable's value before an attempt changed it, to put back after.
typedef struct {
    const char *name;
    int had;
    char value[1024];
} hl_saved_env;

static void hl_env_save(hl_saved_env *saved, const char *name) {
    const char *value = getenv(name);
    saved->name = name;
    saved->had = value != NULL && strlen(value) < sizeof saved->value;
    if (saved->had) snprintf(saved->value, sizeof saved->value, "%s", value);
}

static void hl_env_restore(const hl_saved_env *saved) {
    if (saved->had) setenv(saved->name, saved->value, 1);
    else unsetenv(saved->name);
}

static void hl_pace_close(void) {
    for (int i = 0; i < 2; i++) {
        if (hl_pace_fds[i] >= 0) close(hl_pace_fds[i]);
        hl_pace_fds[i] = -1;
    }
    hl_pace_carry = 0.0;
}

// InitAudioDevice, quietly. `alsa_config`: NULL for the default device; else ALSA_CONFIG_PATH for
// the attempt (and PULSE_SERVER pointed nowhere, so a running PulseAudio is not chosen first), both
// put back afterwards (libc's environment: what libasound and libpulse read). `paced`: make the
// pipe the configuration's file plugin writes into (its fd in HOTLOOP_NULL_AUDIO_FD for the
// attempt). `set_alsa_handler`: libasound's snd_lib_error_set_handler, or NULL when there is no
// libasound. Returns 1 when the device is ready, with miniaudio's backend name in `out` ("ALSA",
// "PulseAudio", "Null"); 0 with a one-line reason in `out` (raylib's warning, and ALSA's first
// error when there was one).
int hl_open_audio(const char *alsa_config, int paced, void *set_alsa_handler, char *out, int out_len) {
    // raylib's InitAudioDevice does not check: a second one would init miniaudio's context over the
    // live one, and the pacing pipe below would be closed under the running mixer.
    if (IsAudioDeviceReady()) {
        if (out != NULL && out_len > 0) snprintf(out, (size_t)out_len, "%s", "the audio device is open already (close it first)");
        return 0;
    }
    hl_alsa_set_handler set_handler = NULL;
    // A data pointer to a function pointer: what dlsym hands out too (POSIX guarantees it works).
    memcpy(&set_handler, &set_alsa_handler, sizeof set_handler);
    hl_alsa_setter = set_handler;
    hl_alsa_first[0] = 0;
    hl_audio_warning[0] = 0;
    hl_audio_backend[0] = 0;
    hl_audio_sample_bits = 32;
    hl_audio_channels = 2;
    hl_audio_rate = 48000;
    hl_pace_close();
    char fd_text[16] = "";
    if (paced && pipe(hl_pace_fds) == 0) {
        // Only this process reads and writes it; a child must not hold the write end open.
        fcntl(hl_pace_fds[0], F_SETFD, FD_CLOEXEC);
        fcntl(hl_pace_fds[1], F_SETFD, FD_CLOEXEC);
        fcntl(hl_pace_fds[0], F_SETFL, O_NONBLOCK); // pacing reads what is there; the writer blocks
        snprintf(fd_text, sizeof fd_text, "%d", hl_pace_fds[1]);
    }
    hl_saved_env alsa_env, pulse_env, fd_env;
    if (alsa_config != NULL) {
        hl_env_save(&alsa_env, "ALSA_CONFIG_PATH");
        hl_env_save(&pulse_env, "PULSE_SERVER");
        hl_env_save(&fd_env, "HOTLOOP_NULL_AUDIO_FD");
        setenv("ALSA_CONFIG_PATH", alsa_config, 1);
        setenv("PULSE_SERVER", "unix:/nonexistent/hotloop-null-audio", 1);
        if (fd_text[0]) setenv("HOTLOOP_NULL_AUDIO_FD", fd_text, 1);
    }
    if (set_handler != NULL) set_handler(hl_alsa_quiet);
    SetTraceLogCallback(hl_audio_trace);
    SetTraceLogLevel(LOG_INFO); // the backend and format lines are INFO ones
    InitAudioDevice();
    SetTraceLogCallback(NULL);
    SetTraceLogLevel(hl_log_level);
    if (set_handler != NULL) set_handler(NULL); // libasound's own handler again
    if (alsa_config != NULL) {
        hl_env_restore(&alsa_env);
        hl_env_restore(&pulse_env);
        hl_env_restore(&fd_env);
    }
    int ready = IsAudioDeviceReady();
    if (!ready) hl_pace_close();
    if (out != NULL && out_len > 0) {
        if (ready) snprintf(out, (size_t)out_len, "%s", hl_audio_backend[0] ? hl_audio_backend : "unknown");
        else if (hl_alsa_first[0]) snprintf(out, (size_t)out_len, "%s (ALSA: %s)", hl_audio_warning[0] ? hl_audio_warning : "raylib could not open it", hl_alsa_first);
        else snprintf(out, (size_t)out_len, "%s", hl_audio_warning[0] ? hl_audio_warning : "raylib could not open it");
    }
    return ready ? 1 : 0;
}

// Lets the paced device play `seconds` more: reads that much of what it was given (at the format
// raylib reported) from the pipe, without waiting. Returns the bytes read; 0 without a paced device.
int hl_audio_pace(double seconds) {
    if (hl_pace_fds[0] < 0 || !(seconds > 0.0)) return 0;
    double want = seconds * (double)hl_audio_rate * (double)hl_audio_channels * (double)(hl_audio_sample_bits / 8) + hl_pace_carry;
    if (want > 16.0 * 1024 * 1024) want = 16.0 * 1024 * 1024; // a long hitch: the pipe holds far less anyway
    size_t left = (size_t)want;
    hl_pace_carry = want - (double)left;
    int total = 0;
    static char sink[16384];
    while (left > 0) {
        ssize_t n = read(hl_pace_fds[0], sink, left < sizeof sink ? left : sizeof sink);
        if (n <= 0) break; // empty (the mixing thread is behind: it is not blocked either), or closed
        left -= (size_t)n;
        total += (int)n;
    }
    return total;
}

// CloseAudioDevice, unblocking the paced device first: from now on its writes go to /dev/null, and
// the pipe is emptied so a write already waiting on it completes (a write is at most two of ALSA's
// buffers, far below the pipe's 64 KiB). raylib's mixing thread then stops without waiting on us.
void hl_close_audio(void) {
    if (hl_pace_fds[1] >= 0) {
        int sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (sink >= 0) {
            dup2(sink, hl_pace_fds[1]);
            close(sink);
        }
        static char drain[16384];
        while (read(hl_pace_fds[0], drain, sizeof drain) > 0) {}
    }
    if (hl_alsa_setter != NULL) hl_alsa_setter(hl_alsa_quiet); // a write cut short is not news
    if (IsAudioDeviceReady()) CloseAudioDevice();
    if (hl_alsa_setter != NULL) hl_alsa_setter(NULL);
    hl_pace_close();
}
