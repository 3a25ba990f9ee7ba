import { describe, expect, it } from "vitest";
import { exportPending } from "../../../../packages/core/src/export/export-pending";
import type { WorkMessage } from "../../../../packages/core/src/jobs/work-message";
import {
  assembleGroupPage,
  assembleSeriesPage,
} from "../../../../packages/core/src/pipeline/assemble-pipeline";
import { requestAssembly } from "../../../../packages/core/src/pipeline/group-membership";
import { ingestEvent } from "../../../../packages/core/src/pipeline/ingest-event";
import type { StorageEvent } from "../../../../packages/core/src/pipeline/storage-event";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

let seq = 0x1000;
function event(rawKey: string): StorageEvent {
  seq += 1;
  return { bucket: "data", rawKey, kind: "created", sequencer: seq.toString(16).toUpperCase(), time: "t" };
}

type Pipeline = ReturnType<typeof createFakePipeline>;

async function drain(p: Pipeline) {
  await p.work.drain(async (m: WorkMessage) => {
    if (m.type === "assemble-group") return assembleGroupPage(p.deps, m);
    if (m.type === "assemble-series") return assembleSeriesPage(p.deps, m);
    throw new Error(`unexpected ${m.type}`);
  });
}

async function exportNow(p: Pipeline) {
  const now = p.deps.now();
  return exportPending(p.deps, {
    now,
    settledBefore: now,
    leaseUntil: "9999",
    owner: "t",
    newId: () => "f1",
  });
}

describe("assembleGroupPage", () => {
  it("writes a pending group with members in natural order when the last frame arrives", async () => {
    const p = createFakePipeline();
    p.objects.put("seq/_group.json", JSON.stringify({ type: "image_sequence", count: 2 }));
    await ingestEvent(p.deps, event("seq/_group.json"));
    for (const name of ["f10.png", "f2.png"]) {
      p.objects.put(`seq/${name}`, mediaBytes("image.png"));
      await ingestEvent(p.deps, event(`seq/${name}`));
    }

    await drain(p);

    const group = await p.records.get("data", "seq/");
    expect(group?.status).toBe("ready");
    expect(group?.export.state).toBe("pending");
    expect(group?.importEntry?.objectUrl_0).toMatch(/f2\.png$/);
    expect((await p.records.get("data", "seq/f2.png"))?.export.state).toBe("held");
  });

  it("holds members recorded before their manifest when the manifest arrives", async () => {
    const p = createFakePipeline();
    p.objects.put("g/a.png", mediaBytes("image.png"));
    await ingestEvent(p.deps, event("g/a.png"));
    p.objects.put("g/_group.json", JSON.stringify({ type: "image_group" }));

    await ingestEvent(p.deps, event("g/_group.json"));
    await drain(p);
    const result = await exportNow(p);

    expect((await p.records.get("data", "g/a.png"))?.export.state).toBe("held");
    expect((await p.records.get("data", "g/a.png"))?.groupKey).toBe("g/");
    expect(result.exported).toBe(1);
  });

  it("leaves the group record unchanged when it is assembled twice from the same state", async () => {
    const p = createFakePipeline();
    p.objects.put("g/a.png", mediaBytes("image.png"));
    p.objects.put("g/_group.json", JSON.stringify({ type: "image_group" }));
    await ingestEvent(p.deps, event("g/a.png"));
    await drain(p);
    const before = await p.records.get("data", "g/");

    const outcome = await assembleGroupPage(p.deps, { type: "assemble-group", bucket: "data", folder: "g/" });

    expect(outcome).toBe("unchanged");
    expect((await p.records.get("data", "g/"))?.revision).toBe(before?.revision);
  });
});

describe("requestAssembly", () => {
  it("queues one assembly for a burst of member events until the assembler starts", async () => {
    // Prepare
    const p = createFakePipeline();
    p.objects.put("burst/_group.json", JSON.stringify({ type: "image_group" }));
    await ingestEvent(p.deps, event("burst/_group.json"));
    for (const name of ["a.png", "b.png", "c.png"]) {
      p.objects.put(`burst/${name}`, mediaBytes("image.png"));
      await ingestEvent(p.deps, event(`burst/${name}`));
    }
    const queued = p.work.messages.length;

    // Act
    await drain(p);
    p.objects.put("burst/d.png", mediaBytes("image.png"));
    await ingestEvent(p.deps, event("burst/d.png"));

    // Assert
    expect(queued).toBe(1);
    expect(p.work.messages.map((m) => m.type)).toEqual(["assemble-group"]);
  });

  it("lowers its flag when the message cannot be queued, so that the event's redelivery queues it", async () => {
    // Prepare
    const p = createFakePipeline();
    const message = { type: "assemble-group" as const, bucket: "data", folder: "lost/" };
    const send = p.deps.work.send;
    p.deps.work.send = async () => {
      throw new Error("queue unavailable");
    };

    // Act
    const failed = await requestAssembly(p.deps, message).catch((error: Error) => error.message);
    p.deps.work.send = send;
    await requestAssembly(p.deps, message);

    // Assert
    expect(failed).toBe("queue unavailable");
    expect(p.work.messages).toEqual([message]);
  });
});
