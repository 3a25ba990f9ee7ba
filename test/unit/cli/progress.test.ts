import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../packages/cli/src/main";
import { createProgress, type ProgressStream } from "../../../packages/cli/src/progress";
import { ImportFileSchema } from "../../../packages/core/src/imports/format";

const SAMPLE = resolve(import.meta.dirname, "../../../examples/sample-bucket");
const URL_BASE = "https://example-bucket.s3.eu-west-1.amazonaws.com/";

/** A terminal that reports `columns` and records what is drawn on it. */
function terminal(columns: number | undefined): ProgressStream & { text: string } {
  return {
    isTTY: true,
    columns,
    text: "",
    write(chunk) {
      this.text += chunk;
    },
  };
}

describe("createProgress", () => {
  it.each([[0], [undefined], [1]])(
    "draws whole file names and clears the line on a terminal reporting %s columns",
    (columns) => {
      const stream = terminal(columns);
      const progress = createProgress(2, stream);

      progress.tick("videos/cam1/run42.mp4");
      progress.tick("images/front 01.jpg");
      progress.done();

      expect(stream.text).toContain("1/2 videos/cam1/run42.mp4");
      expect(stream.text).toContain("2/2 images/front 01.jpg");
      expect(stream.text.endsWith("\r")).toBe(true);
    },
  );

  it("keeps the end of a name too long for the line and never runs past it", () => {
    const stream = terminal(60);
    const progress = createProgress(1, stream);

    progress.tick(`${"deep/".repeat(20)}run42.mp4`);

    const line = stream.text.slice(1);
    expect(line.length).toBeLessThanOrEqual(59);
    expect(line).toMatch(/ 1\/1 …[a-z/]*run42\.mp4$/);
  });
});

describe("sluice scan on a terminal", () => {
  it("writes the import when the terminal reports 0 columns", async () => {
    let stdout = "";
    const progress = terminal(0);

    const code = await main(["scan", SAMPLE, "--url-base", URL_BASE], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: () => undefined,
      env: {},
      isTTY: true,
      progress,
    });

    expect(code).toBe(0);
    expect(ImportFileSchema.safeParse(JSON.parse(stdout)).success).toBe(true);
    expect(progress.text).toContain("videos/cam1/run42.mp4");
  });
});
