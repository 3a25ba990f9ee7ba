import { z } from "zod";

/** A page of re-derivation work: every data object under `prefix`, after a `_defaults.json` change. */
export const RederiveMessageSchema = z.object({
  type: z.literal("rederive-prefix"),
  bucket: z.string(),
  prefix: z.string(),
  /** The source key whose change caused the work (the defaults file) and its sequencer. */
  source: z.string(),
  sequencer: z.string().regex(/^[0-9A-Fa-f]+$/),
  cursor: z.string().nullable(),
});
export type RederiveMessage = z.infer<typeof RederiveMessageSchema>;

/** Any message of the work queue. */
export const WorkMessageSchema = z.discriminatedUnion("type", [RederiveMessageSchema]);
export type WorkMessage = z.infer<typeof WorkMessageSchema>;
