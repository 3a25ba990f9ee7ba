import { z } from "zod";
import { JsonSchema } from "../json";

/** Per-frame entry of `$encord.frames`: custom keys plus an optional `$encord.keyframe` flag. */
export const EncordFrameEntrySchema = z
  .object({ $encord: z.strictObject({ keyframe: z.boolean().optional() }).optional() })
  .catchall(JsonSchema);

/** `$encord.config`: video sampling settings (encord-import-format.md §3). */
export const EncordConfigSchema = z.strictObject({
  sampling_rate: z.number().finite().nonnegative().optional(),
  keyframe_mode: z.enum(["frame", "seconds"]).optional(),
});

/** `$encord.frames`: a list of keyframe indices, or frame keys mapped to per-frame metadata. */
export const EncordFramesSchema = z.union([
  z.array(z.number().int().nonnegative()),
  z.record(z.string(), EncordFrameEntrySchema),
]);

/** The reserved `$encord` namespace inside `clientMetadata`. */
export const EncordNamespaceSchema = z.strictObject({
  config: EncordConfigSchema.optional(),
  frames: EncordFramesSchema.optional(),
});
export type EncordNamespace = z.infer<typeof EncordNamespaceSchema>;

/** Frame keys: integer indices in `frame` mode, non-negative seconds in `seconds` mode. */
export const FRAME_KEY_PATTERNS = {
  frame: /^(0|[1-9][0-9]*)$/,
  seconds: /^(0|[1-9][0-9]*)(\.[0-9]+)?$/,
} as const;

/** `clientMetadata` as the import format carries it: any JSON object whose `$encord` is well formed. */
export const ClientMetadataSchema = z
  .object({ $encord: EncordNamespaceSchema.optional() })
  .catchall(JsonSchema);
