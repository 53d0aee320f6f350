/**
 * `hotloop dev --inspect`: a page in the browser that shows the running game — its entities and
 * resources, live and editable, every system's time, the history of builds and reloads — served
 * by Bun on 127.0.0.1 only, behind a random token printed at start, and refusing WebSockets from
 * any other origin (a web page open in the same browser cannot reach it).
 *
 * Light by construction: while no page is connected the frame pays two hooks that return at
 * once; with a page, systems are timed (Schedule.setTiming) and one frame is sent after each frame
 * the page acknowledged, so a page that cannot keep up is sent fewer frames, never a backlog.
 */
import { basename, join } from "node:path";
import type { ServerWebSocket } from "bun";
import type { App } from "../../core/app.ts";
import { HotReloader } from "../../hot/reloader.ts";
import { formatEvent, type HotEvent, type Reporter } from "../../hot/report.ts";
import { GameReloader } from "../../live/game-reloader.ts";
import type { ClientMessage, FrameUpdate, Hello, HistoryEntry, SetRequest, SystemRow } from "./protocol.ts";
import { applyEdit, EntityView, resourceRows } from "./world-view.ts";

/** Frames the frame-time graph shows. */
const GRAPH_FRAMES = 240;
/** Frames a system's rolling average and max cover. */
const ROLLING_FRAMES = 120;
/** History entries kept (oldest dropped first). */
const HISTORY_LIMIT = 500;

interface Client {
  /** The page acknowledged the last frame sent: it may have the next. */
  ready: boolean;
  /** How much of the history it has. */
  historySent: number;
  hello: boolean;
  /** What became of edits and view requests since the last frame it was sent. */
  notices: string[];
  /** The entities this page looks at (each page has its own filter and page). */
  view: EntityView;
  /** How many components the app had when its hello was sent: a reload that adds one sends another. */
  components: number;
}

/** A system's last ROLLING_FRAMES times. */
class Rolling {
  readonly #times = new Float64Array(ROLLING_FRAMES);
  #next = 0;
  #count = 0;

  add(ms: number): void {
    this.#times[this.#next] = ms;
    this.#next = (this.#next + 1) % ROLLING_FRAMES;
    this.#count = Math.min(this.#count + 1, ROLLING_FRAMES);
  }

  get avg(): number {
    let sum = 0;
    for (let i = 0; i < this.#count; i++) sum += this.#times[i]!;
    return this.#count ? sum / this.#count : 0;
  }

  get max(): number {
    let max = 0;
    for (let i = 0; i < this.#count; i++) max = Math.max(max, this.#times[i]!);
    return max;
  }
}

/** Options of {@link Inspector.listen}. */
export interface InspectorOptions {
  /** The port on 127.0.0.1 (0 or absent: any free one). */
  readonly port?: number;
  /** The game's name, for the page's title. */
  readonly game: string;
  /** A fixed token (tests); default 32 random hex digits. */
  readonly token?: string;
}

/** The inspector's server and its view of one app. */
export class Inspector {
  /** The page's address, token included: what `hotloop dev --inspect` prints. */
  readonly url: string;
  readonly token: string;
  /** Frames sent to pages so far (the benchmark's count). */
  readonly stats = { sent: 0 };
  readonly #server: ReturnType<typeof Bun.serve>;
  readonly #game: string;
  readonly #clients = new Map<ServerWebSocket<unknown>, Client>();
  readonly #history: HistoryEntry[] = [];
  /** History entries dropped from the front, so a client's cursor stays right. */
  #historyDropped = 0;
  #app: App | undefined;
  readonly #edits: SetRequest[] = [];
  readonly #frameTimes: number[] = [];
  readonly #rolling = new Map<string, Rolling>();
  #frameStarted = 0;
  #lastFrameMs = 0;

  private constructor(options: InspectorOptions) {
    this.#game = options.game;
    this.token = options.token ?? Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
    const inspector = this;
    this.#server = Bun.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      fetch(request, server) {
        return inspector.#fetch(request, server);
      },
      websocket: {
        open(ws) {
          inspector.#open(ws);
        },
        message(ws, data) {
          inspector.#message(ws, data);
        },
        close(ws) {
          inspector.#close(ws);
        },
      },
    });
    this.url = `http://127.0.0.1:${this.#server.port}/?token=${this.token}`;
  }

  /** Starts the server (before the game exists, so the first build's lines are in the history). */
  static listen(options: InspectorOptions): Inspector {
    return new Inspector(options);
  }

  /** A reporter that keeps each event for the page's history, as well as passing it on to `next`. */
  tee(next: Reporter): Reporter {
    return (event) => {
      this.record(event);
      next(event);
    };
  }

  /** Keeps an event for the reload history. */
  record(event: HotEvent): void {
    this.#history.push(historyEntry(event));
    if (this.#history.length > HISTORY_LIMIT) {
      this.#history.shift();
      this.#historyDropped++;
    }
  }

  /** Looks at `app` from now on: edits at its frame boundaries, a frame sent at each frame's end. */
  attach(app: App): void {
    this.#app = app;
    app.onFrameBoundary(() => this.#boundary());
    app.onFrameEnd(() => this.#frameEnd());
    app.onShutdown(() => this.close());
    if (this.#clients.size > 0) app.setSystemTiming(true);
  }

  close(): void {
    this.#app?.setSystemTiming(false);
    this.#server.stop(true);
  }

  #fetch(request: Request, server: { upgrade(request: Request, options: { data: unknown }): boolean }): Response | undefined {
    const url = new URL(request.url);
    if (url.searchParams.get("token") !== this.token) return new Response("hotloop inspector: a wrong or missing token (use the address hotloop dev printed)\n", { status: 403 });
    if (url.pathname === "/") return new Response(Bun.file(join(import.meta.dir, "page.html")), { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
    if (url.pathname === "/ws") {
      // A page from another origin that learnt the token still cannot connect: browsers send Origin with every WebSocket.
      const origin = request.headers.get("origin");
      const port = this.#server.port;
      const own = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
      if (origin !== null && !own.includes(origin)) return new Response(`hotloop inspector: origin ${origin} refused\n`, { status: 403 });
      return server.upgrade(request, { data: undefined }) ? undefined : new Response("hotloop inspector: expected a WebSocket\n", { status: 400 });
    }
    return new Response("not found\n", { status: 404 });
  }

  #open(ws: ServerWebSocket<unknown>): void {
    if (!this.#app) return void ws.close(1013, "the game has not started yet");
    this.#clients.set(ws, { ready: true, historySent: this.#historyDropped, hello: false, notices: [], view: new EntityView(this.#app), components: 0 });
    this.#app.setSystemTiming(true);
  }

  #close(ws: ServerWebSocket<unknown>): void {
    this.#clients.delete(ws);
    if (this.#clients.size === 0) this.#app?.setSystemTiming(false);
  }

  #message(ws: ServerWebSocket<unknown>, data: string | Buffer): void {
    const client = this.#clients.get(ws);
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return; // not ours: a page of this server only sends JSON
    }
    // From the network: its shape is checked before anything of it is used.
    if (!client || typeof parsed !== "object" || parsed === null) return;
    const message = parsed as ClientMessage;
    if (message.type === "ack") client.ready = true;
    else if (message.type === "set" && (message.target === "entity" || message.target === "resource") && typeof message.field === "string") this.#edits.push(message);
    else if (message.type === "view") {
      const problem = client.view.set(message);
      if (problem) client.notices.push(problem);
    }
  }

  /** Between frames: the page's edits are written. */
  #boundary(): void {
    this.#frameStarted = performance.now();
    if (this.#edits.length === 0) return;
    const app = this.#app!;
    for (const edit of this.#edits.splice(0)) {
      let notice: string;
      try {
        notice = applyEdit(app, edit);
      } catch (e) {
        notice = `not set: ${(e as Error).message}`; // a frozen object, a setter that throws: the game goes on
      }
      for (const client of this.#clients.values()) client.notices.push(notice);
    }
  }

  #frameEnd(): void {
    if (this.#clients.size === 0) return;
    this.#lastFrameMs = performance.now() - this.#frameStarted;
    this.#frameTimes.push(this.#lastFrameMs);
    if (this.#frameTimes.length > GRAPH_FRAMES) this.#frameTimes.shift();
    const schedules = this.#timings();
    let frame: Omit<FrameUpdate, "history" | "notices" | "entities"> | undefined;
    const components = this.#app!.components.all().length;
    for (const [ws, client] of this.#clients) {
      if (!client.ready) continue;
      if (!client.hello || client.components !== components) {
        ws.send(JSON.stringify(this.#hello()));
        client.hello = true;
        client.components = components;
      }
      frame ??= this.#frame(schedules);
      const from = Math.max(client.historySent - this.#historyDropped, 0);
      const history = this.#history.slice(from);
      client.historySent = this.#historyDropped + this.#history.length;
      client.ready = false;
      this.stats.sent++;
      ws.send(JSON.stringify({ ...frame, entities: client.view.rows(), history, notices: client.notices.splice(0) } satisfies FrameUpdate));
    }
  }

  #hello(): Hello {
    const app = this.#app!;
    return {
      type: "hello",
      game: this.#game,
      components: app.components.all().map((c) => ({ name: c.name, fields: c.layout.fields.map((f) => ({ name: f.name, type: f.type })) })),
    };
  }

  #frame(schedules: FrameUpdate["schedules"]): Omit<FrameUpdate, "history" | "notices" | "entities"> {
    const app = this.#app!;
    return {
      type: "frame",
      frame: app.time.frame,
      frameMs: this.#lastFrameMs,
      frameHistory: this.#frameTimes,
      schedules,
      resources: resourceRows(app),
    };
  }

  /** Every schedule's systems with this frame's time, their rolling figures, where their code comes from. */
  #timings(): FrameUpdate["schedules"] {
    const app = this.#app!;
    const hot = app.getResource(HotReloader);
    const hotSystems = hot?.systems();
    const game = app.getResource(GameReloader);
    const library = hot ? basename(hot.library) : "";
    return app.schedules().map((schedule) => ({
      name: schedule.label.name,
      systems: schedule.takeTimings().map(({ name, ms }): SystemRow => {
        const key = `${schedule.label.name}/${name}`;
        let rolling = this.#rolling.get(key);
        if (!rolling) this.#rolling.set(key, (rolling = new Rolling()));
        rolling.add(ms);
        const slot = hotSystems?.get(name);
        const status = !slot ? "running" : slot.version === undefined ? "disabled" : slot.version < hot!.version ? `kept on v${slot.version}` : slot.probation ? "probation" : "running";
        const where = game?.systemSource(schedule.label.name, name);
        const source = slot ? `${library} v${slot.version ?? hot!.version}` : game ? `${where ?? "TypeScript"} (game v${game.version})` : "TypeScript";
        return { name, ms, avgMs: rolling.avg, maxMs: rolling.max, source, hot: slot !== undefined, status };
      }),
    }));
  }
}

/** One event as a row of the history. */
function historyEntry(event: HotEvent): HistoryEntry {
  const e = event as HotEvent & { status?: string; change?: string; action?: string; ms?: number; totalMs?: number };
  const status = e.status ?? e.change ?? e.action ?? e.type;
  const ms = e.totalMs ?? e.ms;
  return { at: new Date().toISOString(), kind: event.type, status, text: formatEvent(event).replace(/^hotloop: /, ""), ...(ms !== undefined ? { ms } : {}) };
}
