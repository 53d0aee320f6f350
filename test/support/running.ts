/** A long-running child (a `hotloop dev`, a starter's `bun run dev`) whose stdout and stderr lines are collected as they come. */
export class Running {
  readonly lines: string[] = [];
  readonly proc: ReturnType<typeof Bun.spawn>;

  /** With `stdin: "pipe"`, {@link write} sends the child lines (a timeline's commands). */
  constructor(cmd: string[], cwd: string, env: Record<string, string | undefined> = { ...process.env, DISPLAY: "" }, stdin: "pipe" | "ignore" = "ignore") {
    this.proc = Bun.spawn(cmd, { cwd, stdin, stdout: "pipe", stderr: "pipe", env });
    void this.#collect(this.proc.stdout as ReadableStream<Uint8Array>);
    void this.#collect(this.proc.stderr as ReadableStream<Uint8Array>);
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    let rest = "";
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      const parts = (rest + decoder.decode(bytes, { stream: true })).split("\n");
      rest = parts.pop()!;
      this.lines.push(...parts);
    }
  }

  /** Writes `text` to the child's stdin (made with `stdin: "pipe"`). */
  write(text: string): void {
    const stdin = this.proc.stdin;
    if (typeof stdin !== "object" || stdin === null) throw new Error("Running: made without stdin: \"pipe\"");
    stdin.write(text);
    stdin.flush();
  }

  /** Waits for a line matching `pattern` at or after line `from`; returns its index. */
  async waitFor(pattern: RegExp, from = 0, ms = 120_000): Promise<number> {
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) {
      const i = this.lines.findIndex((l, n) => n >= from && pattern.test(l));
      if (i >= 0) return i;
      if (this.proc.exitCode !== null) break;
      await Bun.sleep(20);
    }
    throw new Error(`no line matching ${pattern} (exit ${this.proc.exitCode}); output:\n${this.lines.join("\n")}`);
  }
}
