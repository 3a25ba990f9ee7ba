import type { DeadLetterQueueName, DeadLetters, RedriveOutcome } from "../ports/dead-letters";

/**
 * Redrives the dead letters of each queue in turn, every one or only those whose id is in `ids`; an id
 * counts as not found only when no queue held it, and queues after the one that held the last id are not asked.
 */
export async function redriveDeadLetters(
  deadLetters: DeadLetters,
  queues: readonly DeadLetterQueueName[],
  ids: readonly string[] | undefined,
): Promise<RedriveOutcome> {
  const total: RedriveOutcome = { moved: 0, failed: [], notFound: [], more: false };
  let missing = ids;
  for (const queue of queues) {
    if (missing !== undefined && missing.length === 0) break;
    const outcome = await deadLetters.redrive(queue, missing);
    total.moved += outcome.moved;
    total.failed.push(...outcome.failed);
    total.more ||= outcome.more;
    if (missing !== undefined) missing = outcome.notFound;
  }
  total.notFound = [...(missing ?? [])];
  return total;
}
