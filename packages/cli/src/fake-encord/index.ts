export type { FakeEncord, FakeEncordInjection, FakeEncordOptions } from "./fake-encord-server";
export { startFakeEncord } from "./fake-encord-server";
export type { FakeEncordState, FakeItem, FakeJob } from "./fake-encord-store";
export type { ImportUnit, ParsedImport } from "./import-units";
export { parseImport } from "./import-units";
export type { RegisteredKey } from "./ssh-public-key";
export { parseSshEd25519PublicKey, registerKeyObject, registerRawEd25519 } from "./ssh-public-key";
export type { ReceivedRequest, VerifyOptions, VerifyResult } from "./verify-signature";
export { contentDigest, verifySignature } from "./verify-signature";
