import type { ByteSource } from "../bytes/byte-source";
import { findFirstCluster, readFirstFrames, videoTrackNumber } from "./matroska-clusters";
import type { MatroskaHeaders } from "./matroska-layout";
import { frameRateOf, type RateVerdict } from "./matroska-rate";
import { ProbeFailureError } from "./probe-failure";

/** A frame rate measured from the first Clusters, or why there is none (`variable` for a VFR track). */
export type ClusterRate = { fps: number } | { reason: string; variable: boolean };

// Two reads from the first Cluster: 64 KiB settles small or low-rate video in one request; 2 MiB,
// the most Sluice reads whatever the file's size, holds about 2 s of 1080p H.264 at 8 Mb/s.
const READS = [64 * 1024, 2 * 1024 * 1024];
// H.264 and HEVC reorder at most 16 frames (the DPB size): once the first n frames in decode order
// are read, the first n − 16 in presentation order are known. VP8, VP9 and AV1 Blocks come in
// presentation order (hidden frames travel inside a shown frame's Block).
const MAX_REORDER = 16;
const IN_ORDER = new Set(["V_VP8", "V_VP9", "V_AV1"]);
const NO_DEFAULT = "the WebM/Matroska video track has no DefaultDuration (no stored frame rate)";

/**
 * Measures the frame rate of a video track without DefaultDuration from the timestamps of its
 * first frames (see frameRateOf), reading at most 2 MiB of Clusters in at most two requests.
 */
export async function measureClusterRate(
  source: ByteSource,
  headers: MatroskaHeaders,
  tickNs: number,
  codecId: string,
): Promise<ClusterRate> {
  try {
    const clusterAt = await findFirstCluster(source, headers.segmentData);
    if (clusterAt === undefined)
      return omitted("Sluice found no Cluster after the Tracks to time its frames");
    const track = videoTrackNumber(headers.tracks);
    let why = "";
    for (const length of READS) {
      const read = await readFirstFrames(source, clusterAt, track, length);
      const depth = read.complete || IN_ORDER.has(codecId) ? 0 : MAX_REORDER;
      const verdict = frameRateOf(read.timestamps, tickNs, depth);
      if (verdict.kind === "rate") return { fps: verdict.fps };
      why = `its first ${verdict.frames} frames ${explain(verdict, tickNs)}`;
      if (verdict.kind === "variable") return omitted(why, true);
      // More frames can only rule candidates out: a rate that none fits stays unfit.
      if (verdict.kind === "non-standard" || read.complete) break;
      why = `${why} within the ${read.bytesRead} bytes of Clusters Sluice reads`;
    }
    return omitted(why);
  } catch (error) {
    if (!(error instanceof ProbeFailureError)) throw error;
    // ffprobe still opens the file: its frame rate is unmeasured, the file is not invalid.
    return omitted(`its first Cluster could not be read (${error.message})`);
  }
}

function explain(verdict: Exclude<RateVerdict, { kind: "rate" }>, tickNs: number): string {
  switch (verdict.kind) {
    case "variable":
      return (
        `are ${ms(verdict.minInterval, tickNs)}–${ms(verdict.maxInterval, tickNs)} ms apart (variable frame rate); ` +
        "Sluice does not read every Cluster to average them"
      );
    case "non-standard":
      return "keep one interval, but it fits no standard rate (a multiple of 1/2 fps, or that × 1000/1001)";
    case "ambiguous":
      return `fit several frame rates (${verdict.candidates.map((fps) => fps.toFixed(3)).join(", ")} fps)`;
    case "few":
      return "are too few to time";
  }
}

function omitted(why: string, variable = false): ClusterRate {
  return { reason: `${NO_DEFAULT}, and ${why}`, variable };
}

function ms(ticks: number, tickNs: number): string {
  return String(Math.round((ticks * tickNs) / 1e3) / 1e3);
}
