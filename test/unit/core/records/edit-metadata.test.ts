import { describe, expect, it } from "vitest";
import {
  deriveAndStore,
  EDIT_ATTEMPTS,
  editMetadata,
  InvalidInputError,
  NotFoundError,
  TransientError,
} from "../../../../packages/core/src/index";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

/** A pipeline holding the record of `a.png` with a sidecar setting `camera`. */
async function pipelineWithRecord() {
  const p = createFakePipeline();
  p.objects.put("a.png", mediaBytes("image.png"));
  p.objects.put("a.png.metadata.json", '{"camera":"c1"}');
  await deriveAndStore(p.deps, "a.png", { source: "a.png", sequencer: "01" });
  return { p, deps: { pipeline: p.deps, schemas: p.schema } };
}

/** Applies another API edit (`{ rival: n }`) whenever the record is read, up to `times`, so the edit being made loses the write. */
function withConcurrentEdits(p: ReturnType<typeof createFakePipeline>, times: number) {
  const get = p.records.get.bind(p.records);
  let made = 0;
  let rivalling = false;
  p.records.get = async (bucket, key) => {
    const record = await get(bucket, key);
    if (made < times && !rivalling && record !== null) {
      rivalling = true;
      made += 1;
      const sequencer = (record.revision + 1).toString(16).padStart(16, "0");
      const editApiLayer = () => ({ rival: made });
      await deriveAndStore(p.deps, key, { source: "api", sequencer }, { editApiLayer });
      rivalling = false;
    }
    return record;
  };
}

describe("editMetadata", () => {
  it("merges the layer over the stored one and re-derives the record when the mode is merge", async () => {
    const { deps } = await pipelineWithRecord();
    await editMetadata(deps, "a.png", { lens: "x" }, "merge");

    const edited = await editMetadata(deps, "a.png", { camera: "c9" }, "merge");

    expect(edited.apiLayer).toEqual({ lens: "x", camera: "c9" });
    expect(edited.clientMetadata).toEqual({ camera: "c9", lens: "x" });
    expect(edited.provenance).toEqual({ camera: "api", lens: "api" });
  });

  it("puts the layer in place of the stored one when the mode is replace", async () => {
    const { deps } = await pipelineWithRecord();
    await editMetadata(deps, "a.png", { lens: "x" }, "merge");

    const edited = await editMetadata(deps, "a.png", { site: "s1" }, "replace");

    expect(edited.apiLayer).toEqual({ site: "s1" });
    expect(edited.clientMetadata).toEqual({ camera: "c1", site: "s1" });
  });

  it("throws InvalidInputError naming each field and writes nothing when the layer breaks the schema", async () => {
    const { p, deps } = await pipelineWithRecord();
    await p.schema.put({ night: { ty: "variant", hint: "boolean" } });
    const before = await p.records.get("data", "a.png");

    const edit = editMetadata(deps, "a.png", { night: "yes" }, "merge");

    await expect(edit).rejects.toBeInstanceOf(InvalidInputError);
    await expect(edit).rejects.toMatchObject({ code: "invalid-request", problems: [{ path: "night" }] });
    expect(await p.records.get("data", "a.png")).toEqual(before);
  });

  it("throws InvalidInputError with the sidecar's code when the layer is past a sidecar's limits", async () => {
    const { deps } = await pipelineWithRecord();
    const deep = JSON.parse(`{"a":${"[".repeat(100)}${"]".repeat(100)}}`);

    const edit = editMetadata(deps, "a.png", deep, "replace");

    await expect(edit).rejects.toMatchObject({ name: "InvalidInputError", code: "sidecar-invalid" });
  });

  it("throws NotFoundError when no record exists for the key", async () => {
    const { deps } = await pipelineWithRecord();

    await expect(editMetadata(deps, "none.png", { lens: "x" }, "merge")).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("re-reads the record and applies the edit again when a concurrent edit wins the write", async () => {
    const { p, deps } = await pipelineWithRecord();
    withConcurrentEdits(p, 1);

    const edited = await editMetadata(deps, "a.png", { lens: "x" }, "merge");

    expect(edited.apiLayer).toEqual({ rival: 1, lens: "x" });
  });

  it("throws TransientError when concurrent edits win every one of its attempts", async () => {
    const { p, deps } = await pipelineWithRecord();
    withConcurrentEdits(p, Number.POSITIVE_INFINITY);

    const edit = editMetadata(deps, "a.png", { lens: "x" }, "merge");

    await expect(edit).rejects.toThrow(`gave up editing a.png after ${EDIT_ATTEMPTS} concurrent edits`);
    await expect(edit).rejects.toBeInstanceOf(TransientError);
  });
});
