import { createHash, type KeyObject, verify } from "node:crypto";

/** The parts of a received request the verifier needs: nothing is decoded or re-encoded. */
export interface ReceivedRequest {
  method: string;
  /** The raw request target (`req.url`): path and query exactly as received. */
  target: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Uint8Array;
}

/** Verifier settings: registered keys by keyid, the clock, and the accepted `created` window. */
export interface VerifyOptions {
  keys: ReadonlyMap<string, KeyObject>;
  nowSeconds: number;
  /** How old `created` may be; the real window is unknown (encord-api.md §6.1). */
  maxAgeSeconds?: number;
  /** How far in the future `created` may be. */
  futureToleranceSeconds?: number;
}

/** The verdict: the signing keyid, or 401 with the reason. */
export type VerifyResult = { ok: true; keyid: string } | { ok: false; status: 401; reason: string };

// Strict on purpose: the SDK always writes this exact list and parameter order (encord-api.md §1.2 step 2).
const SIGNATURE_INPUT =
  /^encord-sig=(\("@method" "@request-target" "content-digest"\);created=(0|[1-9][0-9]*);keyid="([0-9a-f]{64})";alg="ed25519")$/;
const SIGNATURE = /^encord-sig=:([A-Za-z0-9+/]+={0,2}):$/;

/** Computes the `Content-Digest` value of body bytes (an empty body hashes the empty string). */
export function contentDigest(body: Uint8Array): string {
  return `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
}

/** Verifies a v2 request signature as encord-api.md §4.4 steps 1–6 describe. */
export function verifySignature(request: ReceivedRequest, options: VerifyOptions): VerifyResult {
  const digest = single(request.headers, "content-digest");
  const input = single(request.headers, "signature-input");
  const signature = single(request.headers, "signature");
  if (digest === undefined || input === undefined || signature === undefined)
    return reject("missing Content-Digest, Signature-Input or Signature header");
  if (digest !== contentDigest(request.body)) return reject("Content-Digest does not match the body");
  const parsed = SIGNATURE_INPUT.exec(input);
  const [, params, created, keyid] = parsed ?? [];
  if (params === undefined || created === undefined || keyid === undefined)
    return reject("malformed Signature-Input");
  const encoded = SIGNATURE.exec(signature)?.[1];
  if (encoded === undefined) return reject("malformed Signature");
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length !== 64) return reject("signature is not 64 bytes");
  const key = options.keys.get(keyid);
  if (key === undefined) return reject("unknown keyid");
  const base = [
    `"@method": ${request.method.toUpperCase()}`,
    `"@request-target": ${request.target}`,
    `"content-digest": ${digest}`,
    `"@signature-params": ${params}`,
  ].join("\n");
  if (!verify(null, Buffer.from(base, "utf8"), key, bytes)) return reject("signature does not verify");
  const age = options.nowSeconds - Number(created);
  if (age < -(options.futureToleranceSeconds ?? 5)) return reject("created is in the future");
  if (age > (options.maxAgeSeconds ?? 300)) return reject("created is too old");
  return { ok: true, keyid };
}

function single(headers: ReceivedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  // A repeated signature header is ambiguous, so it counts as missing.
  return typeof value === "string" ? value : undefined;
}

function reject(reason: string): VerifyResult {
  return { ok: false, status: 401, reason };
}
