import { type Issue, issue } from "../issues";
import { isJsonObject, type JsonObject } from "../json";
import { jsonErrorPosition } from "./json-error-position";
import {
  describeLimitProblem,
  exceedsValueBudget,
  findMetadataLimitProblem,
  findTopLevelKeyProblem,
} from "./sidecar-limits";

/** The largest sidecar or defaults file accepted: 10 MB (10⁶-byte MB), Encord's per-item metadata limit. */
export const MAX_SIDECAR_BYTES = 10_000_000;

/** A parsed sidecar: its optional title and its `clientMetadata`, or the error that makes the record invalid. */
export type SidecarResult =
  | { ok: true; title?: string; clientMetadata: JsonObject; warnings: Issue[] }
  | { ok: false; error: Issue };

/** A parsed `_defaults.json`: the `clientMetadata` defaults it gives, or its error. */
export type DefaultsResult =
  | { ok: true; clientMetadata: JsonObject; warnings: Issue[] }
  | { ok: false; error: Issue };

interface FileKind {
  name: string;
  code: string;
}

const SIDECAR: FileKind = { name: "Sidecar", code: "sidecar" };
const DEFAULTS: FileKind = { name: "Folder defaults", code: "defaults" };

/**
 * Parses a sidecar (design.md "Sidecars"): with a top-level `clientMetadata` key it is the
 * structured form `{ title?, clientMetadata }`, otherwise the whole object is the `clientMetadata`.
 */
export function parseSidecar(bytes: Uint8Array, key: string): SidecarResult {
  const parsed = parseMetadataFile(bytes, key, SIDECAR);
  if (!parsed.ok) return parsed;
  const { object, warnings } = parsed;
  if (!Object.hasOwn(object, "clientMetadata")) return { ok: true, clientMetadata: object, warnings };
  const { title, clientMetadata } = object;
  if (!isJsonObject(clientMetadata)) {
    const message = `${SIDECAR.name} ${key}: "clientMetadata" must be an object, but it ${describe(clientMetadata)}`;
    return { ok: false, error: issue("sidecar-invalid", message, "clientMetadata") };
  }
  if (!Object.hasOwn(object, "title")) return { ok: true, clientMetadata, warnings };
  if (typeof title !== "string" || title.trim() === "") {
    const message = `${SIDECAR.name} ${key}: "title" must be a non-empty string, but it ${describe(title)}`;
    return { ok: false, error: issue("sidecar-invalid", message, "title") };
  }
  return { ok: true, title, clientMetadata, warnings };
}

/**
 * Parses a folder defaults file by the sidecar's rules; a structured form's `title` is ignored
 * with a warning, since one title cannot fit every object beneath a folder.
 */
export function parseDefaults(bytes: Uint8Array, key: string): DefaultsResult {
  const parsed = parseMetadataFile(bytes, key, DEFAULTS);
  if (!parsed.ok) return parsed;
  const { object, warnings } = parsed;
  if (!Object.hasOwn(object, "clientMetadata")) return { ok: true, clientMetadata: object, warnings };
  const { clientMetadata } = object;
  if (!isJsonObject(clientMetadata)) {
    const message = `${DEFAULTS.name} ${key}: "clientMetadata" must be an object, but it ${describe(clientMetadata)}`;
    return { ok: false, error: issue("defaults-invalid", message, "clientMetadata") };
  }
  if (Object.hasOwn(object, "title")) {
    const message = `${DEFAULTS.name} ${key}: "title" is ignored; a folder's defaults give no title`;
    warnings.push(issue("defaults-title-ignored", message, "title"));
  }
  return { ok: true, clientMetadata, warnings };
}

/**
 * Picks the sidecar to use among those found for one data object: the first by suffix order, with
 * a `multiple-sidecars` warning naming the others; candidates under a suffix not in force are ignored.
 */
export function chooseSidecar<C extends { key: string; suffix: string }>(
  candidates: readonly C[],
  suffixes: readonly string[],
): { sidecar: C | null; warnings: Issue[] } {
  const ranked = candidates
    .filter((c) => suffixes.includes(c.suffix))
    .sort((a, b) => suffixes.indexOf(a.suffix) - suffixes.indexOf(b.suffix) || compare(a.key, b.key));
  const [sidecar, ...ignored] = ranked;
  if (!sidecar) return { sidecar: null, warnings: [] };
  if (ignored.length === 0) return { sidecar, warnings: [] };
  const names = ignored.map((c) => c.key).join(", ");
  const message = `several sidecars found; using ${sidecar.key} (suffix ${sidecar.suffix} comes first) and ignoring ${names}`;
  return { sidecar, warnings: [issue("multiple-sidecars", message)] };
}

/**
 * Checks a metadata layer written through the API (design.md "API edits") by a sidecar's limits: the
 * nesting depth, finite numbers, the value and top-level key budgets and 10 MB as JSON. A layer past
 * any of them answers the error a sidecar would get, with its code; null when it is within them.
 */
export function checkMetadataLayer(layer: JsonObject): Issue | null {
  const limit = findMetadataLimitProblem(layer) ?? findTopLevelKeyProblem(layer);
  if (limit) {
    const { suffix, message } = describeLimitProblem(limit);
    return issue(
      `sidecar-${suffix}`,
      `The metadata layer ${message}`,
      limit.path === "" ? undefined : limit.path,
    );
  }
  // Within the value budget, so this costs at most about the 10 MB it measures.
  const bytes = new TextEncoder().encode(JSON.stringify(layer)).byteLength;
  if (bytes <= MAX_SIDECAR_BYTES) return null;
  const message = `The metadata layer is ${bytes} bytes as JSON; the limit is ${MAX_SIDECAR_BYTES} (10 MB), as for a sidecar`;
  return issue("sidecar-too-large", message);
}

/** The error for a metadata layer whose JSON text holds more values than the budget, found before parsing it. */
export function tooComplexLayerText(text: string): Issue | null {
  if (!exceedsValueBudget(text)) return null;
  return issue(
    "sidecar-too-complex",
    `The metadata layer ${describeLimitProblem({ kind: "too-complex", path: "" }).message}`,
  );
}

type Parsed = { ok: true; object: JsonObject; warnings: Issue[] } | { ok: false; error: Issue };

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** Ignored top-level keys of a structured file named one warning each; the rest are counted in one. */
const MAX_NAMED_EXTRAS = 20;

function parseMetadataFile(bytes: Uint8Array, key: string, kind: FileKind): Parsed {
  const fail = (suffix: string, message: string): Parsed => ({
    ok: false,
    error: issue(`${kind.code}-${suffix}`, `${kind.name} ${key} ${message}`),
  });
  // Checked before decoding, so that an oversized file costs nothing more.
  if (bytes.byteLength > MAX_SIDECAR_BYTES) {
    return fail("too-large", `is ${bytes.byteLength} bytes; the limit is ${MAX_SIDECAR_BYTES} (10 MB)`);
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail("not-json", "is UTF-16 text; JSON files must be UTF-8");
  }
  const body = UTF8_BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(UTF8_BOM.length) : bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return fail("not-json", "is not valid UTF-8 text");
  }
  // Counted before parsing, so that a file over the value budget never costs its parsed size.
  if (exceedsValueBudget(text)) {
    return fail("too-complex", describeLimitProblem({ kind: "too-complex", path: "" }).message);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail("not-json", `is not valid JSON: ${syntaxMessage(text, error)}`);
  }
  if (!isJsonObject(value)) return fail("not-object", `must be a JSON object, but it ${describe(value)}`);
  const limit = findMetadataLimitProblem(value);
  if (limit) {
    const { suffix, message } = describeLimitProblem(limit);
    const path = limit.path === "" ? undefined : limit.path;
    return { ok: false, error: issue(`${kind.code}-${suffix}`, `${kind.name} ${key} ${message}`, path) };
  }
  const structured = Object.hasOwn(value, "clientMetadata");
  const keys =
    findTopLevelKeyProblem(value) ??
    (structured && isJsonObject(value.clientMetadata) ? findTopLevelKeyProblem(value.clientMetadata) : null);
  if (keys) return fail("too-complex", describeLimitProblem(keys).message);
  const warnings: Issue[] = [];
  if (structured) {
    const extras = Object.keys(value).filter((k) => k !== "clientMetadata" && k !== "title");
    // Warnings live in the record's item, which DynamoDB caps at 400 KB: name a few, count the rest.
    for (const extra of extras.slice(0, MAX_NAMED_EXTRAS)) {
      const message = `${kind.name} ${key}: top-level key "${extra}" is ignored; in the structured form only "title" and "clientMetadata" count`;
      warnings.push(issue(`unknown-${kind.code}-key`, message, extra));
    }
    if (extras.length > MAX_NAMED_EXTRAS) {
      const message = `${kind.name} ${key}: ${extras.length - MAX_NAMED_EXTRAS} more top-level keys are ignored`;
      warnings.push(issue(`unknown-${kind.code}-key`, message));
    }
  }
  return { ok: true, object: value, warnings };
}

/** The parser's own words without its echo of the input, plus a line and column it may have left out. */
function syntaxMessage(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const reason = raw
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "")
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/ at position \d+.*$/s, "");
  const position = jsonErrorPosition(text);
  return position
    ? `${reason} at line ${position.line}, column ${position.column} (character ${position.offset})`
    : reason;
}

function describe(value: unknown): string {
  if (value === null) return "is null";
  if (Array.isArray(value)) return "is an array";
  return typeof value === "object" ? "is an object" : `is a ${typeof value}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
