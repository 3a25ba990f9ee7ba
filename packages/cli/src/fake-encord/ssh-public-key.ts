import { createPublicKey, type KeyObject } from "node:crypto";

/** An Ed25519 public key registered with the fake, under the keyid Encord signs with. */
export interface RegisteredKey {
  /** Lowercase hex of the raw 32-byte public key, as in `Signature-Input` (encord-api.md §1.1). */
  keyid: string;
  publicKey: KeyObject;
}

const KEY_TYPE = "ssh-ed25519";

/** Parses an OpenSSH one-line public key (`ssh-ed25519 AAAA… comment`), checking the wire blob field by field. */
export function parseSshEd25519PublicKey(line: string): RegisteredKey {
  const [type, encoded] = line.trim().split(/\s+/);
  if (type !== KEY_TYPE || encoded === undefined) throw new Error("expected an 'ssh-ed25519 AAAA…' line");
  const blob = Buffer.from(encoded, "base64");
  // The blob is string(key type) then string(32 raw bytes); each string is a uint32 big-endian length and bytes.
  const typeLength = readLength(blob, 0);
  if (blob.subarray(4, 4 + typeLength).toString("latin1") !== KEY_TYPE)
    throw new Error("blob key type is not ssh-ed25519");
  const keyLength = readLength(blob, 4 + typeLength);
  const start = 8 + typeLength;
  if (keyLength !== 32 || blob.length !== start + 32) throw new Error("blob must hold exactly 32 key bytes");
  return registerRawEd25519(blob.subarray(start));
}

/** Registers a raw 32-byte Ed25519 public key. */
export function registerRawEd25519(raw: Uint8Array): RegisteredKey {
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
  const x = Buffer.from(raw).toString("base64url");
  return {
    keyid: Buffer.from(raw).toString("hex"),
    publicKey: createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" }),
  };
}

/** Registers an Ed25519 KeyObject (public or private), keyed by its raw public bytes. */
export function registerKeyObject(key: KeyObject): RegisteredKey {
  const jwk = createPublicKey(key).export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || typeof jwk.x !== "string") throw new Error("not an Ed25519 key");
  return registerRawEd25519(Buffer.from(jwk.x, "base64url"));
}

function readLength(blob: Buffer, offset: number): number {
  if (blob.length < offset + 4) throw new Error("truncated ssh-ed25519 blob");
  return blob.readUInt32BE(offset);
}
