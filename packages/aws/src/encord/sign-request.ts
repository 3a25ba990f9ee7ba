import { createHash, type KeyObject, sign } from "node:crypto";

/** What one Encord v2 request signature covers, plus the key that signs it. */
export interface SignRequestInput {
  method: string;
  url: URL;
  body: Uint8Array | string | null;
  key: KeyObject;
  keyId: string;
  createdSeconds: number;
}

/** The three headers Encord verifies on every v2 request. */
export interface SignatureHeaders {
  "Content-Digest": string;
  "Signature-Input": string;
  Signature: string;
}

/** The signature label the Encord SDK uses in `Signature-Input` and `Signature`. */
export const ENCORD_SIGNATURE_LABEL = "encord-sig";

/** Formats the RFC 9530 `Content-Digest` of the exact body bytes, hashing the empty string when there is no body. */
export function contentDigest(body: Uint8Array | string | null): string {
  const hash = createHash("sha256")
    .update(body ?? "")
    .digest("base64");
  return `sha-256=:${hash}:`;
}

/** Builds the RFC 9421 signature base: four lines joined by `\n` with no trailing newline. */
export function signatureBase(method: string, requestTarget: string, digest: string, params: string): string {
  return [
    `"@method": ${method.toUpperCase()}`,
    `"@request-target": ${requestTarget}`,
    `"content-digest": ${digest}`,
    `"@signature-params": ${params}`,
  ].join("\n");
}

/** Signs one request exactly as the Encord SDK's `sign_request` does (Ed25519 over the signature base). */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  if (!Number.isInteger(input.createdSeconds)) throw new TypeError("createdSeconds must be an integer");
  const digest = contentDigest(input.body);
  const params = `("@method" "@request-target" "content-digest");created=${input.createdSeconds};keyid="${input.keyId}";alg="ed25519"`;
  // The target is what fetch puts on the wire: still percent-encoded, never decoded.
  const target = `${input.url.pathname}${input.url.search}`;
  const base = signatureBase(input.method, target, digest, params);
  const signature = sign(null, Buffer.from(base, "utf8"), input.key).toString("base64");
  return {
    "Content-Digest": digest,
    "Signature-Input": `${ENCORD_SIGNATURE_LABEL}=${params}`,
    Signature: `${ENCORD_SIGNATURE_LABEL}=:${signature}:`,
  };
}
