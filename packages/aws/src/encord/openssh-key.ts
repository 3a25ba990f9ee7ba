import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

/** An Encord signing key: the Ed25519 private key and its keyid (64 lowercase hex of the raw public key). */
export interface EncordSigningKey {
  privateKey: KeyObject;
  keyId: string;
}

/** The key text could not be used for Encord signing; messages never include key material. */
export class EncordKeyError extends Error {
  override readonly name = "EncordKeyError";
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
const MAGIC = Buffer.from("openssh-key-v1\0", "latin1");
// Node cannot read the OpenSSH container, but it reads this fixed PKCS#8 wrapper around a 32-byte seed.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Parses an unencrypted OpenSSH or PKCS#8 PEM Ed25519 private key into a signing key and its keyid. */
export function parseEncordKey(text: string): EncordSigningKey {
  if (text.includes(OPENSSH_BEGIN)) return parseOpenSshKey(text);
  if (text.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
    throw new EncordKeyError("The PKCS#8 key is encrypted; Encord keys must be unencrypted");
  }
  if (text.includes("-----BEGIN PRIVATE KEY-----")) return parsePkcs8Key(text);
  throw new EncordKeyError("Not a private key: expected an OpenSSH or PKCS#8 PEM Ed25519 private key");
}

function parsePkcs8Key(text: string): EncordSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: "pem" });
  } catch {
    // Node's parse errors are dropped so nothing about the key text can leak into logs.
    throw new EncordKeyError("Not a key: the PKCS#8 PEM could not be parsed");
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new EncordKeyError(
      `Not Ed25519: the key is ${privateKey.asymmetricKeyType ?? "unknown"}; Encord accepts Ed25519 only`,
    );
  }
  return { privateKey, keyId: publicKeyHex(privateKey) };
}

function parseOpenSshKey(text: string): EncordSigningKey {
  const start = text.indexOf(OPENSSH_BEGIN) + OPENSSH_BEGIN.length;
  const end = text.indexOf(OPENSSH_END, start);
  if (end < 0) throw new EncordKeyError("Not a key: the OpenSSH private key has no END line");
  const bytes = Buffer.from(text.slice(start, end).replace(/\s+/g, ""), "base64");
  try {
    return readContainer(bytes);
  } finally {
    bytes.fill(0);
  }
}

function readContainer(bytes: Buffer): EncordSigningKey {
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new EncordKeyError("Not a key: the OpenSSH container lacks the openssh-key-v1 magic");
  }
  const outer = new SshReader(bytes, MAGIC.length);
  const cipher = outer.text();
  const kdf = outer.text();
  outer.bytes(); // KDF options, empty when unencrypted
  if (cipher !== "none" || kdf !== "none") {
    throw new EncordKeyError(
      `The OpenSSH key is encrypted (cipher ${cipher}); Encord keys must be unencrypted`,
    );
  }
  const count = outer.uint32();
  if (count !== 1)
    throw new EncordKeyError(`Not a key: the OpenSSH container holds ${count} keys, expected 1`);
  const publicType = new SshReader(outer.bytes(), 0).text();
  if (publicType !== "ssh-ed25519") {
    throw new EncordKeyError(`Not Ed25519: the key is ${publicType}; Encord accepts Ed25519 only`);
  }
  const inner = new SshReader(outer.bytes(), 0);
  const check1 = inner.uint32();
  const check2 = inner.uint32();
  if (check1 !== check2) {
    throw new EncordKeyError("Wrong check-ints: the OpenSSH key is corrupt or encrypted");
  }
  const privateType = inner.text();
  if (privateType !== "ssh-ed25519") {
    throw new EncordKeyError(`Not Ed25519: the key is ${privateType}; Encord accepts Ed25519 only`);
  }
  const publicKey = inner.bytes();
  const secret = inner.bytes();
  if (publicKey.length !== 32 || secret.length !== 64 || !secret.subarray(32).equals(publicKey)) {
    throw new EncordKeyError("Not a key: the Ed25519 section has the wrong shape");
  }
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, secret.subarray(0, 32)]);
  try {
    const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    const keyId = publicKeyHex(privateKey);
    if (keyId !== publicKey.toString("hex")) {
      throw new EncordKeyError("Not a key: the public key does not match the private seed");
    }
    return { privateKey, keyId };
  } finally {
    der.fill(0);
  }
}

// The keyid is the raw public key, which is the last 32 bytes of the SPKI DER for Ed25519.
function publicKeyHex(privateKey: KeyObject): string {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return spki.subarray(spki.length - 32).toString("hex");
}

// Reads the SSH wire format: uint32 big-endian lengths before every string.
class SshReader {
  constructor(
    private readonly buffer: Buffer,
    private offset: number,
  ) {}

  uint32(): number {
    if (this.offset + 4 > this.buffer.length) throw truncated();
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(): Buffer {
    const length = this.uint32();
    if (this.offset + length > this.buffer.length) throw truncated();
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  text(): string {
    return this.bytes().toString("latin1");
  }
}

function truncated(): EncordKeyError {
  return new EncordKeyError("Not a key: the OpenSSH container is truncated");
}
