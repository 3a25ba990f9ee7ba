import dicomParser, { type DataSet } from "dicom-parser";
import type { ByteSource } from "../bytes/byte-source";
import { type InflatedPrefix, inflatePrefix } from "../bytes/inflate-prefix";
import { issue } from "../issues";
import { IMPLICIT_VR_LITTLE_ENDIAN, isRawDicom } from "./dicom-raw";
import { failedOutcome, ProbeFailureError } from "./probe-failure";
import { emptyOutcome, type MeasuredFields, type MediaProbe, type ProbeOutcome } from "./probe-types";

/** The header is parsed from a head of the file that grows ×4 from this while it is longer, up to the cap. */
const HEAD_BYTES = 64 * 1024;
/**
 * The budget for the data set before the pixel data, read from the file or inflated from a deflated
 * one: real headers take a few KB, private blocks and icons rarely a megabyte; 4 MiB bounds what a
 * hostile file costs (a 1.2 MB deflate bomb inflated to 1.2 GB and took 3.6 GB of memory).
 */
const MAX_HEAD_BYTES = 4 * 1024 * 1024;
const PIXEL_DATA = "x7fe00010";
/** Columns (0028,0011), the highest tag read: once any later tag is parsed, every field read is complete. */
const LAST_FIELD = "x00280011";

type DicomFields = NonNullable<MeasuredFields["dicom"]>;

/**
 * String fields: where they go, their tag, their DICOM keyword, and whether a missing value earns
 * a warning (the keys grouping and import need; Modality is informative, InstanceNumber may be empty).
 */
const TEXT_FIELDS: [Exclude<keyof DicomFields, "instanceNumber">, string, string, boolean][] = [
  ["seriesInstanceUid", "x0020000e", "SeriesInstanceUID", true],
  ["studyInstanceUid", "x0020000d", "StudyInstanceUID", true],
  ["sopInstanceUid", "x00080018", "SOPInstanceUID", true],
  ["modality", "x00080060", "Modality", false],
  ["seriesDescription", "x0008103e", "SeriesDescription", false],
];
const INSTANCE_NUMBER = "x00200013";
const ROWS = "x00280010";
const COLUMNS = "x00280011";

/** A parse of a head, and how inflating its data set stopped (`none`: the data set is not deflated). */
type Parsed = { dataSet?: DataSet; failure?: string; inflate: "none" | InflatedPrefix["stop"] };
const NOTHING = new Uint8Array(0);

/**
 * Reads a DICOM file's header up to its pixel data (`application/dicom`): the series, study and
 * instance keys that group files into series, and Rows × Columns as height × width. A Part 10 file
 * or a legacy raw data set (Implicit VR Little Endian from byte 0, see `isRawDicom`).
 */
export const probeDicom: MediaProbe = async (source) => {
  try {
    return await readHeader(source);
  } catch (error) {
    return failedOutcome(error, "DICOM");
  }
};

async function readHeader(source: ByteSource): Promise<ProbeOutcome> {
  if (source.size === 0) throw new ProbeFailureError("media-truncated", "the file is empty");
  let raw: boolean | undefined;
  let bare: boolean | undefined;
  for (let length = HEAD_BYTES; ; length *= 4) {
    const read = await source.read(0, length);
    const whole = read.byteLength >= source.size;
    // Decided on the first head, whose first elements are all the raw check looks at.
    raw ??= !hasDicmPrefix(read) && isRawDicom(read);
    bare ??= !raw && !hasDicmPrefix(read) && startsWithMetaHeader(read);
    // A meta header from byte 0 without preamble and prefix (dcmdump reads it): parsed behind both.
    const head = bare ? withPreamble(read) : read;
    const { dataSet, failure, inflate } = await parse(head, raw);
    const overBudget = inflate === "budget";
    if (dataSet !== undefined && (isPastFields(dataSet) || (whole && failure === undefined && !overBudget))) {
      // A deflated data set's offsets count inflated bytes, not the file's.
      if (inflate === "none") checkPixelDataFits(dataSet, source.size + (bare ? PREAMBLE.byteLength : 0));
      return outcomeOf(dataSet);
    }
    if (failure?.includes("DICM prefix not found")) {
      const message =
        "not a DICOM Part 10 file: no DICM prefix at byte 128, nor a raw data set (group 0008 elements in Implicit VR Little Endian from byte 0)";
      throw new ProbeFailureError("media-corrupt", message);
    }
    if (inflate === "corrupt") {
      throw new ProbeFailureError(
        "media-corrupt",
        "the deflated data set does not inflate before its fields end",
      );
    }
    // Past the budget the file is not at fault: what was read is kept and the rest is left unmeasured.
    if (overBudget || (!whole && length >= MAX_HEAD_BYTES))
      return overBudgetOutcome(dataSet, inflate !== "none");
    if (whole) {
      const cut = failure === undefined || /past end|overread|overrun/.test(failure);
      throw new ProbeFailureError(
        cut ? "media-truncated" : "media-corrupt",
        `the header cannot be read: ${failure ?? "it ends early"}`,
      );
    }
  }
}

/**
 * Parses a head. dicom-parser inflates a deflated data set through a synchronous callback, which
 * cannot stop early: a first pass only learns where the deflated data starts, the data set is then
 * inflated up to the budget with a stream, and a second pass parses what came out.
 */
async function parse(head: Uint8Array, raw: boolean): Promise<Parsed> {
  let start: number | undefined;
  const first = parseWith(head, raw, (_bytes, position) => {
    start = position;
    return NOTHING;
  });
  if (start === undefined) return { ...first, inflate: "none" };
  const inflated = await inflatePrefix(head.subarray(start), "raw", MAX_HEAD_BYTES);
  return { ...parseWith(head, raw, () => inflated.bytes), inflate: inflated.stop };
}

/**
 * Parses a head; dicom-parser throws strings, Errors, or `{ exception, dataSet }` with what it read.
 * A raw data set is parsed from byte 0 in the transfer syntax it was checked to have.
 */
function parseWith(
  head: Uint8Array,
  raw: boolean,
  inflater: (bytes: Uint8Array, position: number) => Uint8Array,
): { dataSet?: DataSet; failure?: string } {
  const syntax = raw ? { TransferSyntaxUID: IMPLICIT_VR_LITTLE_ENDIAN } : {};
  try {
    return { dataSet: dicomParser.parseDicom(head, { untilTag: PIXEL_DATA, inflater, ...syntax }) };
  } catch (thrown) {
    if (typeof thrown === "object" && thrown !== null && "exception" in thrown) {
      const failure = describe(thrown.exception);
      const dataSet = "dataSet" in thrown && isDataSet(thrown.dataSet) ? thrown.dataSet : undefined;
      return dataSet === undefined ? { failure } : { dataSet, failure };
    }
    return { failure: describe(thrown) };
  }
}

/** The fields read before the budget ran out, with a warning that the rest of the header was not read. */
function overBudgetOutcome(dataSet: DataSet | undefined, deflated: boolean): ProbeOutcome {
  const outcome = outcomeOf(dataSet);
  const what = deflated ? "inflates to more than" : "is longer than";
  const message = `the data set before the pixel data ${what} ${MAX_HEAD_BYTES} bytes, the budget; fields after them were not read`;
  outcome.warnings.unshift(issue("dicom-header-over-budget", message));
  return outcome;
}

/** Whether the parse reached the pixel data or a tag after the last field read (tags ascend in a data set). */
function isPastFields(dataSet: DataSet): boolean {
  return Object.keys(dataSet.elements).some((tag) => tag === PIXEL_DATA || tag > LAST_FIELD);
}

/** A pixel data element of known length that runs past the end of the file means the file was cut. */
function checkPixelDataFits(dataSet: DataSet, size: number): void {
  const pixels = dataSet.elements[PIXEL_DATA];
  if (pixels === undefined || pixels.hadUndefinedLength) return;
  if (pixels.dataOffset + pixels.length > size) {
    throw new ProbeFailureError(
      "media-truncated",
      `the pixel data needs ${pixels.length} bytes; the file ends at byte ${size}`,
    );
  }
}

function outcomeOf(dataSet: DataSet | undefined): ProbeOutcome {
  const outcome = emptyOutcome();
  const dicom: DicomFields = {};
  const missing: string[] = [];
  for (const [field, tag, keyword, needed] of TEXT_FIELDS) {
    const value = dataSet?.string(tag)?.trim();
    if (value) dicom[field] = value;
    else if (needed) missing.push(keyword);
  }
  // IS is a decimal string; an empty one (type 2) means no number.
  const instanceNumber = dataSet?.string(INSTANCE_NUMBER)?.trim()
    ? dataSet.intString(INSTANCE_NUMBER)
    : undefined;
  if (instanceNumber !== undefined && Number.isFinite(instanceNumber)) dicom.instanceNumber = instanceNumber;
  outcome.media.dicom = dicom;
  const columns = dataSet?.uint16(COLUMNS);
  const rows = dataSet?.uint16(ROWS);
  if (columns !== undefined && columns > 0) outcome.media.width = columns;
  else missing.push("Columns");
  if (rows !== undefined && rows > 0) outcome.media.height = rows;
  else missing.push("Rows");
  if (missing.length > 0) {
    outcome.warnings.push(issue("dicom-field-missing", `the header has no ${missing.join(", ")}`));
  }
  return outcome;
}

/** The 128-byte preamble and `DICM` prefix that a Part 10 file puts before its meta header. */
const PREAMBLE = Uint8Array.from([...new Uint8Array(128), 0x44, 0x49, 0x43, 0x4d]);

function withPreamble(head: Uint8Array): Uint8Array {
  const out = new Uint8Array(PREAMBLE.byteLength + head.byteLength);
  out.set(PREAMBLE);
  out.set(head, PREAMBLE.byteLength);
  return out;
}

/**
 * Whether the bytes start with a file meta element in Explicit VR Little Endian: (0002,0000)
 * group length `UL` or (0002,0001) meta version `OB`, as a Part 10 file does after its prefix.
 */
function startsWithMetaHeader(head: Uint8Array): boolean {
  if (head.byteLength < 8 || head[0] !== 0x02 || head[1] !== 0x00 || head[3] !== 0x00) return false;
  const vr = String.fromCharCode(head[4] ?? 0, head[5] ?? 0);
  return (head[2] === 0x00 && vr === "UL") || (head[2] === 0x01 && vr === "OB");
}

function hasDicmPrefix(head: Uint8Array): boolean {
  return head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d;
}

function isDataSet(value: unknown): value is DataSet {
  return (
    typeof value === "object" &&
    value !== null &&
    "elements" in value &&
    "string" in value &&
    "uint16" in value
  );
}

function describe(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  return typeof thrown === "string" ? thrown : "unknown parser error";
}
