import type { IHeadRequestInfo, IRangeRequestClient } from "@tokenizer/range";
import { tokenizer } from "@tokenizer/range";
import type { IRandomAccessTokenizer } from "strtok3";
import type { ByteSource } from "../bytes/byte-source";
import { ProbeFailureError } from "./probe-failure";

/**
 * Each tokenizer miss asks for at least this much. It stays below the caching ByteSource's 16 KiB
 * read-ahead, which does the coalescing: a 16 KiB ask from just past an ID3v2 tag would spill over
 * the wrapper's first block and make it fetch a second one (32 KiB read instead of 16 KiB).
 */
const CHUNK_SIZE = 4 * 1024;

/**
 * The most a parser may read through one tokenizer. Headers need kilobytes; without a budget a
 * corrupt chunk size (a WAV `fmt ` of 2.8 GB in a 4 GB object) makes music-metadata read it whole.
 */
export const MAX_TOKENIZER_BYTES = 16 * 1024 * 1024;

/** Where the tokenizer starts in the source, and the type to tell its parser. */
export interface ByteSourceTokenizerOptions {
  /** Where the tokenizer's byte 0 lies in the source (to step over a leading ID3v2 tag unread). */
  start?: number;
  /** Passed to music-metadata as the file's type, so it picks its parser without guessing. */
  mimeType?: string;
  /** How many bytes from `start` the parser may see: the object seems to end there. */
  length?: number;
}

/**
 * A strtok3 random-access tokenizer over a ByteSource, built with @tokenizer/range: parsers such as
 * music-metadata then read only the ranges they need, through the source's cache and counters.
 */
export function createByteSourceTokenizer(
  source: ByteSource,
  options: ByteSourceTokenizerOptions = {},
): Promise<IRandomAccessTokenizer> {
  const start = Math.min(source.size, Math.max(0, options.start ?? 0));
  const size = Math.min(source.size - start, Math.max(0, options.length ?? Number.POSITIVE_INFINITY));
  const info: IHeadRequestInfo = { size, mimeType: options.mimeType, acceptPartialRequests: true };
  let asked = 0;
  const client: IRangeRequestClient = {
    // Answering the "HEAD" from the known size spares the GET that @tokenizer/range would otherwise
    // send to learn it. A size of 0 would still make it GET; callers reject empty sources first.
    getHeadInfo: async () => info,
    getResponse: async (_method, range) => {
      const [first, last] = range ?? [0, size - 1];
      asked += last - first + 1;
      if (asked > MAX_TOKENIZER_BYTES) {
        const message = `its headers ask for ${asked} bytes, over the ${MAX_TOKENIZER_BYTES} read for them (a corrupt chunk size?)`;
        throw new ProbeFailureError("media-corrupt", message);
      }
      const data = await source.read(start + first, last - first + 1);
      return {
        ...info,
        contentRange: {
          firstBytePosition: first,
          lastBytePosition: first + data.byteLength - 1,
          instanceLength: size,
        },
        arrayBuffer: async () => data,
      };
    },
    abort: () => undefined,
  };
  return tokenizer(client, { minimumChunkSize: CHUNK_SIZE });
}
