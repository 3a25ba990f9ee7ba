/// <reference path="./.sst/platform/config.d.ts" />

// The infrastructure issue fills stacks/ and imports them here; this file stays free of logic.
export default $config({
  app(input) {
    return {
      name: "sluice",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
    };
  },
  async run() {
    return {};
  },
});
