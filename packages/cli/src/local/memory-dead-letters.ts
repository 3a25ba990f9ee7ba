import { deadLetterBody } from "@sluice/aws";
import type { DeadLetterMessage, DeadLetterQueueName, DeadLetters, RedriveOutcome } from "@sluice/core";
import type { MemoryQueue } from "./memory-queue";
import type { DeadLetter } from "./queue-snapshot";

/** The local stack's two queues, whose dead letters live inside them. */
export interface MemoryDeadLetterQueues {
  ingest: MemoryQueue<string>;
  // Any body: the work queue holds WorkMessage objects.
  work: MemoryQueue<unknown>;
}

/**
 * Lists and redrives the dead letters of the local memory queues. A move is one change of the queue's
 * state (dead letter out, fresh message in), written to disk as one snapshot, so a local redrive cannot
 * stop half-way; a repeated redrive finds nothing left to move.
 */
export function createMemoryDeadLetters(
  queues: MemoryDeadLetterQueues,
  now: () => number = Date.now,
): DeadLetters {
  const queueOf = (name: DeadLetterQueueName): MemoryQueue<unknown> => queues[name];
  return {
    async list(name, limit) {
      const dead = queueOf(name).deadLetters();
      return { messages: dead.slice(0, limit).map((d) => toMessage(name, d)), total: dead.length };
    },
    async redrive(name, ids): Promise<RedriveOutcome> {
      const queue = queueOf(name);
      const wanted = ids === undefined ? null : new Set(ids);
      // snapshot and restore run with no await between them, so no receive, send or drain interleaves.
      const state = queue.snapshot();
      const moving = state.deadLetters.filter((d) => wanted === null || wanted.has(d.messageId));
      if (moving.length > 0) {
        const at = now();
        state.deadLetters = state.deadLetters.filter((d) => !moving.includes(d));
        // Back as a new message, as SQS's redrive does: receives counted afresh; the id is kept, so the
        // redriven message can be told apart from others in the queue's history.
        for (const { deadLetteredAt: _at, ...message } of moving) {
          state.messages.push({
            ...message,
            sentAt: at,
            firstReceivedAt: null,
            receiveCount: 0,
            visibleAt: at,
            receiptHandle: null,
            lastError: null,
          });
        }
        queue.restore(state);
      }
      const movedIds = new Set(moving.map((d) => d.messageId));
      const notFound = wanted === null ? [] : [...wanted].filter((id) => !movedIds.has(id));
      return { moved: moving.length, failed: [], notFound, more: false };
    },
  };
}

function toMessage(queue: DeadLetterQueueName, dead: DeadLetter<unknown>): DeadLetterMessage {
  return {
    id: dead.messageId,
    queue,
    body: typeof dead.body === "string" ? deadLetterBody(dead.body) : dead.body,
    sentAt: new Date(dead.sentAt).toISOString(),
    receiveCount: dead.receiveCount,
    lastError: dead.lastError,
    attributes: {},
  };
}
