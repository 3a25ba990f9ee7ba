import { constants, inflateRawSync } from "node:zlib";
import dicomParser, { type DataSet } from "dicom-parser";
import type { ByteSource } from "../byte-source";
import { issue } from "../issues";
import { failedOutcome, ProbeFailureError } from "./probe-failure";
import { emptyOutcome, type MeasuredFields, type MediaProbe, type ProbeOutcome } from "./probe-types";

/** The header is parsed from a head of the file that grows ×4 from this while it is longer, up to the cap. */
const HEAD_BYTES = 64 * 1024;
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

type Parsed = { dataSet?: DataSet; failure?: string; deflated: boolean };

/**
 * Reads a DICOM Part 10 file's header up to its pixel data (`application/dicom`): the series,
 * study and instance keys that group files into series, and Rows × Columns as height × width.
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
  for (let length = HEAD_BYTES; ; length *= 4) {
    const head = await source.read(0, length);
    const whole = head.byteLength >= source.size;
    const { dataSet, failure, deflated } = parse(head);
    if (dataSet !== undefined && (isPastFields(dataSet) || (whole && failure === undefined))) {
      // A deflated data set's offsets count inflated bytes, not the file's.
      if (!deflated) checkPixelDataFits(dataSet, source.size);
      return outcomeOf(dataSet);
    }
    if (failure?.includes("DICM prefix not found")) {
      throw new ProbeFailureError("media-corrupt", "not a DICOM Part 10 file: no DICM prefix at byte 128");
    }
    if (whole) {
      const cut = failure === undefined || /past end|overread|overrun/.test(failure);
      throw new ProbeFailureError(
        cut ? "media-truncated" : "media-corrupt",
        `the header cannot be read: ${failure ?? "it ends early"}`,
      );
    }
    if (length >= MAX_HEAD_BYTES) {
      throw new ProbeFailureError(
        "media-unsupported",
        `the header before the pixel data is longer than ${MAX_HEAD_BYTES} bytes`,
      );
    }
  }
}

/** Parses a head; dicom-parser throws strings, Errors, or `{ exception, dataSet }` with what it read. */
function parse(head: Uint8Array): Parsed {
  let deflated = false;
  const inflater = (bytes: Uint8Array, position: number) => {
    deflated = true;
    return inflatePartially(bytes, position);
  };
  try {
    const dataSet = dicomParser.parseDicom(head, { untilTag: PIXEL_DATA, inflater });
    return { dataSet, deflated };
  } catch (thrown) {
    if (typeof thrown === "object" && thrown !== null && "exception" in thrown) {
      const failure = describe(thrown.exception);
      const dataSet = "dataSet" in thrown && isDataSet(thrown.dataSet) ? thrown.dataSet : undefined;
      return dataSet === undefined ? { failure, deflated } : { dataSet, failure, deflated };
    }
    return { failure: describe(thrown), deflated };
  }
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

function outcomeOf(dataSet: DataSet): ProbeOutcome {
  const outcome = emptyOutcome();
  const dicom: DicomFields = {};
  const missing: string[] = [];
  for (const [field, tag, keyword, needed] of TEXT_FIELDS) {
    const value = dataSet.string(tag)?.trim();
    if (value) dicom[field] = value;
    else if (needed) missing.push(keyword);
  }
  // IS is a decimal string; an empty one (type 2) means no number.
  const instanceNumber = dataSet.string(INSTANCE_NUMBER)?.trim()
    ? dataSet.intString(INSTANCE_NUMBER)
    : undefined;
  if (instanceNumber !== undefined && Number.isFinite(instanceNumber)) dicom.instanceNumber = instanceNumber;
  outcome.media.dicom = dicom;
  const columns = dataSet.uint16(COLUMNS);
  const rows = dataSet.uint16(ROWS);
  if (columns !== undefined && columns > 0) outcome.media.width = columns;
  else missing.push("Columns");
  if (rows !== undefined && rows > 0) outcome.media.height = rows;
  else missing.push("Rows");
  if (missing.length > 0) {
    outcome.warnings.push(issue("dicom-field-missing", `the header has no ${missing.join(", ")}`));
  }
  return outcome;
}

/**
 * Inflates a Deflated Explicit VR data set. dicom-parser parses what the inflater returns from
 * byte 0, so it gets the inflated data set alone; a head cuts the deflate stream, so a sync flush
 * returns what the bytes so far give instead of failing on the missing end.
 */
function inflatePartially(bytes: Uint8Array, position: number): Uint8Array {
  return inflateRawSync(bytes.subarray(position), { finishFlush: constants.Z_SYNC_FLUSH });
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
