import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The ground truth is the raw output of ffprobe, identify, pdfinfo, dcmdump and file, committed by
// test/fixtures/probe/make-probe-fixtures.sh; this module turns it into Sluice's units.
const mediaDir = fileURLToPath(new URL("../fixtures/probe/media/", import.meta.url));
const truthDir = fileURLToPath(new URL("../fixtures/probe/truth/", import.meta.url));

/** The reference tool whose raw output is a fixture's ground truth. */
export type TruthTool = "ffprobe" | "identify" | "pdfinfo" | "dcmdump" | "file";

/** A probe fixture that has a ground-truth file beside it. */
export interface ProbeFixture {
  name: string;
  tool: TruthTool;
}

/** Expected video values, as ffprobe reports them for the presented video stream. */
export interface ExpectedVideo {
  fps: number;
  /** Absent when ffprobe reports none (a WebM recorded without a Duration). */
  duration?: number;
  width: number;
  height: number;
  /** ffprobe's width and height: the stored frame, before the sample aspect ratio and rotation. */
  codedWidth: number;
  codedHeight: number;
  fileSize: number;
  frameCount?: number;
  variableFrameRate: boolean;
}

/** Expected audio values, as ffprobe reports them for the first audio stream. */
export interface ExpectedAudio {
  duration: number;
  sampleRate: number;
  numChannels: number;
  codec: string;
  bitsPerSample?: number;
  fileSize: number;
}

/** Expected DICOM header values, as dcmdump prints them from the data set. */
export interface ExpectedDicom {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  sopInstanceUid: string;
  instanceNumber: number;
  modality: string;
  rows: number;
  columns: number;
}

type Fields = Record<string, unknown>;

const TOOLS: Record<string, TruthTool> = {
  "ffprobe.json": "ffprobe",
  "identify.txt": "identify",
  "pdfinfo.txt": "pdfinfo",
  "dcmdump.txt": "dcmdump",
  "file.txt": "file",
};

/**
 * Extra truth where the standard tool guesses (see the fixtures README): counted from the file's own
 * structure by the script that made it. It sits beside the tool's truth, so it lists no fixture.
 */
const STRUCTURE_SUFFIX = ".structure.json";

/** Reads a fixture's ground truth counted from its own structure (`<file>.structure.json`). */
export function structuralTruth(name: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readTruth(name, STRUCTURE_SUFFIX.slice(1)));
  if (!isFields(parsed)) throw new Error(`${name}: structure truth is not an object`);
  return parsed;
}

/** Returns the absolute path of a probe fixture's media file. */
export function probeMediaPath(name: string): string {
  return mediaDir + name;
}

/** Lists every probe fixture that has a ground-truth file, sorted by name. */
export function listProbeFixtures(): ProbeFixture[] {
  return readdirSync(truthDir)
    .sort()
    .filter((file) => !file.endsWith(STRUCTURE_SUFFIX))
    .map((file) => {
      const match = /^(.+)\.([a-z]+\.(?:json|txt))$/.exec(file);
      const tool = match?.[2] === undefined ? undefined : TOOLS[match[2]];
      if (match?.[1] === undefined || tool === undefined) throw new Error(`unknown truth file ${file}`);
      return { name: match[1], tool };
    });
}

/** Reads the expected video values of a fixture from its ffprobe output. */
export function expectedVideo(name: string): ExpectedVideo {
  const { streams, format } = ffprobe(name);
  const video = streams.find((s) => s.codec_type === "video" && !isAttachedPicture(s));
  if (video === undefined) throw new Error(`${name}: ffprobe found no video stream`);
  // ffprobe's avg_frame_rate comes from rounded timestamps (1000/33 for 29.97 fps in a Matroska file
  // without DefaultDuration); where the fixture script counted frames ÷ duration, that is the truth.
  const counted = existsSync(`${truthDir}${name}${STRUCTURE_SUFFIX}`) ? structuralTruth(name) : {};
  const avg = rate(counted.avg_frame_rate ?? video.avg_frame_rate, name);
  const swap = Math.abs(rotation(video)) % 180 === 90;
  const codedWidth = required(numeric(video.width), name, "width");
  const codedHeight = required(numeric(video.height), name, "height");
  const { width, height } = withSampleAspect(codedWidth, codedHeight, video.sample_aspect_ratio);
  return {
    fps: avg,
    duration: numeric(video.duration) ?? numeric(format.duration),
    width: swap ? height : width,
    height: swap ? width : height,
    codedWidth,
    codedHeight,
    fileSize: required(numeric(format.size), name, "format.size"),
    frameCount: numeric(video.nb_frames),
    variableFrameRate: rate(video.r_frame_rate, name) !== avg,
  };
}

/** Reads the expected audio values of a fixture from its ffprobe output. */
export function expectedAudio(name: string): ExpectedAudio {
  const { streams, format } = ffprobe(name);
  const audio = streams.find((s) => s.codec_type === "audio");
  if (audio === undefined) throw new Error(`${name}: ffprobe found no audio stream`);
  // Lossy codecs report 0 (or nothing): they store no bit depth.
  const bits = [numeric(audio.bits_per_raw_sample), numeric(audio.bits_per_sample)].find(
    (b) => b !== undefined && b > 0,
  );
  return {
    duration: required(numeric(audio.duration) ?? numeric(format.duration), name, "duration"),
    sampleRate: required(numeric(audio.sample_rate), name, "sample_rate"),
    numChannels: required(numeric(audio.channels), name, "channels"),
    codec: required(text(audio.codec_name), name, "codec_name"),
    bitsPerSample: bits,
    fileSize: required(numeric(format.size), name, "format.size"),
  };
}

/** Reads an image's displayed width and height (EXIF orientation applied) from identify's output. */
export function expectedImage(name: string): { width: number; height: number } {
  const fields = keyValues(readTruth(name, "identify.txt"), "=");
  const width = required(numeric(fields.get("width")), name, "width");
  const height = required(numeric(fields.get("height")), name, "height");
  // Orientations 5-8 (LeftTop, RightTop, RightBottom, LeftBottom) turn the image a quarter.
  const quarterTurn = /^(Left|Right)/.test(fields.get("orientation") ?? "");
  return quarterTurn ? { width: height, height: width } : { width, height };
}

/** Reads a PDF's page count from pdfinfo's output. */
export function expectedPdfPages(name: string): number {
  return required(numeric(keyValues(readTruth(name, "pdfinfo.txt"), ":").get("Pages")), name, "Pages");
}

/** Reads a text file's MIME type and charset from `file --mime`, and its size from the file. */
export function expectedText(name: string): { mimeType: string; charset: string; fileSize: number } {
  const match = /^([\w.+-]+\/[\w.+-]+); charset=([\w-]+)$/.exec(readTruth(name, "file.txt").trim());
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`${name}: unreadable file output`);
  return { mimeType: match[1], charset: match[2], fileSize: statSync(probeMediaPath(name)).size };
}

/** Reads the grouping keys and image size of a DICOM fixture from dcmdump's output. */
export function expectedDicom(name: string): ExpectedDicom {
  const elements = new Map<string, string>();
  // Top-level data set lines only: "(0020,000e) UI [1.2.3]   #   6, 1 SeriesInstanceUID".
  for (const line of readTruth(name, "dcmdump.txt").split("\n")) {
    const match = /^\([0-9a-f]{4},[0-9a-f]{4}\) [A-Z]{2} (.*?)\s+#\s*\d+,\s*\d+ (\w+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      elements.set(match[2], match[1].replace(/^\[(.*)\]$/, "$1"));
    }
  }
  const value = (key: string) => required(elements.get(key), name, key);
  return {
    seriesInstanceUid: value("SeriesInstanceUID"),
    studyInstanceUid: value("StudyInstanceUID"),
    sopInstanceUid: value("SOPInstanceUID"),
    instanceNumber: required(numeric(value("InstanceNumber")), name, "InstanceNumber"),
    modality: value("Modality"),
    rows: required(numeric(value("Rows")), name, "Rows"),
    columns: required(numeric(value("Columns")), name, "Columns"),
  };
}

function readTruth(name: string, suffix: string): string {
  return readFileSync(`${truthDir}${name}.${suffix}`, "utf8");
}

function ffprobe(name: string): { streams: Fields[]; format: Fields } {
  const parsed: unknown = JSON.parse(readTruth(name, "ffprobe.json"));
  if (!isFields(parsed) || !Array.isArray(parsed.streams) || !isFields(parsed.format)) {
    throw new Error(`${name}: not ffprobe -show_streams -show_format output`);
  }
  return { streams: parsed.streams.filter(isFields), format: parsed.format };
}

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAttachedPicture(stream: Fields): boolean {
  return isFields(stream.disposition) && stream.disposition.attached_pic === 1;
}

// ffprobe writes some numbers as JSON numbers and others (duration, size, sample_rate) as strings.
function numeric(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function rate(value: unknown, name: string): number {
  const match = typeof value === "string" ? /^(\d+)\/(\d+)$/.exec(value) : null;
  const num = Number(match?.[1]);
  const den = Number(match?.[2]);
  if (!(den > 0)) throw new Error(`${name}: frame rate ${String(value)} is not a rate`);
  return num / den;
}

// ffprobe's sample_aspect_ratio ("4:3"; "0:1" or absent when unknown) applied as browsers show it:
// wide pixels widen the picture, narrow ones make it taller (720x480 at 8:9 shows 720x540).
function withSampleAspect(width: number, height: number, sar: unknown): { width: number; height: number } {
  const match = typeof sar === "string" ? /^(\d+):(\d+)$/.exec(sar) : null;
  const ratio = Number(match?.[1]) / Number(match?.[2]);
  if (!(ratio > 0 && Number.isFinite(ratio))) return { width, height };
  return ratio >= 1
    ? { width: Math.round(width * ratio), height }
    : { width, height: Math.round(height / ratio) };
}

// Phones store rotation as a display matrix (ffprobe's side data) or, in older output, a rotate tag.
function rotation(stream: Fields): number {
  const sideData = Array.isArray(stream.side_data_list) ? stream.side_data_list.filter(isFields) : [];
  const fromMatrix = sideData.map((entry) => numeric(entry.rotation)).find((r) => r !== undefined);
  const fromTag = isFields(stream.tags) ? numeric(stream.tags.rotate) : undefined;
  return fromMatrix ?? fromTag ?? 0;
}

function keyValues(output: string, separator: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of output.split("\n")) {
    const at = line.indexOf(separator);
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

function required<T>(value: T | undefined, name: string, field: string): T {
  if (value === undefined) throw new Error(`${name}: ground truth has no ${field}`);
  return value;
}
