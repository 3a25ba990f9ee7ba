import { createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  contentDigest,
  parseSshEd25519PublicKey,
  registerKeyObject,
  type VerifyOptions,
  verifySignature,
} from "../../../../packages/cli/src/fake-encord/index";

// encord-api.md §1.6: seed 00..1f, created pinned to 1700000000, signatures from the SDK's own sign_request.
const SEED = Buffer.from(Array.from({ length: 32 }, (_, index) => index));
const PRIVATE_KEY = createPrivateKey({
  key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), SEED]),
  format: "der",
  type: "pkcs8",
});
const KEYID = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const PARAMS = `("@method" "@request-target" "content-digest");created=1700000000;keyid="${KEYID}";alg="ed25519"`;
const GET_TARGET =
  "/v2/public/storage/folders/00000000-0000-4000-8000-000000000001/data-upload-jobs/00000000-0000-4000-8000-000000000002?timeoutSeconds=60";
const PATCH_BODY = Buffer.from(
  '{"itemPatches":{"00000000-0000-4000-8000-000000000003":{"clientMetadata":{"site":"a"}}}}',
);
const GET_VECTOR = {
  method: "GET",
  target: GET_TARGET,
  body: Buffer.alloc(0),
  digest: "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
  signature: "qZtyHR0u60xkvUCF68dOAq2/YcNiDhLTe7SXNTSiDkQc8WWgdoPgVSG8DBdAXuP+b2CCUnTkhVVilF4nQXxEDg==",
};
const PATCH_VECTOR = {
  method: "PATCH",
  target: "/v2/public/storage/items/patch-bulk",
  body: PATCH_BODY,
  digest: "sha-256=:tEtufyCjFah2OHmEf+gfHqMnIURU8y/xHsTfXK8UZCA=:",
  signature: "VQHtF0KspEwGmzkZrTW85qCO7VXA71R0reSFvzCfCJ5QSMdHROo8JRx6pZwYcosJOt6n5BaFpZ/ngdP4/0xJAg==",
};
const VECTORS = [GET_VECTOR, PATCH_VECTOR];

function sshLine(key: KeyObject): string {
  const x = createPublicKey(key).export({ format: "jwk" }).x ?? "";
  const raw = Buffer.from(x, "base64url");
  const type = Buffer.from("ssh-ed25519");
  const blob = Buffer.concat([u32(type.length), type, u32(raw.length), raw]);
  return `ssh-ed25519 ${blob.toString("base64")} test@fake`;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function vectorRequest(vector: (typeof VECTORS)[number], overrides: { target?: string; body?: Buffer } = {}) {
  return {
    method: vector.method,
    target: overrides.target ?? vector.target,
    body: overrides.body ?? vector.body,
    headers: {
      "content-digest": vector.digest,
      "signature-input": `encord-sig=${PARAMS}`,
      signature: `encord-sig=:${vector.signature}:`,
    },
  };
}

function options(nowSeconds = 1_700_000_010): VerifyOptions {
  const { keyid, publicKey } = registerKeyObject(PRIVATE_KEY);
  return { keys: new Map([[keyid, publicKey]]), nowSeconds };
}

// A signer written here, independently of the production one (encord-api.md §1.2).
function signed(method: string, target: string, body: Buffer, created: number, key: KeyObject) {
  const { keyid } = registerKeyObject(key);
  const digest = contentDigest(body);
  const params = `("@method" "@request-target" "content-digest");created=${created};keyid="${keyid}";alg="ed25519"`;
  const base = `"@method": ${method}\n"@request-target": ${target}\n"content-digest": ${digest}\n"@signature-params": ${params}`;
  const signature = sign(null, Buffer.from(base), key).toString("base64");
  return {
    method,
    target,
    body,
    headers: {
      "content-digest": digest,
      "signature-input": `encord-sig=${params}`,
      signature: `encord-sig=:${signature}:`,
    },
  };
}

describe("verifySignature", () => {
  it.each(VECTORS)("accepts the §1.6 $method vector when the key comes from the PKCS#8 seed", (vector) => {
    // Prepare
    const request = vectorRequest(vector);
    // Act
    const result = verifySignature(request, options());
    // Assert
    expect(result).toEqual({ ok: true, keyid: KEYID });
  });

  it.each(VECTORS)(
    "accepts the §1.6 $method vector when the key comes from an ssh-ed25519 line",
    (vector) => {
      // Prepare
      const { keyid, publicKey } = parseSshEd25519PublicKey(sshLine(PRIVATE_KEY));
      // Act
      const result = verifySignature(vectorRequest(vector), {
        keys: new Map([[keyid, publicKey]]),
        nowSeconds: 1_700_000_010,
      });
      // Assert
      expect(keyid).toBe(KEYID);
      expect(result).toEqual({ ok: true, keyid: KEYID });
    },
  );

  it("rejects with 401 when the body was tampered with", () => {
    // Prepare
    const request = vectorRequest(PATCH_VECTOR, {
      body: Buffer.from(PATCH_BODY.toString().replace('"a"', '"b"')),
    });
    // Act
    const result = verifySignature(request, options());
    // Assert
    expect(result).toEqual({ ok: false, status: 401, reason: "Content-Digest does not match the body" });
  });

  it.each([
    ["path", GET_TARGET.replace("000000000002", "000000000009")],
    ["query", GET_TARGET.replace("timeoutSeconds=60", "timeoutSeconds=61")],
    ["encoding", GET_TARGET.replace("data-upload-jobs", "data%2Dupload-jobs")],
  ])("rejects with 401 when the %s was tampered with", (_, target) => {
    // Act
    const result = verifySignature(vectorRequest(GET_VECTOR, { target }), options());
    // Assert
    expect(result).toEqual({ ok: false, status: 401, reason: "signature does not verify" });
  });

  it("rejects with 401 when the keyid is registered to a different key", () => {
    // Prepare
    const other = createPrivateKey({
      key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.alloc(32, 7)]),
      format: "der",
      type: "pkcs8",
    });
    const keys = new Map([[KEYID, createPublicKey(other)]]);
    // Act
    const result = verifySignature(vectorRequest(GET_VECTOR), {
      keys,
      nowSeconds: 1_700_000_010,
    });
    // Assert
    expect(result).toEqual({ ok: false, status: 401, reason: "signature does not verify" });
  });

  it("rejects with 401 when the keyid is unknown", () => {
    // Act
    const result = verifySignature(vectorRequest(GET_VECTOR), {
      keys: new Map(),
      nowSeconds: 1_700_000_010,
    });
    // Assert
    expect(result).toEqual({ ok: false, status: 401, reason: "unknown keyid" });
  });

  it("rejects with 401 when created is more than 5 s in the future", () => {
    // Prepare
    const request = signed("GET", "/v2/public/x", Buffer.alloc(0), 1_700_000_016, PRIVATE_KEY);
    // Act
    const accepted = verifySignature(
      signed("GET", "/v2/public/x", Buffer.alloc(0), 1_700_000_015, PRIVATE_KEY),
      options(),
    );
    const result = verifySignature(request, options());
    // Assert
    expect(accepted.ok).toBe(true);
    expect(result).toEqual({ ok: false, status: 401, reason: "created is in the future" });
  });

  it("rejects with 401 when created is older than the window", () => {
    // Prepare
    const request = signed("GET", "/v2/public/x", Buffer.alloc(0), 1_700_000_000, PRIVATE_KEY);
    // Act
    const inside = verifySignature(request, options(1_700_000_300));
    const result = verifySignature(request, options(1_700_000_301));
    // Assert
    expect(inside.ok).toBe(true);
    expect(result).toEqual({ ok: false, status: 401, reason: "created is too old" });
  });

  it.each([
    ["a different label", (input: string) => input.replace("encord-sig=", "sig1=")],
    [
      "a reordered covered list",
      (input: string) => input.replace('"@method" "@request-target"', '"@request-target" "@method"'),
    ],
    ["a fractional created", (input: string) => input.replace("created=1700000000", "created=1700000000.5")],
    ["an upper-case keyid", (input: string) => input.replace(KEYID, KEYID.toUpperCase())],
    ["another alg", (input: string) => input.replace('alg="ed25519"', 'alg="rsa-v1_5-sha256"')],
  ])("rejects with 401 when Signature-Input has %s", (_, mutate) => {
    // Prepare
    const request = vectorRequest(GET_VECTOR);
    request.headers["signature-input"] = mutate(request.headers["signature-input"]);
    // Act
    const result = verifySignature(request, options());
    // Assert
    expect(result).toEqual({ ok: false, status: 401, reason: "malformed Signature-Input" });
  });

  it("rejects with 401 when the signature headers are missing", () => {
    // Act
    const result = verifySignature(
      { method: "GET", target: "/", headers: {}, body: Buffer.alloc(0) },
      options(),
    );
    // Assert
    expect(result).toMatchObject({ ok: false, status: 401 });
  });
});
