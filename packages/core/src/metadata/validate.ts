import { z } from "zod";
import { EncordNamespaceSchema, FRAME_KEY_PATTERNS } from "../imports/encord-namespace";
import { type Issue, issue } from "../issues";
import { isJsonObject, type JsonObject } from "../json";
import { capErrors, type FieldError, fieldError, fieldErrorsOf } from "./field-error";
import type { MetadataSchema, MetadataType } from "./schema";
import { valueSchemaFor } from "./values";

export type { FieldError } from "./field-error";

/** What validating `clientMetadata` found: errors make the record invalid, warnings do not. */
export type MetadataValidation = { errors: FieldError[]; warnings: Issue[] };

/** Keys that Encord's Label Editor layouts read; they are expected outside the schema (format doc §5.3). */
const LAYOUT_KEYS = new Set(["encord-layout-group", "encord-editor-grid-position"]);

const FRAME_INDEX = "non-negative integer frame index";
const KeyframesSchema = z.array(
  z.number({ error: FRAME_INDEX }).int({ error: FRAME_INDEX }).min(0, { error: FRAME_INDEX }),
  { error: "array of non-negative integer frame indices" },
);

/** Validates `clientMetadata` against a metadata schema (or none) and the reserved keys, never throwing. */
export function validateClientMetadata(
  metadata: JsonObject,
  schema: MetadataSchema | null,
): MetadataValidation {
  const errors: FieldError[] = [];
  const warnings: Issue[] = [];
  if (!isJsonObject(metadata)) {
    errors.push(fieldError("metadata-not-object", [], "JSON object", metadata));
    return { errors, warnings };
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (key === "$encord") {
      errors.push(...capErrors(validateEncordNamespace(value, schema), [key]));
    } else if (key === "keyframes") {
      warnings.push(
        issue("deprecated-keyframes", 'deprecated: use "$encord": {"frames": [...]} instead', key),
      );
      errors.push(...capErrors(fieldErrorsOf(KeyframesSchema, value, [key], "invalid-keyframes"), [key]));
    } else if (key.startsWith("$")) {
      errors.push(
        fieldError("reserved-key", [key], 'no "$" key other than "$encord" (Encord reserves them)', value),
      );
    } else {
      const type = declaredType(schema, key);
      if (type === undefined) {
        if (schema !== null && !LAYOUT_KEYS.has(key)) {
          warnings.push(
            issue("unknown-metadata-key", "not in the metadata schema; Encord keeps it untyped", key),
          );
        }
      } else if (type.ty === "tombstone") {
        warnings.push(
          issue("tombstoned-key", "deleted in the metadata schema; Encord will not index it", key),
        );
      } else if (value !== null) {
        // null is read as "no value", which every type allows.
        errors.push(
          ...capErrors(fieldErrorsOf(valueSchemaFor(type), value, [key], "schema-violation"), [key]),
        );
      }
    }
  }
  return { errors, warnings };
}

function declaredType(schema: MetadataSchema | null, key: string): MetadataType | undefined {
  return schema !== null && Object.hasOwn(schema, key) ? schema[key] : undefined;
}

/** Checks `$encord` with its zod schema, then what that schema cannot see: frame keys and embeddings. */
function validateEncordNamespace(value: unknown, schema: MetadataSchema | null): FieldError[] {
  const errors = fieldErrorsOf(EncordNamespaceSchema, value, ["$encord"], "invalid-encord-namespace");
  if (!isJsonObject(value) || !isJsonObject(value.frames)) return errors;
  return [...errors, ...frameErrors(value.frames, keyframeModeOf(value.config), schema)];
}

/** Frame keys must suit the keyframe mode; per-frame values of `embedding` keys must fit the schema. */
function frameErrors(
  frames: JsonObject,
  mode: "frame" | "seconds" | undefined,
  schema: MetadataSchema | null,
) {
  const errors: FieldError[] = [];
  for (const [frameKey, entry] of Object.entries(frames)) {
    const path = ["$encord", "frames", frameKey];
    if (mode !== undefined && !FRAME_KEY_PATTERNS[mode].test(frameKey)) {
      const expected = mode === "frame" ? 'a frame index such as "120"' : 'seconds such as "3.25"';
      errors.push(
        fieldError("invalid-encord-namespace", path, `${expected} (keyframe_mode "${mode}")`, frameKey),
      );
    }
    if (!isJsonObject(entry)) continue;
    for (const [key, frameValue] of Object.entries(entry)) {
      const type = declaredType(schema, key);
      if (type?.ty === "embedding" && frameValue !== null) {
        errors.push(...fieldErrorsOf(valueSchemaFor(type), frameValue, [...path, key], "schema-violation"));
      }
    }
  }
  return errors;
}

/** The frame-key mode in force, or undefined when `keyframe_mode` is invalid (reported by the schema). */
function keyframeModeOf(config: unknown): "frame" | "seconds" | undefined {
  const mode = isJsonObject(config) ? config.keyframe_mode : undefined;
  if (mode === undefined) return "frame";
  return mode === "frame" || mode === "seconds" ? mode : undefined;
}
