import { forEachConcurrently } from "../for-each-concurrently";
import type { RederiveMessage } from "../jobs/work-message";
import { planListing } from "../scan/plan-listing";
import { deriveAndStore } from "./derive-and-store";
import type { DeriveOutcome, PipelineDeps } from "./pipeline-deps";

/** Counts of what one page of work did. */
export interface PageResult {
  keys: number;
  outcomes: Partial<Record<DeriveOutcome, number>>;
  next: string | null;
}

const CONCURRENCY = 8;

/**
 * Re-derives one page of data objects under a prefix (after a `_defaults.json` change), then
 * queues the next page, so that no invocation runs long whatever the prefix holds.
 */
export async function rederivePage(deps: PipelineDeps, message: RederiveMessage): Promise<PageResult> {
  const page = await deps.objects.list(message.prefix, message.cursor, deps.settings.pageSize);
  const { dataKeys } = planListing(page.keys, deps.settings.suffixes);
  const outcomes: PageResult["outcomes"] = {};
  const defaultsCache = new Map();
  const trigger = { source: message.source, sequencer: message.sequencer };
  await forEachConcurrently(dataKeys, CONCURRENCY, async (key) => {
    const outcome = await deriveAndStore(deps, key, trigger, { defaultsCache });
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  });
  if (page.cursor !== null) await deps.work.send({ ...message, cursor: page.cursor });
  return { keys: dataKeys.length, outcomes, next: page.cursor };
}
