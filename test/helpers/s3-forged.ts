/**
 * Headers of a request that looks SigV4-signed (any credentials, as the local S3 accepts) without
 * being signed: the local S3 checks that a signature is there and well formed, never its value, so a
 * raw `fetch` with these reaches s3rver the way an SDK request with an unusual path or query would.
 */
export function forgedSigV4Headers(accessKeyId = "S3RVER", now = new Date()): Record<string, string> {
  // S3RVER by default: the key every s3rver knows, so that the forgery works on an unpatched one too.
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const scope = `${accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  return {
    "x-amz-date": amzDate,
    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${"0".repeat(64)}`,
  };
}

/** A browser's form upload (POST Object) of one file under `key`, with no credentials, as any web page can send it. */
export function formUpload(key: string, content: string | Uint8Array): FormData {
  const form = new FormData();
  form.append("key", key);
  form.append("file", new Blob([content]), "upload.bin");
  return form;
}
