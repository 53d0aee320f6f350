import { expect, test } from "bun:test";
import { parseArgs, parseFeatureList, UsageError } from "../../src/cli/args.ts";
import { GAME_FLAGS } from "../../src/cli/game-args.ts";

const features = (argv: string[]) => [...parseFeatureList(parseArgs(argv, GAME_FLAGS).flags.get("features") ?? [], ["reload", "json"])];

test("features parse in cargo's spellings", () => {
  expect(features(["--features", "reload"])).toEqual(["reload"]);
  expect(features(["--features=reload,json"])).toEqual(["reload", "json"]);
  expect(features(["--features", "reload json"])).toEqual(["reload", "json"]);
  expect(features(["-F", "reload", "--features", "json"])).toEqual(["reload", "json"]);
  expect(features(["--headless"])).toEqual([]);
});

test("values: --name value, --name=value, numbers checked", () => {
  const args = parseArgs(["--log-format", "json", "--frames=30", "--fps", "0"], GAME_FLAGS);
  expect(args.string("log-format")).toBe("json");
  expect(args.number("frames")).toBe(30);
  expect(args.number("fps")).toBe(0);
  expect(args.has("headless")).toBe(false);
});

test("mistakes are one line naming them, never ignored", () => {
  const error = (argv: string[]) => {
    try {
      features(argv);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error(`accepted: ${argv.join(" ")}`);
  };
  expect(error(["--frame", "30"])).toBe("unknown option --frame (did you mean --frames?)");
  expect(error(["--frames"])).toBe("--frames needs a value");
  expect(error(["--frames", "--headless"])).toBe("--frames needs a value");
  expect(error(["--frames", "ten"])).toBe('--frames needs a non-negative number, got "ten"');
  expect(error(["--frames", "-3"])).toBe('--frames needs a non-negative number, got "-3"');
  expect(error(["--features", "relaod"])).toBe('unknown feature "relaod" (did you mean reload?) (features: reload, json)');
  expect(error(["--headless=yes"])).toBe("--headless takes no value");
  expect(error(["--fps", "30", "--fps", "60"])).toBe("--fps is given twice");
  expect(error(["--zzzzzz"])).toBe("unknown option --zzzzzz");
});

test("every command prints its usage with --help and exits 0", async () => {
  const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
  for (const command of ["new", "dev", "static", "build", "codegen"]) {
    const proc = Bun.spawn(["bun", cli, command, "--help"], { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    expect({ command, code, usage: out.startsWith(`usage: hotloop ${command}`) }).toEqual({ command, code: 0, usage: true });
  }
  const top = Bun.spawn(["bun", cli, "--help"], { stdout: "pipe" });
  expect(await new Response(top.stdout).text()).toContain("new <dir>");
});

test("a mistake on the command line is one line on stderr and exit 2", async () => {
  const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
  const proc = Bun.spawn(["bun", cli, "dev", "--frame", "30"], { stdout: "pipe", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(2);
  expect(err).toBe("hotloop dev: unknown option --frame (did you mean --frames?) (see hotloop dev --help)\n");
});

test("a screenshot asked of a headless run is one line and exit 2, before anything is built", async () => {
  const cli = new URL("../../src/cli/main.ts", import.meta.url).pathname;
  const proc = Bun.spawn(["bun", cli, "dev", "--headless", "--screenshot", "shot.png"], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(2);
  expect(err).toBe("hotloop dev: --screenshot needs a window, and this run is headless (--headless) (see hotloop dev --help)\n");
  expect(out).toBe("");
});
