import type { MiddlewareStack } from "@smithy/types";
import { z } from "zod";

/** The AWS services Sluice's functions call, by their IAM service prefix. */
export type AwsService = "s3" | "dynamodb" | "sqs" | "events";

/** One command a client sent, or signed for a presigned URL, and how it ended. */
export interface RecordedCall {
  service: AwsService;
  /** The operation, as IAM and the API reference name it: `GetObject`, `Query`, `SendMessageBatch`. */
  operation: string;
  input: Record<string, unknown>;
  /** The HTTP status of the answer or of the error; null for a presigned URL (nothing was sent yet). */
  status: number | null;
  /** The error's name when the call failed. */
  error?: string;
}

/** A client whose middleware stack can take one more middleware (any SDK v3 client or document client). */
interface WithMiddleware<I extends object, O extends object> {
  middlewareStack: MiddlewareStack<I, O>;
}

const InputSchema = z.record(z.string(), z.unknown());
const OutcomeSchema = z.object({
  name: z.string().optional(),
  $metadata: z.object({ httpStatusCode: z.number().optional() }).optional(),
  output: z.object({ presigned: z.unknown().optional() }).passthrough().optional(),
});

/**
 * Records `{ service, operation, input }` of every command `client` handles into `sink`, including the ones
 * `getSignedUrl` signs (it runs a clone of the client's stack). Added at the initialize step, so the input is
 * the command's own (a document client's commands arrive here as the low-level ones they become).
 */
export function recordCalls<I extends object, O extends object>(
  client: WithMiddleware<I, O>,
  service: AwsService,
  sink: RecordedCall[],
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? "").replace(/Command$/, "");
      const parsed = InputSchema.safeParse(args.input);
      const call: RecordedCall = {
        service,
        operation,
        input: parsed.success ? parsed.data : {},
        status: null,
      };
      sink.push(call);
      try {
        const result = await next(args);
        const outcome = OutcomeSchema.safeParse(result);
        const presigned = outcome.success && outcome.data.output?.presigned !== undefined;
        call.status = presigned ? null : 200;
        return result;
      } catch (error) {
        const outcome = OutcomeSchema.safeParse(error);
        call.status = outcome.success ? (outcome.data.$metadata?.httpStatusCode ?? null) : null;
        call.error = outcome.success ? (outcome.data.name ?? "Error") : "Error";
        throw error;
      }
    },
    { step: "initialize", name: `recordCalls-${service}`, priority: "high" },
  );
}
