export type { EncordClient } from "./encord-client";
export { createEncordClient } from "./encord-client";
export { EncordApiError } from "./encord-errors";
export { resolveEncordOrigin } from "./encord-origin";
export type { EncordFetch } from "./encord-transport";
export { EncordKeyError, parseEncordKey } from "./openssh-key";
export { contentDigest, signatureBase, signRequest } from "./sign-request";
