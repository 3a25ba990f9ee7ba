// `npm run bench:budgets`: the worst case of each parser on inputs built to exceed its budget (issue 14):
// wall and CPU time, and the process's peak RSS, with each case alone in a fresh process so that its peak
// is its own. "over start" is the peak minus the RSS once modules and the input are loaded, just before the
// parse: what the parse itself cost. Inputs come from test/helpers/hostile-inputs.ts, written to a temporary
// folder first (the 1.2 GB bombs are about a megabyte each). CPU time is given because a busy machine
// inflates wall time far more.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromItem, parseRecordItem, toItem } from "../packages/aws/src/record-item";
import { createMemoryByteSource } from "../packages/core/src/bytes/byte-source";
import { HEAD_BYTES } from "../packages/core/src/bytes/head-bytes";
import { parseSidecar } from "../packages/core/src/metadata/sidecar";
import { probeDicom } from "../packages/core/src/probes/dicom";
import { probePdf } from "../packages/core/src/probes/pdf";
import { DEFAULT_PROBE_SETTINGS } from "../packages/core/src/probes/probe-types";
import { deriveRecord } from "../packages/core/src/records/derive";
import { inferDataType } from "../packages/core/src/typing/infer-type";
import {
  deflatedDicomBomb,
  niftiGzipBomb,
  niftiMaskGz,
  oneElementArraysSidecar,
  pdfXrefBomb,
  perFrameMetadataSidecar,
} from "../test/helpers/hostile-inputs";
import { mediaBytes } from "../test/helpers/media";

type Parser = "sidecar parse" | "record write" | "record read" | "dicom" | "nifti" | "pdf";

interface Case {
  parser: Parser;
  input: string;
  /** The bytes the parser is given; for a record read, the item and its payload as stored. */
  build: () => Uint8Array | Promise<Uint8Array>;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const keys = (count: number) => utf8(`{${Array.from({ length: count }, (_, i) => `"k${i}":0`).join(",")}}`);
const emptyArrays = (count: number) => utf8(`{"a":[${new Array<string>(count).fill("[]").join(",")}]}`);
const deep = (levels: number) => utf8(`{"a":${"[".repeat(levels)}${"]".repeat(levels)}}`);

/** A sidecar of `count` top-level keys, each an array of `zeros` zeros. */
const keysOfArrays = (count: number, zeros: number) => {
  const array = `[${new Array<string>(zeros).fill("0").join(",")}]`;
  return utf8(`{${Array.from({ length: count }, (_, i) => `"k${i}":${array}`).join(",")}}`);
};

/** The costliest sidecars the budgets accept, and an ordinary large one. */
const ACCEPTED = {
  "499,999 [0] arrays = 1,000,000 values, 2 MB": () => oneElementArraysSidecar(499_999),
  "10,000 keys × 98 zeros = 990,001 values, 2 MB": () => keysOfArrays(10_000, 98),
  "10,000 keys of 985-byte strings, 9.95 MB": () =>
    utf8(
      `{${Array.from({ length: 10_000 }, (_, i) => `"k${String(i).padStart(5, "0")}":"${"x".repeat(985)}"`).join(",")}}`,
    ),
  "an hour of per-frame $encord at 30 fps, 7.2 MB": () => perFrameMetadataSidecar(108_000),
};

const CASES: Case[] = [
  {
    parser: "sidecar parse",
    input: "1.6M [0] arrays (issue 14), 6.4 MB",
    build: () => oneElementArraysSidecar(),
  },
  { parser: "sidecar parse", input: "3.3M empty arrays, 10 MB", build: () => emptyArrays(3_333_330) },
  { parser: "sidecar parse", input: "20,000 nested arrays", build: () => deep(20_000) },
  { parser: "sidecar parse", input: "830,000 top-level keys, 9.9 MB", build: () => keys(830_000) },
  ...Object.entries(ACCEPTED).map(([input, build]): Case => ({ parser: "sidecar parse", input, build })),
  ...Object.entries(ACCEPTED).map(([input, build]): Case => ({ parser: "record write", input, build })),
  ...Object.entries(ACCEPTED).map(
    ([input, build]): Case => ({
      parser: "record read",
      input,
      build: () => storedItem(build()),
    }),
  ),
  {
    parser: "dicom",
    input: "1.2 GB deflated before the fields (issue 14)",
    build: () => deflatedDicomBomb(1.2e9),
  },
  {
    parser: "dicom",
    input: "1.2 GB deflated pixel data",
    build: () => deflatedDicomBomb(1.2e9, "pixel-data"),
  },
  {
    parser: "dicom",
    input: "4 MiB of 8-byte elements, deflated",
    build: () => deflatedDicomBomb(4 * 1024 * 1024 - 1024, "tiny-elements"),
  },
  { parser: "nifti", input: "256³ mask, gzip -6 (issue 14)", build: () => niftiMaskGz(6) },
  { parser: "nifti", input: "256³ mask, gzip -9", build: () => niftiMaskGz(9) },
  { parser: "nifti", input: "1 GB of zero voxels", build: () => niftiGzipBomb(1e9) },
  {
    parser: "pdf",
    input: "50M entries in rows of no bytes",
    build: () => pdfXrefBomb("/W [0 0 0] /Index [0 50000000]", 0),
  },
  {
    parser: "pdf",
    input: "20M entries, 60 MB inflated",
    build: () => pdfXrefBomb("/W [1 1 1] /Index [0 20000000]", 6e7),
  },
  {
    parser: "pdf",
    input: "999,999 entries (accepted)",
    build: () => pdfXrefBomb("/W [1 1 1] /Index [0 999999]", 2_999_997),
  },
];

/** The record a sidecar gives an image, as derived and written. */
function derive(sidecar: Uint8Array) {
  return deriveRecord({
    ref: { bucket: "b", key: "a.png", objectUrl: "https://b.s3.eu-west-1.amazonaws.com/a.png" },
    source: createMemoryByteSource(mediaBytes("image.png")),
    sidecars: [
      { key: "a.png.metadata.json", suffix: ".metadata.json", source: createMemoryByteSource(sidecar) },
    ],
    defaults: [],
    schema: null,
    suffixes: [".metadata.json"],
    emitTextPdfMetadata: false,
    now: "2026-01-01T00:00:00.000Z",
  });
}

/** A record item and its payload text as the table holds them: the item's JSON, a newline, the payload. */
async function storedItem(sidecar: Uint8Array): Promise<Uint8Array> {
  const { item, payload } = toItem({ ...(await derive(sidecar)), revision: 1, sequencers: {} }, 16);
  return utf8(`${JSON.stringify(item)}\n${payload}`);
}

/** Runs one case on its bytes; answers a one-line summary of the outcome. */
async function run(parser: Parser, bytes: Uint8Array): Promise<string> {
  if (parser === "sidecar parse") {
    const parsed = parseSidecar(bytes, "a.png.metadata.json");
    return parsed.ok ? "accepted" : parsed.error.code;
  }
  if (parser === "record write") {
    const record = await derive(bytes);
    const { payload } = toItem({ ...record, revision: 1, sequencers: {} }, 16);
    return `${record.status}, payload ${(payload.length / 1e6).toFixed(1)} MB`;
  }
  if (parser === "record read") {
    // What every read costs once DynamoDB has handed back the item and its payload text.
    const text = new TextDecoder().decode(bytes);
    const newline = text.indexOf("\n");
    const record = fromItem(parseRecordItem(JSON.parse(text.slice(0, newline))), text.slice(newline + 1));
    return `${record.status}, ${Object.keys(record.clientMetadata).length} top-level keys`;
  }
  if (parser === "dicom") {
    const outcome = await probeDicom(createMemoryByteSource(bytes), DEFAULT_PROBE_SETTINGS);
    return [...outcome.errors, ...outcome.warnings].map((i) => i.code).join(", ") || "measured";
  }
  if (parser === "nifti") {
    const typed = await inferDataType({ head: bytes.subarray(0, HEAD_BYTES), key: "m.nii.gz" });
    return typed.ok ? typed.dataType : typed.code;
  }
  const outcome = await probePdf(createMemoryByteSource(bytes), DEFAULT_PROBE_SETTINGS);
  return outcome.omitted.length > 0
    ? "omitted (budget)"
    : outcome.errors.map((e) => e.code).join(", ") || "measured";
}

async function child(index: number, file: string): Promise<void> {
  const entry = CASES[index];
  if (!entry) throw new Error(`no case ${index}`);
  const bytes = new Uint8Array(readFileSync(file));
  globalThis.gc?.();
  const start = { wall: performance.now(), cpu: process.cpuUsage(), rss: process.memoryUsage().rss };
  const outcome = await run(entry.parser, bytes);
  const cpu = process.cpuUsage(start.cpu);
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      ms: performance.now() - start.wall,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakMb: peak / 1e6,
      overStartMb: Math.max(0, peak - start.rss) / 1e6,
      outcome,
    }),
  );
}

async function parent(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "sluice-budgets-"));
  const self = fileURLToPath(import.meta.url);
  const rows: string[][] = [];
  const worst = new Map<Parser, { ms: number; peakMb: number }>();
  try {
    for (const [index, entry] of CASES.entries()) {
      const file = join(work, `${index}.bin`);
      const bytes = await entry.build();
      writeFileSync(file, bytes);
      // One case at a time, so that the processes do not compete for the cores.
      const out = execFileSync(
        process.execPath,
        ["--expose-gc", ...process.execArgv, self, "--case", String(index), file],
        {
          encoding: "utf8",
          maxBuffer: 1024 * 1024,
        },
      );
      const result = JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
      rows.push([
        entry.parser,
        entry.input,
        (bytes.byteLength / 1e6).toFixed(2),
        result.ms.toFixed(0),
        result.cpuMs.toFixed(0),
        result.peakMb.toFixed(0),
        result.overStartMb.toFixed(0),
        result.outcome,
      ]);
      const seen = worst.get(entry.parser) ?? { ms: 0, peakMb: 0 };
      worst.set(entry.parser, {
        ms: Math.max(seen.ms, result.ms),
        peakMb: Math.max(seen.peakMb, result.peakMb),
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const header = ["parser", "input", "MB", "wall ms", "cpu ms", "peak RSS MB", "over start MB", "outcome"];
  printTable(header, rows);
  console.log("");
  printTable(
    ["parser", "worst wall ms", "worst peak RSS MB"],
    [...worst].map(([parser, w]) => [parser, w.ms.toFixed(0), w.peakMb.toFixed(0)]),
  );
  console.log(
    `\nnode ${process.version}, ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

const at = process.argv.indexOf("--case");
if (at >= 0) await child(Number(process.argv[at + 1]), process.argv[at + 2] ?? "");
else await parent();
