import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ImportFileSchema } from "../../../packages/core/src/imports/format";
import { runCli } from "../../helpers/cli";
import { mediaPath } from "../../helpers/media";

const ROOT = resolve(import.meta.dirname, "../../..");
const SAMPLE = join(ROOT, "examples/sample-bucket");
const BAD = join(ROOT, "examples/bad-inputs");
const SCHEMA = join(ROOT, "examples/schema.json");
const URL_BASE = "https://example-bucket.s3.eu-west-1.amazonaws.com/";

const run = (...argv: string[]) => runCli(argv, {});

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-cli-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("sluice scan", () => {
  it("prints an import that the builder's schema accepts and that holds every type in the sample", async () => {
    const { code, stdout, stderr } = await run("scan", SAMPLE, "--url-base", URL_BASE, "--schema", SCHEMA);

    expect(code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(Object.keys(file).sort()).toEqual(
      [
        "audio",
        "dicom_series",
        "image_groups",
        "images",
        "nifti",
        "pdfs",
        "skip_duplicate_urls",
        "text",
        "upsert_metadata",
        "videos",
      ].sort(),
    );
    expect(file.images?.map((i) => i.objectUrl)).toEqual([
      `${URL_BASE}images/front%2001.jpg`,
      `${URL_BASE}images/left%2B1.png`,
    ]);
    expect(file.image_groups?.map((g) => [g.title, g.createVideo, g.objectUrl_2])).toEqual([
      ["tl-0001", true, `${URL_BASE}sequences/tl-0001/frame10.png`],
    ]);
    expect(stderr).toContain("0 left out");
  });

  it("maps the URL base's path to a key prefix for keys and titles", async () => {
    const { stdout } = await run("scan", SAMPLE, "--url-base", `${URL_BASE}raw/2025/`);

    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(file.pdfs?.[0]).toMatchObject({
      objectUrl: `${URL_BASE}raw/2025/docs/report.pdf`,
      title: "raw/2025/docs/report.pdf",
    });
  });

  it("names every left-out object on stderr and still emits the good ones", async () => {
    const dir = tempDir();
    cpSync(BAD, dir, { recursive: true });
    cpSync(mediaPath("image.png"), join(dir, "huge.png"));
    writeFileSync(join(dir, "huge.png.metadata.json"), `{"pad":"${"x".repeat(10_000_000)}"}`);

    const { code, stdout, stderr } = await run("scan", dir, "--url-base", URL_BASE, "--schema", SCHEMA);

    expect(code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(file.images?.map((i) => i.title)).toEqual(["ok.png"]);
    const lines = stderr.split("\n").filter((l) => l.startsWith("left out"));
    expect(lines).toEqual([
      expect.stringMatching(/^left out \(invalid\) array\.jpg: sidecar-not-object: .*is an array/),
      expect.stringMatching(/^left out \(skipped\) empty\.mp4: empty-object/),
      expect.stringMatching(/^left out \(invalid\) huge\.png: sidecar-too-large: .*10000010 bytes/),
      expect.stringMatching(/^left out \(invalid\) not-json\.png: sidecar-not-json: .*line 1, column/),
      expect.stringMatching(
        /^left out \(invalid\) schema-violation\.wav: schema-violation at language: .*schema-violation at night/,
      ),
      expect.stringMatching(/^left out \(skipped\) unknown\.bin: unknown-type/),
    ]);
  });

  it("writes one file per part with --out when the import splits", async () => {
    const out = join(tempDir(), "imports.json");

    const { code, stderr } = await run(
      "scan",
      SAMPLE,
      "--url-base",
      URL_BASE,
      "--max-entries",
      "4",
      "--out",
      out,
    );

    expect(code).toBe(0);
    const parts = [1, 2, 3].map((n) =>
      ImportFileSchema.parse(JSON.parse(readFileSync(out.replace(".json", `.part${n}.json`), "utf8"))),
    );
    const counts = parts.map((p) => Object.values(p).filter(Array.isArray).flat().length);
    expect(counts).toEqual([4, 4, 4]);
    expect(stderr).toContain("imports.part3.json");
  });

  it("asks for --out instead of printing several files", async () => {
    const { code, stderr } = await run("scan", SAMPLE, "--url-base", URL_BASE, "--max-entries", "4");

    expect(code).toBe(2);
    expect(stderr.endsWith("sluice: the import splits into 3 files; pass --out FILE to write them\n")).toBe(
      true,
    );
  });

  it.each([
    [["scan", SAMPLE], /^sluice: --url-base URL is required/],
    [
      ["scan", "/no/such/dir", "--url-base", URL_BASE],
      /^sluice: cannot scan \/no\/such\/dir: no such file or directory\n$/,
    ],
    [["scan", SAMPLE, "--url-base", "not a url"], /^sluice: --url-base is not a URL/],
    [
      ["scan", SAMPLE, "--url-base", URL_BASE, "--max-bytes", "0"],
      /^sluice: --max-bytes must be a positive integer/,
    ],
    [
      ["scan", SAMPLE, "--url-base", URL_BASE, "--bogus"],
      /^sluice: unknown option --bogus; sluice scan --help lists the options\n$/,
    ],
    [["scan", SAMPLE, "--url-base", URL_BASE, "--schema", "/no/schema.json"], /^sluice: cannot read schema/],
    [["scan", SAMPLE, "--url-base", URL_BASE, "--sidecar-suffix", "json"], /^sluice: .*must start with "\."/],
    [["frobnicate"], /^sluice: unknown command "frobnicate"/],
  ])("gives one clear line and exit 2 for %j", async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);

    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a schema that is not a valid Encord schema with the key at fault", async () => {
    const schema = join(tempDir(), "schema.json");
    writeFileSync(schema, JSON.stringify({ $bad: { ty: "variant", hint: "varchar" } }));

    const { code, stderr } = await run("scan", SAMPLE, "--url-base", URL_BASE, "--schema", schema);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^sluice: schema .* is not a valid Encord metadata schema: \$bad: /);
  });
});

describe("sluice inspect", () => {
  it("prints the record with its sidecar, defaults and provenance", async () => {
    const { code, stdout } = await run(
      "inspect",
      join(SAMPLE, "videos/cam1/run42.mp4"),
      "--root",
      SAMPLE,
      "--url-base",
      URL_BASE,
    );

    expect(code).toBe(0);
    const record = JSON.parse(stdout);
    expect(record).toMatchObject({
      key: "videos/cam1/run42.mp4",
      dataType: "video",
      status: "ready",
      sidecarKey: "videos/cam1/run42.mp4.metadata.json",
      provenance: {
        project: "_defaults.json",
        site: "videos/_defaults.json",
        camera: "videos/cam1/run42.mp4.metadata.json",
        "$encord.config": "videos/_defaults.json",
        "$encord.frames": "videos/cam1/run42.mp4.metadata.json",
      },
      importEntry: { objectUrl: `${URL_BASE}videos/cam1/run42.mp4` },
    });
  });

  it("warns that the URL is a placeholder without --url-base", async () => {
    const { stdout } = await run("inspect", join(SAMPLE, "docs/report.pdf"), "--root", SAMPLE);

    const record = JSON.parse(stdout);
    expect(record.objectUrl).toBe("https://local.invalid/docs/report.pdf");
    expect(record.warnings.map((w: { code: string }) => w.code)).toContain("placeholder-url");
  });
});

describe("the sluice bin", () => {
  it("runs from a shell through npx with no build step", async () => {
    const { stdout } = await promisify(execFile)("node", [
      join(ROOT, "packages/cli/bin/sluice.js"),
      "scan",
      SAMPLE,
      "--url-base",
      URL_BASE,
    ]);

    expect(ImportFileSchema.safeParse(JSON.parse(stdout)).success).toBe(true);
  });
});
