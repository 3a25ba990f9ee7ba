// The IPC messages between `bench:cost` and its emulators' process (cost-emulators.ts), and the names both use.
import { z } from "zod";

/** What the parent sends. */
export const ParentMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("take") }),
  z.object({ type: z.literal("ack"), id: z.number() }),
  z.object({ type: z.literal("stop") }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

/** Requests and 404 answers per operation, as a counting proxy takes them. */
export const CountsSchema = z.record(z.string(), z.object({ requests: z.number(), notFound: z.number() }));

/** What the emulators' process sends. */
export const ChildMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    s3Port: z.number(),
    s3ProxyPort: z.number(),
    dynamoProxyPort: z.number(),
  }),
  z.object({ type: z.literal("counts"), s3: CountsSchema, dynamo: CountsSchema }),
  z.object({ type: z.literal("event"), id: z.number(), body: z.string() }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;

/** The buckets and table of the bench's own stack. */
export const DATA_BUCKET = "cost-data";
export const EXPORTS_BUCKET = "cost-exports";
export const TABLE_NAME = "sluice-records";
