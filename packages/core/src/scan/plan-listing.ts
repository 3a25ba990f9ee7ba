import { classifyKey, defaultsKeysFor } from "../keys/classify-key";
import { compareKeys } from "../keys/compare-keys";

/** A sidecar found in a listing, with the suffix that made it one. */
export interface SidecarRef {
  key: string;
  suffix: string;
}

/** What a listing of keys holds, sorted out by role (design.md "Data flow" step 2). */
export interface ListingPlan {
  dataKeys: string[];
  sidecars: Map<string, SidecarRef[]>;
  defaultsKeys: Set<string>;
  manifestKeys: string[];
  /** Sidecars whose data object is not in the listing. */
  orphanSidecars: string[];
}

/** Sorts a listing into data objects, their sidecars, folder defaults and group manifests. */
export function planListing(keys: readonly string[], suffixes: readonly string[]): ListingPlan {
  const present = new Set(keys);
  const plan: ListingPlan = {
    dataKeys: [],
    sidecars: new Map(),
    defaultsKeys: new Set(),
    manifestKeys: [],
    orphanSidecars: [],
  };
  for (const key of [...keys].sort(compareKeys)) {
    const role = classifyKey(key, suffixes);
    if (role.kind === "defaults") plan.defaultsKeys.add(key);
    else if (role.kind === "group-manifest") plan.manifestKeys.push(key);
    else if (role.kind === "data") plan.dataKeys.push(key);
    else if (!present.has(role.dataKey)) plan.orphanSidecars.push(key);
    else
      plan.sidecars.set(role.dataKey, [
        ...(plan.sidecars.get(role.dataKey) ?? []),
        { key, suffix: role.suffix },
      ]);
  }
  return plan;
}

/** The `_defaults.json` keys of a plan that apply to a data key, from the root down. */
export function applicableDefaults(plan: ListingPlan, dataKey: string): string[] {
  return defaultsKeysFor(dataKey).filter((key) => plan.defaultsKeys.has(key));
}
