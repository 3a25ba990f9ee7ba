import { createReconcileHandler, deps, lazyHandler } from "@sluice/lambda";

/** The scheduled reconcile of the data bucket under `RECONCILE_PREFIX`. */
export const handler = lazyHandler(() => {
  const d = deps();
  return createReconcileHandler(d, d.config.reconcilePrefix);
});
