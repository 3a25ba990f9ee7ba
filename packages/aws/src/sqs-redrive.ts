import type { MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { DeadLetterMessage, DeadLetterQueueName, RedriveFailure, RedriveOutcome } from "@sluice/core";

/** A dead letter as received for a move: its receipt handle and the exact body and attributes to send back. */
export interface ReceivedDeadLetter {
  receiptHandle: string;
  rawBody: string;
  rawAttributes: Record<string, MessageAttributeValue> | undefined;
  message: DeadLetterMessage;
}

/** The queue operations one redrive works through, and its limits. */
export interface MoveDeps {
  queue: DeadLetterQueueName;
  ids: readonly string[] | undefined;
  maxMessages: number;
  /** Epoch ms after which no further batch is received. */
  deadline: number;
  now: () => number;
  /** Receives up to `max` dead letters, hidden from every other receiver until moved. */
  receive(max: number): Promise<ReceivedDeadLetter[]>;
  send(got: ReceivedDeadLetter): Promise<void>;
  remove(got: ReceivedDeadLetter): Promise<void>;
  /** Makes received messages visible again at once (the ones not asked for, the ones whose send failed). */
  release(handles: string[]): Promise<void>;
}

type MoveState = "sent" | "moved" | "send-failed" | "delete-failed";

/** Parses a body that is JSON (an EventBridge event, a work message); anything else stays text. */
export function deadLetterBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Moves dead letters back: send to the source queue, THEN delete from the dead-letter queue by receipt
 * handle. A message being moved is hidden from any concurrent redrive; one moved is gone from the
 * dead-letter queue, so a repeated redrive finds nothing. Only a crash or a failed delete between the two
 * steps sends a message twice, which the pipeline's sequencer-conditional writes make a no-op (ports.ts
 * `DeadLetters`); deleting first would instead lose the message when the send fails.
 */
export async function moveDeadLetters(deps: MoveDeps): Promise<RedriveOutcome> {
  const wanted = deps.ids === undefined ? null : new Set(deps.ids);
  const states = new Map<string, MoveState>();
  const errors = new Map<string, string>();
  const held: string[] = [];
  let more = false;

  const moveOne = async (got: ReceivedDeadLetter) => {
    const id = got.message.id;
    const state = states.get(id);
    // Not asked for, or its send failed earlier in this call: left for the next call.
    if ((wanted !== null && !wanted.has(id)) || state === "send-failed")
      return void held.push(got.receiptHandle);
    // SQS may deliver a message twice: a copy of one already sent back is only deleted.
    if (state === undefined) {
      try {
        await deps.send(got);
        states.set(id, "sent");
      } catch (error) {
        states.set(id, "send-failed");
        errors.set(id, describe(error));
        return void held.push(got.receiptHandle);
      }
    }
    try {
      await deps.remove(got);
      states.set(id, "moved");
    } catch (error) {
      // Sent back but still dead-lettered: it stays hidden for the move's visibility timeout, then a later
      // redrive sends it again, harmlessly.
      if (states.get(id) !== "moved") states.set(id, "delete-failed");
      errors.set(id, describe(error));
    }
  };

  try {
    while (wanted === null || [...wanted].some((id) => !states.has(id))) {
      if (states.size >= deps.maxMessages || deps.now() >= deps.deadline) {
        more = true;
        break;
      }
      const batch = await deps.receive(Math.min(10, deps.maxMessages - states.size));
      if (batch.length === 0) break;
      // Copies of one message in a batch go one after another, so that only the first is sent.
      const byId = new Map<string, ReceivedDeadLetter[]>();
      for (const got of batch) byId.set(got.message.id, [...(byId.get(got.message.id) ?? []), got]);
      await Promise.all(
        [...byId.values()].map(async (copies) => {
          for (const got of copies) await moveOne(got);
        }),
      );
    }
  } finally {
    await deps.release(held);
  }

  const failed: RedriveFailure[] = [];
  let moved = 0;
  for (const [id, state] of states) {
    if (state === "moved") moved += 1;
    else if (state === "send-failed" || state === "delete-failed")
      failed.push({
        id,
        queue: deps.queue,
        stage: state === "send-failed" ? "send" : "delete",
        error: errors.get(id) ?? "",
      });
  }
  const notFound = wanted === null ? [] : [...wanted].filter((id) => !states.has(id));
  return { moved, failed, notFound, more };
}

function describe(error: unknown): string {
  const cause = error instanceof Error ? error : undefined;
  return cause ? `${cause.name}: ${cause.message}` : String(error);
}
