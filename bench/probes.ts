// `npm run bench`: bytes read, requests and wall time of every probe, against a naive full read.
// Large files (a 60-minute 1080p MP4 with moov at the end, 2-hour CBR and VBR MP3s, a 500 MB MKV) are
// made on demand with Debian's ffmpeg into .bench/ (stream-copied loops, so they take seconds, not an
// encode).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createFileByteSource } from "../packages/cli/src/file-byte-source";
import {
  createCachingByteSource,
  DEFAULT_PROBE_SETTINGS,
  HEAD_BYTES,
  inferDataType,
  probeMedia,
} from "../packages/core/src/index";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURES = join(ROOT, "test/fixtures/probe/media");
const LARGE = join(ROOT, ".bench");

interface Row {
  file: string;
  size: number;
  bytes: number;
  requests: number;
  ms: number;
  naiveMs: number;
  summary: string;
}

async function measure(path: string): Promise<Row> {
  const file = await createFileByteSource(path);
  try {
    const started = performance.now();
    const source = createCachingByteSource(file);
    const head = await source.read(0, HEAD_BYTES);
    const type = await inferDataType({ head, key: path });
    let summary = type.ok ? type.mimeType : `(${type.code})`;
    if (type.ok) {
      const outcome = await probeMedia(source, type, DEFAULT_PROBE_SETTINGS);
      const m = outcome.media;
      const parts = [
        m.width && m.height ? `${m.width}x${m.height}` : "",
        m.fps ? `${m.fps.toFixed(3)}fps` : "",
        m.duration !== undefined ? `${m.duration.toFixed(3)}s` : "",
        m.sampleRate ? `${m.sampleRate}Hz` : "",
        m.numPages ? `${m.numPages}p` : "",
        outcome.errors.length ? `error:${outcome.errors[0]?.code}` : "",
      ];
      summary = `${summary} ${parts.filter(Boolean).join(" ")}`;
    }
    const ms = performance.now() - started;
    return {
      file: path,
      size: file.size,
      bytes: source.stats.bytes,
      requests: source.stats.requests,
      ms,
      naiveMs: await naiveRead(path),
      summary,
    };
  } finally {
    await file.close();
  }
}

/** The naive approach: read every byte of the object (in 8 MiB reads, as a streaming GET would). */
async function naiveRead(path: string): Promise<number> {
  const started = performance.now();
  const handle = await open(path, "r");
  const buffer = new Uint8Array(8 * 1024 * 1024);
  try {
    while ((await handle.read(buffer, 0, buffer.length)).bytesRead > 0) {}
  } finally {
    await handle.close();
  }
  return performance.now() - started;
}

function ffmpeg(args: string[]): void {
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], { stdio: "inherit" });
}

/** A large file made by stream-copying a short encode in a loop: seconds, not an encode. */
interface LargeFile {
  name: string;
  clip: string;
  encode: string[];
  loop: string[];
  /** Rewrites the looped file in place (what no ffmpeg option writes). */
  finish?: (path: string) => void;
}

/** Ten seconds of 1080p test pattern, encoded fast. */
const h264Clip = (rate: number | string, bitrate: string) => [
  ...["-f", "lavfi", "-i", `testsrc2=size=1920x1080:rate=${rate}`, "-t", "10"],
  ...["-c:v", "libx264", "-preset", "ultrafast", "-b:v", bitrate],
];

/** A tone that stops for 3 s in every 20 and shifts pitch, so LAME's VBR changes bit rate often. */
const VBR_SOURCE =
  "aevalsrc=if(lt(mod(t\\,20)\\,3)\\,0\\,0.5*sin(2*PI*440*t)+0.3*sin(2*PI*(500+100*mod(t\\,20))*t)):s=44100";

const LARGE_FILES: LargeFile[] = [
  {
    name: "60min-1080p-moov-at-end.mp4",
    clip: "clip-1080p.mp4",
    encode: h264Clip(30, "1M"),
    loop: ["-t", "3600"],
  },
  {
    name: "2h.mp3",
    clip: "1min.mp3",
    encode: [
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=44100",
      "-t",
      "60",
      "-c:a",
      "libmp3lame",
      "-b:a",
      "128k",
    ],
    loop: ["-t", "7200"],
  },
  {
    // VBR without a Xing header (issue 16): nothing gives the frame count, and it is too long to
    // count, so its block is omitted after a bounded read. Silence every 20 s varies the bit rate.
    name: "2h-vbr-no-xing.mp3",
    clip: "1min-vbr-no-xing.mp3",
    encode: [
      ...["-f", "lavfi", "-i", VBR_SOURCE, "-t", "60"],
      ...["-c:a", "libmp3lame", "-q:a", "4", "-write_xing", "0"],
    ],
    loop: ["-t", "7200", "-write_xing", "0"],
  },
  {
    name: "500MB.mkv",
    clip: "clip-1080p.mkv",
    encode: h264Clip(25, "8M"),
    loop: ["-fs", "500000000"],
  },
  {
    // No DefaultDuration (issue 16): the rate comes from the first Clusters' millisecond timestamps.
    name: "200MB-29.97fps-no-default-duration.mkv",
    clip: "clip-1080p-29.97.mkv",
    encode: h264Clip("30000/1001", "8M"),
    loop: ["-fs", "200000000", "-write_crc32", "0"],
    finish: (path) =>
      execFileSync(process.execPath, [
        join(ROOT, "test/fixtures/probe/parts/void-default-duration.mjs"),
        path,
      ]),
  },
  {
    // Anamorphic (issue 16): 1440x1080 stored with 4:3 pixels, displayed 1920x1080.
    name: "200MB-anamorphic.mp4",
    clip: "clip-1440x1080-sar4x3.mp4",
    encode: [...h264Clip(25, "8M"), "-vf", "scale=1440:1080,setsar=4/3"],
    loop: ["-fs", "200000000"],
  },
  {
    name: "10min.aiff",
    clip: "1min.aiff",
    encode: ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "60", "-ac", "2"],
    loop: ["-t", "600"],
  },
];

/** Makes the large files once; a later run reuses them. */
function makeLargeFiles(): string[] {
  mkdirSync(LARGE, { recursive: true });
  return LARGE_FILES.map(({ name, clip, encode, loop, finish }) => {
    const out = join(LARGE, name);
    if (!existsSync(out)) {
      ffmpeg([...encode, join(LARGE, clip)]);
      ffmpeg(["-stream_loop", "-1", "-i", join(LARGE, clip), ...loop, "-c", "copy", out]);
      finish?.(out);
    }
    return out;
  });
}

const fmt = (n: number) => n.toLocaleString("en-US");

async function main(): Promise<void> {
  const fixtures = readdirSync(FIXTURES)
    .sort()
    .map((name) => join(FIXTURES, name));
  const large = process.argv.includes("--fixtures-only") ? [] : makeLargeFiles();
  const rows: Row[] = [];
  for (const path of [...fixtures, ...large]) if (statSync(path).size > 0) rows.push(await measure(path));
  const header = ["file", "size", "bytes read", "requests", "ratio", "probe ms", "full-read ms", "measured"];
  console.log(header.join("\t"));
  for (const r of rows) {
    const name = r.file.replace(`${ROOT}/`, "");
    const ratio = r.size > 0 ? `${((100 * r.bytes) / r.size).toFixed(r.bytes < r.size / 100 ? 4 : 1)}%` : "-";
    console.log(
      [
        name,
        fmt(r.size),
        fmt(r.bytes),
        r.requests,
        ratio,
        r.ms.toFixed(1),
        r.naiveMs.toFixed(1),
        r.summary,
      ].join("\t"),
    );
  }
}

await main();
