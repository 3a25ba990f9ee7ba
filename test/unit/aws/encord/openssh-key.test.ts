import { createPrivateKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EncordKeyError, parseEncordKey } from "../../../../packages/aws/src/encord";

const VECTOR_SEED = Buffer.from(Array.from({ length: 32 }, (_, index) => index));
const VECTOR_KEY_ID = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";

interface ContainerOptions {
  cipher?: string;
  keyType?: string;
  checkInts?: [number, number];
}

function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value, "latin1") : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

// Builds the openssh-key-v1 container by hand, as ssh-keygen writes it (§4.1).
function toOpenSsh(seed: Buffer, publicKey: Buffer, options: ContainerOptions = {}): string {
  const keyType = options.keyType ?? "ssh-ed25519";
  const [check1, check2] = options.checkInts ?? [0x1234abcd, 0x1234abcd];
  const publicBlob = Buffer.concat([sshString(keyType), sshString(publicKey)]);
  let section = Buffer.concat([
    uint32(check1),
    uint32(check2),
    sshString(keyType),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString("test@sluice"),
  ]);
  const padding: number[] = [];
  for (let pad = 1; (section.length + padding.length) % 8 !== 0; pad += 1) padding.push(pad);
  section = Buffer.concat([section, Buffer.from(padding)]);
  const cipher = options.cipher ?? "none";
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString(cipher),
    sshString(cipher === "none" ? "none" : "bcrypt"),
    sshString(cipher === "none" ? Buffer.alloc(0) : Buffer.alloc(24, 7)),
    uint32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return ["-----BEGIN OPENSSH PRIVATE KEY-----", ...lines, "-----END OPENSSH PRIVATE KEY-----", ""].join(
    "\n",
  );
}

function rawParts(privateKey: KeyObject): { seed: Buffer; publicKey: Buffer } {
  const jwk = privateKey.export({ format: "jwk" });
  return { seed: Buffer.from(jwk.d ?? "", "base64url"), publicKey: Buffer.from(jwk.x ?? "", "base64url") };
}

function vectorKey(): KeyObject {
  const prefix = Buffer.from("302e020100300506032b657004220420", "hex");
  return createPrivateKey({ key: Buffer.concat([prefix, VECTOR_SEED]), format: "der", type: "pkcs8" });
}

function keyError(text: string): EncordKeyError {
  try {
    parseEncordKey(text);
  } catch (error) {
    if (error instanceof EncordKeyError) return error;
    throw error;
  }
  throw new Error("parseEncordKey accepted the text");
}

describe("parseEncordKey", () => {
  it("returns a key that signs like the original when given a generated OpenSSH key", () => {
    // Prepare
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const parts = rawParts(privateKey);
    const text = toOpenSsh(parts.seed, parts.publicKey);

    // Act
    const parsed = parseEncordKey(text);

    // Assert
    expect(parsed.keyId).toBe(parts.publicKey.toString("hex"));
    const signature = sign(null, Buffer.from("hello"), parsed.privateKey);
    expect(verify(null, Buffer.from("hello"), publicKey, signature)).toBe(true);
  });

  it("derives the §1.6 keyid when given the seed 000102…1f as OpenSSH", () => {
    // Prepare
    const text = toOpenSsh(VECTOR_SEED, rawParts(vectorKey()).publicKey);

    // Act
    const parsed = parseEncordKey(text);

    // Assert
    expect(parsed.keyId).toBe(VECTOR_KEY_ID);
    expect(rawParts(parsed.privateKey).seed.equals(VECTOR_SEED)).toBe(true);
  });

  it("accepts a PKCS#8 PEM when given the §1.6 key in that form", () => {
    // Prepare
    const pem = vectorKey().export({ format: "pem", type: "pkcs8" }).toString();

    // Act
    const parsed = parseEncordKey(pem);

    // Assert
    expect(parsed.keyId).toBe(VECTOR_KEY_ID);
  });

  it("rejects the key as encrypted when the cipher is not none", () => {
    // Prepare
    const parts = rawParts(vectorKey());
    const text = toOpenSsh(parts.seed, parts.publicKey, { cipher: "aes256-ctr" });

    // Act
    const error = keyError(text);

    // Assert
    expect(error.message).toMatch(/encrypted \(cipher aes256-ctr\)/);
  });

  it("rejects the key as not Ed25519 when the container holds another type", () => {
    // Prepare
    const parts = rawParts(vectorKey());
    const text = toOpenSsh(parts.seed, parts.publicKey, { keyType: "ssh-rsa" });

    // Act
    const error = keyError(text);

    // Assert
    expect(error.message).toMatch(/Not Ed25519: the key is ssh-rsa/);
  });

  it("rejects the key without echoing it when the check-ints differ", () => {
    // Prepare
    const parts = rawParts(vectorKey());
    const text = toOpenSsh(parts.seed, parts.publicKey, { checkInts: [1, 2] });

    // Act
    const error = keyError(text);

    // Assert
    expect(error.message).toMatch(/Wrong check-ints/);
    expect(error.message).not.toContain(parts.seed.toString("hex"));
    expect(error.message).not.toContain(parts.seed.toString("base64"));
  });

  it("rejects a PKCS#8 PEM as not Ed25519 when it holds an ECDSA key", () => {
    // Prepare
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();

    // Act
    const error = keyError(pem);

    // Assert
    expect(error.message).toMatch(/Not Ed25519: the key is ec/);
  });

  it("rejects text as not a key when it has no private key block", () => {
    // Act
    const error = keyError("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+ user@host");

    // Assert
    expect(error.message).toMatch(/^Not a private key/);
  });

  it("rejects a container as truncated when its bytes end early", () => {
    // Prepare
    const parts = rawParts(vectorKey());
    const full = toOpenSsh(parts.seed, parts.publicKey).split("\n");
    const body = Buffer.from(full.slice(1, -2).join(""), "base64").subarray(0, 60).toString("base64");
    const text = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`;

    // Act
    const error = keyError(text);

    // Assert
    expect(error.message).toMatch(/truncated/);
  });
});
