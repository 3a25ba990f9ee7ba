import { createRequire } from "node:module";
import { s3rverError } from "./s3rver-error";

const require = createRequire(import.meta.url);
let applied = false;

// What OpenSSL says when a token is not one of s3rver's DES-encrypted ones.
const UNDECRYPTABLE = new Set(["ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH", "ERR_OSSL_BAD_DECRYPT"]);

/**
 * Makes s3rver answer a continuation token it did not make as S3 does: 400 InvalidArgument. s3rver
 * 3.7.1 decrypts the token unguarded, so a made-up or truncated one was a 500 InternalError, which
 * clients read as "retry" (and the API passed on as 503).
 */
export function fixS3rverBadContinuationTokens(): void {
  if (applied) return;
  const controller: unknown = require("s3rver/lib/controllers/bucket");
  if (!(typeof controller === "object" && controller !== null && "getBucket" in controller))
    throw new Error("s3rver's bucket controller has no getBucket: cannot patch continuation tokens");
  const original = controller.getBucket;
  if (typeof original !== "function")
    throw new Error("s3rver's bucket controller has no getBucket: cannot patch continuation tokens");
  // routes.js calls `bucketCtrl.getBucket(ctx)` through the module object, so replacing the export takes.
  Object.assign(controller, {
    async getBucket(ctx: { query: Record<string, unknown> }) {
      try {
        return await Reflect.apply(original, controller, [ctx]);
      } catch (error) {
        const code = error instanceof Error && "code" in error ? error.code : undefined;
        if (ctx.query["continuation-token"] && typeof code === "string" && UNDECRYPTABLE.has(code))
          throw s3rverError("InvalidArgument", "The continuation token provided is incorrect", {
            ArgumentName: "continuation-token",
          });
        throw error;
      }
    },
  });
  applied = true;
}
