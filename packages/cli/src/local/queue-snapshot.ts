import type { SQSRecordAttributes } from "aws-lambda";
import { z } from "zod";

const messageFields = {
  messageId: z.string(),
  sentAt: z.number(),
  firstReceivedAt: z.number().nullable(),
  receiveCount: z.number().int().nonnegative(),
  visibleAt: z.number(),
  receiptHandle: z.string().nullable(),
  lastError: z.string().nullable(),
};

/** A received message, hidden from other receivers for the visibility timeout. */
export interface ReceivedMessage<T> {
  messageId: string;
  receiptHandle: string;
  body: T;
  receiveCount: number;
  attributes: SQSRecordAttributes;
}

/** A message as the queue keeps it. */
export interface StoredMessage<T> {
  messageId: string;
  body: T;
  sentAt: number;
  firstReceivedAt: number | null;
  receiveCount: number;
  /** Epoch ms from which the message can be received again; later than now while in flight. */
  visibleAt: number;
  /** The handle of the latest receive; older handles no longer act on the message, as in SQS. */
  receiptHandle: string | null;
  lastError: string | null;
}

/** A message moved aside after `maxReceives` receives, with the last error noted on it. */
export interface DeadLetter<T> extends StoredMessage<T> {
  deadLetteredAt: number;
}

/** The whole state of a queue: plain JSON, so that it can be written to disk and read back. */
export interface MemoryQueueSnapshot<T> {
  version: 1;
  messages: StoredMessage<T>[];
  deadLetters: DeadLetter<T>[];
}

/** The schema of one stored message whose body matches `body`. */
export function storedMessageSchema<T>(body: z.ZodType<T>): z.ZodType<StoredMessage<T>> {
  return z.object({ ...messageFields, body });
}

/** The schema of a snapshot whose bodies match `body`, to parse one read back from disk. */
export function memoryQueueSnapshotSchema<T>(body: z.ZodType<T>): z.ZodType<MemoryQueueSnapshot<T>> {
  const message = z.object({ ...messageFields, body });
  return z.object({
    version: z.literal(1),
    messages: z.array(message),
    deadLetters: z.array(message.extend({ deadLetteredAt: z.number() })),
  });
}
