import { generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * A fresh Ed25519 key for tests against the fake Encord server: the private key written as PKCS#8
 * PEM in `dir` (what `ENCORD_SSH_KEY_FILE` names) and the `ssh-ed25519` line the fake registers.
 */
export async function writeEncordKey(dir: string): Promise<{ keyFile: string; sshLine: string }> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
  const keyFile = join(dir, "encord.pem");
  await writeFile(keyFile, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
  return { keyFile, sshLine: `ssh-ed25519 ${blob.toString("base64")}` };
}
