/**
 * States, as Bevy's `States`: a value the game is in (a menu, playing, game over), changed on
 * request at one point of the frame, with schedules that run on the way out of a value and into
 * the next, and a run condition that gates systems on it.
 *
 *     export const GameState = defineState("GameState", ["Menu", "Playing", "GameOver"]);
 *     app.initState(GameState, "Menu");                          // OnEnter(GameState.Menu) runs before Startup
 *     app.addSystems(OnEnter(GameState.Playing), spawnWave);
 *     app.addSystems(Update, system(enemies).runIf(inState(GameState.Playing)));
 *     ctx.app.nextState(GameState.GameOver);                     // applied at the next StateTransition
 *
 * The value lives in the app, not in the game's modules: a TypeScript reload runs `initState`
 * again and finds it there (kept, OnEnter not run again); a Rust build finds the OnEnter and OnExit
 * schedules by name. Rust reads the value as `Res<State<GameState>>` and asks for another with
 * `ResMut<NextState<GameState>>`: two resources whose one `u32` field is named by the variants
 * (`State<GameState>{Menu|Playing|GameOver:u32}`), so the layout hash covers them and a Rust enum
 * with other variants is refused at load like a stale component (docs/abi.md, "States").
 */
import { nativeBuffer, NATIVE_BYTES, structLayout, type NativeResourceValue, type StructLayout } from "../ecs/index.ts";
import { addSnapshotPart } from "./snapshot.ts";
import type { App } from "./app.ts";
import { HOTLOOP_OWN, type ResourceKey } from "./resources.ts";
import type { Schedule } from "./schedule.ts";
import { PreUpdate, scheduleLabel, StateTransition, Startup, type ScheduleLabel } from "./schedule-label.ts";
import { system, type Condition, type SystemContext } from "./system.ts";

/** One value of a state type: `GameState.Playing`. */
export interface StateValue<V extends string = string> {
  /** The state type it belongs to. */
  readonly state: StatesBase<V>;
  /** The variant's name: `"Playing"`. */
  readonly name: V;
  /** Its place among the variants (what Rust's enum discriminant is). */
  readonly index: number;
}

/** What every state type has, whatever its variants. */
export interface StatesBase<V extends string = string> {
  /** Its name, a Rust type name: the name of its Rust enum (`hotloop_sdk::state!`). */
  readonly name: string;
  /** The variants' names, in order. */
  readonly variants: readonly V[];
  /** The values, in the variants' order. */
  readonly values: readonly StateValue<V>[];
}

/** A state type made by {@link defineState}: its variants are its properties (`GameState.Menu`). */
export type States<V extends string = string> = StatesBase<V> & { readonly [K in V]: StateValue<V> };

const RUST_TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
// Why by name: a TypeScript reload evaluates the module defining the state again; with the same
// variants it gets the same object, so values kept anywhere still compare equal with `===`.
const definedStates = new Map<string, StatesBase>();

/**
 * Defines a state type, as Bevy's `#[derive(States)] enum GameState { Menu, Playing, GameOver }`:
 * a name and its variants, each a Rust identifier (UpperCamelCase). Each variant is a property:
 * `GameState.Playing` is the value `OnEnter`, `inState` and `app.nextState` take.
 */
export function defineState<const V extends readonly string[]>(name: string, variants: V): States<V[number]> {
  if (!RUST_TYPE_NAME.test(name)) throw new Error(`defineState("${name}"): a state's name is a Rust type name (UpperCamelCase, ASCII letters and digits)`);
  if (variants.length === 0) throw new Error(`defineState("${name}"): a state needs at least one variant`);
  for (const [i, variant] of variants.entries()) {
    if (!RUST_TYPE_NAME.test(variant)) throw new Error(`defineState("${name}"): variant "${variant}" must be a Rust enum variant name (UpperCamelCase, ASCII letters and digits)`);
    if (variants.indexOf(variant) !== i) throw new Error(`defineState("${name}"): variant ${variant} is listed twice`);
  }
  const known = definedStates.get(name);
  if (known && sameNames(known.variants, variants)) return known as States<V[number]>;
  const state = { name, variants: Object.freeze([...variants]) } as { name: string; variants: readonly string[]; values: StateValue[] } & Record<string, unknown>;
  state.values = variants.map((variant, index) => Object.freeze({ state: state as unknown as StatesBase, name: variant, index, toString: () => `${name}.${variant}` }));
  Object.freeze(state.values);
  for (const value of state.values) state[value.name] = value;
  Object.freeze(state);
  definedStates.set(name, state as unknown as StatesBase);
  return state as unknown as States<V[number]>;
}

// Labels by name, for the same reason as defineSchedule's: a reload's OnEnter(GameState.Playing)
// must be the schedule the app runs.
const transitionLabels = new Map<string, ScheduleLabel>();
const transitionLabelSet = new WeakSet<ScheduleLabel>();

function transitionLabel(kind: "OnEnter" | "OnExit", value: StateValue): ScheduleLabel {
  const name = `${kind}(${value.state.name}.${value.name})`;
  let label = transitionLabels.get(name);
  if (!label) {
    label = scheduleLabel(name);
    transitionLabels.set(name, label);
    transitionLabelSet.add(label);
  }
  return label;
}

/**
 * The schedule that runs when the state becomes `value` (named `OnEnter(GameState.Playing)`; a
 * Rust library places systems in it with `export! { OnEnter(GameState::Playing): [...] }`). The
 * initial value is entered at the first frame, before Startup.
 */
export function OnEnter(value: StateValue): ScheduleLabel {
  return transitionLabel("OnEnter", value);
}

/** The schedule that runs when the state leaves `value` (`OnExit(GameState.Playing)`). */
export function OnExit(value: StateValue): ScheduleLabel {
  return transitionLabel("OnExit", value);
}

/** Whether a label is an OnEnter / OnExit schedule: state transitions run those, never the frame order. */
export function isTransitionSchedule(label: ScheduleLabel): boolean {
  return transitionLabelSet.has(label);
}

/**
 * A run condition: true while the state is `value` (Bevy's `in_state`).
 * `system(enemies).runIf(inState(GameState.Playing))`. Without that state in the app it is false,
 * with one warning.
 */
export function inState(value: StateValue): Condition {
  const name = value.state.name;
  const index = value.index;
  let app: App | undefined;
  let slot: StateSlot | undefined;
  let warned = false;
  return function inState(ctx: SystemContext): boolean {
    if (ctx.app !== app || slot === undefined) {
      slot = appStates(ctx.app).slot(name);
      app = ctx.app;
      if (slot === undefined) {
        if (!warned) console.error(`hotloop: warning: inState(${String(value)}): the app has no state ${name} (app.initState(${name})): the systems it gates do not run (said once)`);
        warned = true;
        return false;
      }
    }
    return slot.current === index;
  };
}

/** One state of one app: its value, the pending request, the carriers Rust reads, its schedules. */
interface StateSlot {
  /** The latest definition the app was given. */
  def: StatesBase;
  current: number;
  /** Whether the initial value's OnEnter ran. */
  entered: boolean;
  /** `State<S>`: the current index, for Rust. */
  carrier: NativeResourceValue;
  state: Uint32Array;
  /** `NextState<S>`: 0, or the requested index + 1 (TypeScript's `nextState` and Rust's `NextState::set` write it). */
  nextCarrier: NativeResourceValue;
  next: Uint32Array;
  /** OnEnter / OnExit of each variant, resolved once: a transition does no lookups. */
  enter: Schedule[];
  exit: Schedule[];
}

/** The states of one app, in the order they were initialised (the order transitions apply in). */
export class AppStates {
  readonly #app: App;
  readonly #slots: StateSlot[] = [];
  readonly #byName = new Map<string, StateSlot>();
  readonly #warned = new Set<string>();

  constructor(app: App) {
    this.#app = app;
    // The carriers' bytes come back with the native resources; the values and whether OnEnter ran, here.
    addSnapshotPart(app, {
      name: "states",
      save: () => this.#slots.map((s) => [s.def.name, s.entered] as const),
      load: (state) => {
        const entered = new Map((state as readonly (readonly [string, boolean])[] | undefined) ?? []);
        for (const slot of this.#slots) {
          slot.current = slot.state[0]!;
          slot.entered = entered.get(slot.def.name) ?? false;
        }
      },
    });
  }

  /** The slot of a state by name, if the app has it. */
  slot(name: string): StateSlot | undefined {
    return this.#byName.get(name);
  }

  /**
   * Adds a state at `initial`; its OnEnter runs at the next StateTransition. A state the app has
   * already keeps its value (a TypeScript reload runs `initState` again): only variants added at
   * the end of the list are taken; any other change to them needs a restart, and throws saying so.
   */
  init<V extends string>(def: StatesBase<V>, initial: V | StateValue<V> | undefined): void {
    const known = this.#byName.get(def.name);
    if (known) return this.#redefine(known, def);
    const index = initialIndex(def, initial);
    const app = this.#app;
    if (this.#slots.length === 0) {
      // Bevy's StatesPlugin: the initial values are entered before Startup, requests applied after PreUpdate.
      if (!app.startupOrder().includes(StateTransition)) app.insertScheduleBefore(Startup, StateTransition);
      if (!app.frameOrder().includes(StateTransition)) app.insertScheduleAfter(PreUpdate, StateTransition);
      app.addSystems(StateTransition, system((ctx: SystemContext) => this.run(ctx), "apply_state_transitions"));
    }
    const slot = { def, current: index, entered: false, enter: [], exit: [] } as unknown as StateSlot;
    this.#carry(slot, def, index, 0);
    this.#schedulesOf(slot, def);
    this.#slots.push(slot);
    this.#byName.set(def.name, slot);
  }

  /** The current value, as a value of `def`. */
  current<V extends string>(def: StatesBase<V>): StateValue<V> {
    const slot = this.#require(def.name, `app.state(${def.name})`);
    const value = def.values[slot.current];
    if (!value) throw new Error(`app.state(${def.name}): the app's ${def.name} is ${slot.def.variants[slot.current]}, which this definition of ${def.name} does not have`);
    return value;
  }

  /** Requests `value`: applied at the next StateTransition (a later request in between wins). */
  request(value: StateValue): void {
    const slot = this.#require(value.state.name, `app.nextState(${String(value)})`);
    if (slot.def.variants[value.index] !== value.name) throw new Error(`app.nextState(${String(value)}): the app's ${value.state.name} has no variant ${value.name} at ${value.index}`);
    slot.next[0] = value.index + 1;
  }

  /**
   * The StateTransition schedule's one system: for each state, OnEnter of its initial value the
   * first time; then a pending request to another value sets it and runs OnExit of the old value
   * and OnEnter of the new one (as in Bevy, the state already holds the new value while OnExit
   * runs). A request for the current value changes nothing, as Bevy's OnEnter/OnExit ignore
   * identity transitions. Requests made while these schedules run wait for the next frame.
   */
  run(ctx: SystemContext): void {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      // The request made before this point; one made while OnEnter/OnExit run below waits for the next frame.
      const next = s.next[0]!;
      s.next[0] = 0;
      if (!s.entered) {
        s.entered = true;
        s.enter[s.current]!.run(ctx);
      }
      if (next === 0) continue;
      const to = next - 1;
      if (to >= s.enter.length) {
        this.#warnOnce(s.def.name, `hotloop: warning: NextState<${s.def.name}> holds ${next}, which is none of its ${s.enter.length} variants: ignored (said once)`);
        continue;
      }
      if (to === s.current) continue;
      const from = s.current;
      s.current = to;
      s.state[0] = to;
      s.exit[from]!.run(ctx);
      s.enter[to]!.run(ctx);
    }
  }

  #redefine(slot: StateSlot, def: StatesBase): void {
    const before = slot.def.variants;
    if (sameNames(before, def.variants)) {
      slot.def = def;
      return;
    }
    if (def.variants.length < before.length || !sameNames(before, def.variants.slice(0, before.length))) {
      throw new Error(`state ${def.name}: its variants changed from ${before.join(", ")} to ${def.variants.join(", ")}: a running game takes new variants at the end only; restart it to use these`);
    }
    // New variants at the end: every index keeps its meaning; new carriers, for the new layout hash.
    const pending = slot.next[0]!;
    for (const carrier of [slot.carrier, slot.nextCarrier]) this.#app.resources.remove(carrier.constructor as ResourceKey<unknown>);
    this.#carry(slot, def, slot.current, pending);
    this.#schedulesOf(slot, def);
    slot.def = def;
  }

  /** Makes and inserts the state's two carriers, holding `current` and `pending`. */
  #carry(slot: StateSlot, def: StatesBase, current: number, pending: number): void {
    const field = def.variants.join("|");
    const State = carrierClass(`State<${def.name}>`, structLayout(`State<${def.name}>`, { [field]: "u32" }), true);
    const Next = carrierClass(`NextState<${def.name}>`, structLayout(`NextState<${def.name}>`, { [field]: "u32" }), false);
    slot.carrier = this.#app.insertResource(new State(), HOTLOOP_OWN);
    slot.nextCarrier = this.#app.insertResource(new Next(), HOTLOOP_OWN);
    slot.state = new Uint32Array(slot.carrier[NATIVE_BYTES], 0, 1);
    slot.next = new Uint32Array(slot.nextCarrier[NATIVE_BYTES], 0, 1);
    slot.state[0] = current;
    slot.next[0] = pending;
  }

  /** Makes the OnEnter / OnExit schedules of every variant (so a Rust library can place systems in them by name). */
  #schedulesOf(slot: StateSlot, def: StatesBase): void {
    for (const value of def.values.slice(slot.enter.length)) {
      slot.enter.push(this.#app.schedule(OnEnter(value)));
      slot.exit.push(this.#app.schedule(OnExit(value)));
    }
  }

  #require(name: string, what: string): StateSlot {
    const slot = this.#byName.get(name);
    if (!slot) throw new Error(`${what}: the app has no state ${name}: call app.initState(${name}) first`);
    return slot;
  }

  #warnOnce(key: string, line: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    console.error(line);
  }
}

const statesOfApps = new WeakMap<App, AppStates>();

/** The states of an app, made on first use. */
export function appStates(app: App): AppStates {
  let states = statesOfApps.get(app);
  if (!states) {
    states = new AppStates(app);
    statesOfApps.set(app, states);
  }
  return states;
}

function initialIndex(def: StatesBase, initial: string | StateValue | undefined): number {
  if (initial === undefined) return 0;
  const name = typeof initial === "string" ? initial : initial.name;
  const index = def.variants.indexOf(name);
  if (index < 0 || (typeof initial !== "string" && initial.state.name !== def.name)) {
    throw new Error(`app.initState(${def.name}, ${typeof initial === "string" ? JSON.stringify(initial) : String(initial)}): not one of ${def.name}'s variants (${def.variants.join(", ")})`);
  }
  return index;
}

/**
 * The class of a state's carrier resource: one `u32` in native memory (so Rust's `Res<State<S>>`
 * reads the same bytes), keyed and found by its name (`State<GameState>`). hotloop's own: an
 * inspector shows it, never edits it (a write would skip OnExit and OnEnter).
 */
function carrierClass(name: string, struct: StructLayout, readOnly: boolean): new () => NativeResourceValue {
  const Carrier = class {
    readonly [NATIVE_BYTES]: ArrayBuffer = nativeBuffer(struct.size);
    static readonly struct = struct;
    static readonly readOnly = readOnly;
    /** The field as a plain object, for logs and tests. */
    toJSON(): Record<string, number> {
      return { [struct.fields[0]!.name]: new Uint32Array(this[NATIVE_BYTES], 0, 1)[0]! };
    }
  };
  Object.defineProperty(Carrier, "name", { value: name });
  return Carrier;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
