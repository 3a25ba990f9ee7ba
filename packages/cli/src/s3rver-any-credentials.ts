import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let applied = false;

/**
 * Makes s3rver accept any access key id, as design.md promises for the local stack. s3rver looks each id
 * up in a process-wide registry that only knows `S3RVER` (toolchain.md §3.2); unknown ids now resolve
 * to its one dummy account. It does not verify SigV4 signatures at all, and `allowMismatchedSignatures`
 * covers SigV2, so the secret never matters.
 */
export function acceptAnyS3rverCredentials(): void {
  if (applied) return;
  const account: unknown = require("s3rver/lib/models/account");
  if (
    typeof account !== "function" ||
    !("registry" in account && account.registry instanceof Map) ||
    !("DUMMY_ACCOUNT" in account && account.DUMMY_ACCOUNT)
  ) {
    throw new Error("s3rver's account registry has an unexpected shape: cannot accept any credentials");
  }
  const registry = account.registry;
  const dummy = account.DUMMY_ACCOUNT;
  const known = registry.get.bind(registry);
  registry.get = (id: unknown) => known(id) ?? dummy;
  applied = true;
}
