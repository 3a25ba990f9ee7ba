import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Any connection outside loopback fails the test (no AWS, no internet); SDK-mock matchers for every test.
    setupFiles: ["test/setup/loopback-only.ts", "test/setup/sdk-mock-matchers.ts"],
    // s3rver's paginated ListObjectsV2 uses DES for continuation tokens (toolchain.md §3.2).
    execArgv: ["--openssl-legacy-provider"],
    // The SDK's notice that releases after January 2027 need Node 22 is for people, not for every test worker.
    env: { POWERTOOLS_METRICS_DISABLED: "true", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    testTimeout: 20_000,
  },
});
