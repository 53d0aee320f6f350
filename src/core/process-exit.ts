/**
 * Work that must happen however the process ends: at exit, and on Ctrl-C (SIGINT), SIGTERM and
 * SIGHUP, whose default ends the process without running exit listeners. Shadow copies are
 * removed, child processes (cargo, codegen) killed.
 */

const hooks = new Set<() => void>();
let installed = false;

/** Runs `hook` when the process ends; returns what takes it off again. Hooks must be synchronous. */
export function atProcessExit(hook: () => void): () => void {
  install();
  hooks.add(hook);
  return () => void hooks.delete(hook);
}

function runAll(): void {
  for (const hook of [...hooks]) {
    try {
      hook();
    } catch {
      // one hook's failure must not keep the others from running while the process ends
    }
  }
}

/**
 * Listening to a signal turns off its default (ending the process), so the handler ends it as the
 * default would, with 128 + the signal's number; but when the app listens to the signal too,
 * ending the process is its call (e.g. a graceful shutdown), and the exit listener runs the hooks
 * whenever it does exit.
 */
function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", runAll);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      runAll();
      process.exit(code);
    });
  }
}
