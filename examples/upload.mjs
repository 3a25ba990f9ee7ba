// The quick start's upload (README.md): a video and its sidecar into the local stack's S3, sidecar first.
import { readFile } from "node:fs/promises";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const s3 = new S3Client({
  endpoint: `http://127.0.0.1:${process.env.S3_PORT || 4569}`, // the stack's S3_PORT
  region: "us-east-1",
  forcePathStyle: true, // the bucket in the path: the local S3 has no host name per bucket
  credentials: { accessKeyId: "any", secretAccessKey: "any" }, // any will do, but requests must be signed
});
const put = (Key, Body) => s3.send(new PutObjectCommand({ Bucket: "ingest", Key, Body }));

// The sidecar before its data, so that the video's first record already carries the sidecar's metadata.
await put("cams/run42.mp4.metadata.json", JSON.stringify({ site: "plant-7", camera: "cam1" }));
await put("cams/run42.mp4", await readFile(new URL("sample-bucket/videos/cam1/run42.mp4", import.meta.url)));
console.log("uploaded s3://ingest/cams/run42.mp4.metadata.json and s3://ingest/cams/run42.mp4");
s3.destroy();
