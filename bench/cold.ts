// `npm run bench:cold [runs]`: each Lambda bundle built as SST 4.17.1 builds it (with the stacks' `nodejs` settings,
// stacks/function-build.ts: the esbuild plugin that keeps zod's English locale alone), its minified size, and its cold
// import on Node 22 (the nodejs22.x runtime) in fresh processes, each from an empty folder holding only the bundle.
// "init" is measured in the child: performance.now() once `await import(bundle)` is done, i.e. from process start
// (Node's own start included, as in Lambda's Init Duration), with the CPU time spent by then beside it (which a busy
// machine inflates far less than wall time); "spawn" is the wall time of the whole process, measured here.
// The handlers build their clients on the first invocation, so neither figure includes that.
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundles, isolateBundle, lambdaNode, runInLambdaNode } from "../test/helpers/lambda-node";

/** The compass goal (issue 13). Megabytes are decimal: 1 MB = 1,000,000 bytes. */
const GOAL_BYTES = 1_500_000;
const GOAL_INIT_MS = 300;

const runs = Number(process.argv[2] ?? 5);
lambdaNode();
const work = await mkdtemp(join(tmpdir(), "sluice-cold-"));
try {
  const built = await buildBundles(join(work, "build"));
  const rows: string[][] = [];
  let version = "";
  for (const bundle of built.values()) {
    const isolated = await isolateBundle(bundle);
    const init: number[] = [];
    const cpu: number[] = [];
    const wall: number[] = [];
    // One at a time, so that the processes do not compete for the cores.
    for (let i = 0; i < runs; i += 1) {
      const run = await runInLambdaNode(
        isolated,
        { functionName: "cold", memoryMB: 1024, timeoutSeconds: 30, environment: {}, region: "eu-west-1" },
        [],
      );
      version = run.version;
      init.push(run.initMs);
      cpu.push(run.initCpuMs);
      wall.push(run.wallMs);
    }
    await rm(isolated.taskRoot, { recursive: true, force: true });
    const initMedian = median(init);
    rows.push([
      bundle.handler,
      bundle.bytes.toLocaleString("en-US"),
      (bundle.bytes / 1e6).toFixed(2),
      bundle.bytes <= GOAL_BYTES ? "ok" : "over",
      ms(initMedian),
      ms(Math.max(...init)),
      initMedian <= GOAL_INIT_MS ? "ok" : "over",
      ms(median(cpu)),
      ms(median(wall)),
      ms(Math.max(...wall)),
    ]);
  }
  console.log(
    `Cold import on Node ${version}, ${runs} fresh processes per bundle, ${cpus().length} cores, ` +
      `load average ${loadavg()[0]?.toFixed(1)} ` +
      `(goal: ≤ ${(GOAL_BYTES / 1e6).toFixed(1)} MB minified, ≤ ${GOAL_INIT_MS} ms init)\n`,
  );
  printTable(
    [
      "bundle",
      "bytes",
      "MB",
      "≤ 1.5 MB",
      "init median ms",
      "init max ms",
      "≤ 300 ms",
      "init CPU median ms",
      "spawn median ms",
      "spawn max ms",
    ],
    rows,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function ms(value: number): string {
  return value.toFixed(0);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}
