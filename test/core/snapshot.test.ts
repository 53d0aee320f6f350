/**
 * App snapshots (src/core/snapshot.ts) of the game's plain resources: restored in place, so what a
 * plugin holds keeps its identity and its class; a resource with `#private` fields uses its
 * [SNAPSHOT]/[RESTORE] methods, or is said once and left as it is.
 */
import { describe, expect, test } from "bun:test";
import { App, ManualClock, RESTORE, restoreApp, SNAPSHOT, snapshotApp } from "../../src/api/index.ts";

class Vec {
  constructor(
    public x = 0,
    public y = 0,
  ) {}
  len(): number {
    return Math.hypot(this.x, this.y);
  }
}

class Player {
  pos = new Vec(3, 4);
  grid = new Float32Array(4);
  trail: Vec[] = [new Vec(1, 1)];
  seen = new Map<string, number>([["a", 1]]);
}

class Deck {
  #cards = [1, 2, 3];
  draw(): number | undefined {
    return this.#cards.pop();
  }
  [SNAPSHOT](): number[] {
    return [...this.#cards];
  }
  [RESTORE](cards: number[]): void {
    this.#cards = cards;
  }
}

class Sealed {
  #n = 0;
  bump(): number {
    return ++this.#n;
  }
}

describe("app snapshots of plain resources", () => {
  test("restored in place: nested objects keep their class, typed arrays and maps their identity, fields added since go", () => {
    const app = new App({ clock: new ManualClock() });
    const p = app.insertResource(new Player());
    const { pos, grid, trail, seen } = p;
    app.update();
    const snap = snapshotApp(app);
    p.pos.x = 10;
    grid[0] = 5;
    trail.push(new Vec(2, 2));
    seen.set("b", 2);
    (p as Player & { extra?: number }).extra = 7;
    restoreApp(app, snap);
    expect(p.pos).toBe(pos);
    expect(p.pos.len()).toBe(5);
    expect(p.grid).toBe(grid);
    expect(grid[0]).toBe(0);
    expect(p.trail).toBe(trail);
    expect(trail.length).toBe(1);
    expect(trail[0]).toBeInstanceOf(Vec);
    expect(p.seen).toBe(seen);
    expect([...seen]).toEqual([["a", 1]]);
    expect("extra" in p).toBe(false);
  });

  test("classes, cycles, frozen parts, Dates, buffers and DataViews come back as they were", () => {
    class Idle {
      kind = "idle";
      speed(): number {
        return 0;
      }
    }
    class Jumping {
      kind = "jumping";
      height = 3;
      speed(): number {
        return 2;
      }
    }
    class Node {
      parent: Node | undefined;
      children: Node[] = [];
    }
    class World {
      mode: Idle | Jumping = new Idle();
      trail: Vec[] = [new Vec(1, 0), new Vec(2, 0)];
      byName = new Map<string, Vec>([["a", new Vec(3, 4)]]);
      config = Object.freeze({ gravity: 9.8, colors: [1, 2] });
      when = new Date(1000);
      raw = new ArrayBuffer(4);
      view = new DataView(new ArrayBuffer(2));
      root = new Node();
    }
    const app = new App({ clock: new ManualClock() });
    const w = app.insertResource(new World());
    const child = new Node();
    child.parent = w.root;
    w.root.children.push(child);
    const { config, when, raw, view } = w;
    app.update();
    const snap = snapshotApp(app);
    w.mode = new Jumping();
    w.trail.pop();
    w.byName.get("a")!.x = 0;
    config.colors.push(3);
    when.setTime(5000);
    new Uint8Array(raw)[0] = 9;
    view.setUint8(1, 7);
    w.root.children.length = 0;
    restoreApp(app, snap);
    expect(w.mode).toBeInstanceOf(Idle);
    expect(w.mode.speed()).toBe(0);
    expect(w.trail.map((v) => v.len())).toEqual([1, 2]);
    expect(w.trail[1]).toBeInstanceOf(Vec);
    expect(w.byName.get("a")!.len()).toBe(5);
    expect(w.config).toBe(config);
    expect(config.colors).toEqual([1, 2]);
    expect(w.when).toBe(when);
    expect(when.getTime()).toBe(1000);
    expect(new Uint8Array(w.raw)[0]).toBe(0);
    expect(w.view.getUint8(1)).toBe(0);
    expect(w.root.children.length).toBe(1);
    expect(w.root.children[0]!.parent).toBe(w.root); // the cycle, as a cycle
  });

  test("#private fields: [SNAPSHOT]/[RESTORE] are used; without them, one line and the resource left as it is", () => {
    const app = new App({ clock: new ManualClock() });
    const deck = app.insertResource(new Deck());
    const sealed = app.insertResource(new Sealed());
    app.update();
    const lines: string[] = [];
    const report = console.error;
    console.error = (line: string) => void lines.push(String(line));
    let snap: ReturnType<typeof snapshotApp>;
    try {
      snap = snapshotApp(app);
      snapshotApp(app);
    } finally {
      console.error = report;
    }
    expect(deck.draw()).toBe(3);
    sealed.bump();
    restoreApp(app, snap);
    expect(deck.draw()).toBe(3);
    expect(sealed.bump()).toBe(2);
    expect(lines).toEqual(["hotloop: timeline: resource Sealed has #private fields and no [SNAPSHOT]/[RESTORE] methods: a rewind leaves it as it is (see docs/rewind.md)"]);
  });
});
