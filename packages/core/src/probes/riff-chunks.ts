import { ProbeFailureError } from "./probe-failure";

/** A RIFF chunk inside a list's data; a `LIST` chunk's data starts after its list type. */
export interface RiffChunk {
  id: string;
  listType: string | undefined;
  data: Uint8Array;
}

/**
 * Splits a RIFF list's data into its chunks (word-aligned); a chunk that overruns the list is
 * corrupt, unless the data is only the first part of the list (`partial`), where it ends the walk.
 */
export function riffChunksOf(data: Uint8Array, options: { partial?: boolean } = {}): RiffChunk[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const chunks: RiffChunk[] = [];
  let at = 0;
  while (at + 8 <= data.byteLength) {
    const id = String.fromCharCode(...data.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    const end = at + 8 + size;
    if (end > data.byteLength) {
      if (options.partial) break;
      throw new ProbeFailureError("media-corrupt", `the ${id} chunk overruns its list`);
    }
    const isList = id === "LIST" && size >= 4;
    chunks.push({
      id,
      listType: isList ? String.fromCharCode(...data.subarray(at + 8, at + 12)) : undefined,
      data: data.subarray(isList ? at + 12 : at + 8, end),
    });
    at = end + (size & 1);
  }
  return chunks;
}
