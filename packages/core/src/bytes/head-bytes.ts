/**
 * The first read of every object, in bytes: typing reads this much as `head`, a caching source
 * fetches at least this much a request, and S3 opens an object with one GET of it. file-type needs
 * 4,100; the rest lets the track list of a fast-start MP4 or a WebM fit, so audio-only files are
 * told apart, and the small boxes a probe reads next share the request.
 */
export const HEAD_BYTES = 16 * 1024;
