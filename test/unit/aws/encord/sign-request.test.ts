import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentDigest, signatureBase, signRequest } from "../../../../packages/aws/src/encord";

// The §1.6 vectors, produced by the Encord SDK's own sign_request with created pinned to 1700000000.
const SEED = Buffer.from(Array.from({ length: 32 }, (_, index) => index));
const KEY = createPrivateKey({
  key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), SEED]),
  format: "der",
  type: "pkcs8",
});
const KEY_ID = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const SIGNATURE_INPUT = `encord-sig=("@method" "@request-target" "content-digest");created=1700000000;keyid="${KEY_ID}";alg="ed25519"`;

describe("signRequest", () => {
  it("reproduces the SDK's GET vector byte for byte when the request has a query and no body", () => {
    // Prepare
    const url = new URL(
      "https://api.encord.com/v2/public/storage/folders/00000000-0000-4000-8000-000000000001/data-upload-jobs/00000000-0000-4000-8000-000000000002?timeoutSeconds=60",
    );

    // Act
    const headers = signRequest({
      method: "get",
      url,
      body: null,
      key: KEY,
      keyId: KEY_ID,
      createdSeconds: 1700000000,
    });

    // Assert
    expect(headers).toEqual({
      "Content-Digest": "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
      "Signature-Input": SIGNATURE_INPUT,
      Signature:
        "encord-sig=:qZtyHR0u60xkvUCF68dOAq2/YcNiDhLTe7SXNTSiDkQc8WWgdoPgVSG8DBdAXuP+b2CCUnTkhVVilF4nQXxEDg==:",
    });
  });

  it("reproduces the SDK's PATCH vector byte for byte when the body is the exact JSON bytes", () => {
    // Prepare
    const url = new URL("https://api.encord.com/v2/public/storage/items/patch-bulk");
    const body = '{"itemPatches":{"00000000-0000-4000-8000-000000000003":{"clientMetadata":{"site":"a"}}}}';

    // Act
    const headers = signRequest({
      method: "PATCH",
      url,
      body,
      key: KEY,
      keyId: KEY_ID,
      createdSeconds: 1700000000,
    });

    // Assert
    expect(headers).toEqual({
      "Content-Digest": "sha-256=:tEtufyCjFah2OHmEf+gfHqMnIURU8y/xHsTfXK8UZCA=:",
      "Signature-Input": SIGNATURE_INPUT,
      Signature:
        "encord-sig=:VQHtF0KspEwGmzkZrTW85qCO7VXA71R0reSFvzCfCJ5QSMdHROo8JRx6pZwYcosJOt6n5BaFpZ/ngdP4/0xJAg==:",
    });
  });

  it("signs the same digest when the body arrives as bytes instead of a string", () => {
    // Prepare
    const url = new URL("https://api.encord.com/v2/public/storage/items/patch-bulk");
    const text = '{"itemPatches":{"00000000-0000-4000-8000-000000000003":{"clientMetadata":{"site":"a"}}}}';

    // Act
    const headers = signRequest({
      method: "PATCH",
      url,
      body: new TextEncoder().encode(text),
      key: KEY,
      keyId: KEY_ID,
      createdSeconds: 1700000000,
    });

    // Assert
    expect(headers["Content-Digest"]).toBe(contentDigest(text));
    expect(headers.Signature).toMatch(/^encord-sig=:VQHtF0Ks/);
  });

  it("signs the still-encoded target when the query needs percent-encoding", () => {
    // Prepare
    const url = new URL("https://api.encord.com/v2/public/storage/folders/f/items");
    url.searchParams.set("search", "a b/c&d");
    const created = 1700000123;

    // Act
    const headers = signRequest({
      method: "GET",
      url,
      body: null,
      key: KEY,
      keyId: KEY_ID,
      createdSeconds: created,
    });

    // Assert
    const params = headers["Signature-Input"].slice("encord-sig=".length);
    const base = signatureBase(
      "GET",
      "/v2/public/storage/folders/f/items?search=a+b%2Fc%26d",
      headers["Content-Digest"],
      params,
    );
    const signature = Buffer.from(headers.Signature.slice("encord-sig=:".length, -1), "base64");
    expect(verify(null, Buffer.from(base), createPublicKey(KEY), signature)).toBe(true);
  });

  it("rejects a fractional created when the caller forgets to floor the clock", () => {
    // Prepare
    const url = new URL("https://api.encord.com/v2/public/x");

    // Act
    const act = () =>
      signRequest({ method: "GET", url, body: null, key: KEY, keyId: KEY_ID, createdSeconds: 1.5 });

    // Assert
    expect(act).toThrow(TypeError);
  });
});
