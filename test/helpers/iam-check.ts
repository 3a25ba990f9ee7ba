import type { RecordedCall } from "./aws-call-recorder";
import { type Placement, permissionsOf, type ResourceVariable, UnplacedResourceError } from "./iam-actions";
import type { DeployedFunction } from "./iam-functions";
import { type Grant, grantCovers, grantsOf, isAllowed, type Permission } from "./iam-policy";

/** A grant no recorded call can use against emulators, the reason, and which grants it covers. */
export interface Unexercisable {
  reason: string;
  covers(fn: DeployedFunction, grant: Grant): boolean;
}

/** The permissions a function's calls need in the deployed stack, each with a line naming the call. */
export function neededPermissions(
  fn: DeployedFunction,
  calls: readonly RecordedCall[],
  emulated: Partial<Record<ResourceVariable, string>>,
): { needed: (Permission & { note?: string; call: string })[]; unplaced: string[] } {
  const placement: Placement = { emulated, deployed: fn.environment };
  const needed: (Permission & { note?: string; call: string })[] = [];
  const unplaced: string[] = [];
  const seen = new Set<string>();
  for (const call of calls) {
    try {
      for (const permission of permissionsOf(call, placement)) {
        const id = `${permission.action} ${permission.resource} ${permission.note ?? ""}`;
        if (seen.has(id)) continue;
        seen.add(id);
        needed.push({ ...permission, call: `${call.service}:${call.operation}` });
      }
    } catch (error) {
      if (!(error instanceof UnplacedResourceError)) throw error;
      unplaced.push(
        `${fn.name}: ${call.service}:${call.operation} on a resource it is not given: ${error.message}`,
      );
    }
  }
  return { needed, unplaced };
}

/** Every permission the calls need that the function's inline policy does not allow, one line each. */
export function deniedPermissions(
  fn: DeployedFunction,
  calls: readonly RecordedCall[],
  emulated: Partial<Record<ResourceVariable, string>>,
): string[] {
  const { needed, unplaced } = neededPermissions(fn, calls, emulated);
  const denied = needed
    .filter((p) => !isAllowed(fn.statements, p))
    .map((p) => `${fn.name}: ${p.action} on ${p.resource} (${p.note ?? p.call}) is not allowed`);
  return [...unplaced, ...denied];
}

/** Every action on every resource pattern of the function's policy that no call uses and no reason excuses. */
export function unusedGrants(
  fn: DeployedFunction,
  calls: readonly RecordedCall[],
  emulated: Partial<Record<ResourceVariable, string>>,
  unexercisable: readonly Unexercisable[],
): string[] {
  const { needed } = neededPermissions(fn, calls, emulated);
  return grantsOf(fn.statements)
    .filter((grant) => !needed.some((p) => grantCovers(grant, p)))
    .filter((grant) => !unexercisable.some((u) => u.covers(fn, grant)))
    .map(
      (grant) =>
        `${fn.name}: ${grant.action} on ${grant.resource} (statement ${grant.statement}) is never used`,
    );
}

/** Distinct actions, and calls, per function: what the drive covered. */
export function coverageOf(calls: readonly RecordedCall[]): { calls: number; operations: string[] } {
  return {
    calls: calls.length,
    operations: [...new Set(calls.map((c) => `${c.service}:${c.operation}`))].sort(),
  };
}
