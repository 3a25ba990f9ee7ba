import { readdirSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  expectedAudio,
  expectedDicom,
  expectedImage,
  expectedPdfPages,
  expectedText,
  expectedVideo,
  listProbeFixtures,
  probeMediaPath,
  structuralTruth,
} from "../../helpers/probe-truth";

const fixtures = listProbeFixtures();
const named = (pattern: RegExp) => fixtures.filter((f) => pattern.test(f.name)).map((f) => f.name);
const videos = named(/\.(mp4|mov|webm|mkv|avi)$/);
const audios = named(/\.(mp3|wav|aiff|aifc|flac|ogg|opus|m4a)$/);
const sizeOf = (name: string) => statSync(probeMediaPath(name)).size;

describe("listProbeFixtures", () => {
  it("lists every media fixture except the broken and skipped ones when reading the truth directory", () => {
    // `skip-` fixtures are files typing leaves out by content (a DICOMDIR): no media, so no truth.
    const media = readdirSync(probeMediaPath("")).filter(
      (name) => !name.startsWith("broken-") && !name.startsWith("skip-"),
    );

    const listed = fixtures.map((f) => f.name);

    expect(listed).toEqual(media.sort());
    expect(listed.length).toBeGreaterThanOrEqual(40);
  });

  it("names the reference tool when given each kind of truth file", () => {
    const toolOf = (name: string) => fixtures.find((f) => f.name === name)?.tool;

    expect(toolOf("h264-25fps-faststart.mp4")).toBe("ffprobe");
    expect(toolOf("jpeg-40x30.jpg")).toBe("identify");
    expect(toolOf("pdf-3-pages.pdf")).toBe("pdfinfo");
    expect(toolOf("dicom-series-a-1.dcm")).toBe("dcmdump");
    expect(toolOf("text-utf8.txt")).toBe("file");
  });
});

describe("expectedVideo", () => {
  it("returns sane values when reading every video fixture", () => {
    expect(videos.length).toBeGreaterThanOrEqual(14);
    for (const name of videos) {
      const video = expectedVideo(name);

      expect(video.fps, name).toBeGreaterThan(1);
      expect(video.fps, name).toBeLessThan(120);
      expect([video.width, video.height].sort(), name).toEqual([48, 64]);
      expect(video.fileSize, name).toBe(sizeOf(name));
      if (video.duration !== undefined) expect(video.duration, name).toBeGreaterThan(0.9);
      if (video.frameCount !== undefined) expect(Number.isInteger(video.frameCount), name).toBe(true);
    }
  });

  it("returns the exact fraction when the rate is an NTSC or odd rate", () => {
    expect(expectedVideo("h264-23.976fps-moov-at-end.mp4").fps).toBe(24000 / 1001);
    expect(expectedVideo("h264-23.976fps.mov").fps).toBe(24000 / 1001);
    expect(expectedVideo("h264-29.97fps.mp4").fps).toBe(30000 / 1001);
    expect(expectedVideo("h264-59.94fps.mp4").fps).toBe(60000 / 1001);
    expect(expectedVideo("h264-12.5fps.mp4").fps).toBe(12.5);
  });

  it("swaps width and height when the stream is rotated a quarter turn", () => {
    const rotated = expectedVideo("h264-rotated-90.mp4");
    const upright = expectedVideo("h264-25fps-faststart.mp4");

    expect({ width: rotated.width, height: rotated.height }).toEqual({ width: 48, height: 64 });
    expect({ width: upright.width, height: upright.height }).toEqual({ width: 64, height: 48 });
  });

  it("applies ffprobe's sample aspect ratio as browsers display it when pixels are not square", () => {
    const size = (name: string) => {
      const { width, height, codedWidth, codedHeight } = expectedVideo(name);
      return [width, height, codedWidth, codedHeight];
    };

    // 48x48 coded: 4:3 pixels widen it, 3:4 pixels make it taller, a quarter turn swaps the result.
    expect(size("h264-sar-4x3.mp4")).toEqual([64, 48, 48, 48]);
    expect(size("h264-sar-3x4.mp4")).toEqual([48, 64, 48, 48]);
    expect(size("h264-sar-4x3-rotated-90.mp4")).toEqual([48, 64, 48, 48]);
    expect(size("vp9-sar-4x3.webm")).toEqual([64, 48, 48, 48]);
  });

  it("takes frames ÷ duration from the structure truth when ffprobe's avg_frame_rate is from rounded timestamps", () => {
    // ffprobe's avg_frame_rate is 1000/33 (30.30) for both; frames ÷ duration is the truth.
    expect(expectedVideo("h264-29.97fps-no-default-duration.mkv")).toMatchObject({
      fps: 30000 / 1001,
      variableFrameRate: false,
    });
    expect(expectedVideo("h264-vfr-no-default-duration.mkv")).toMatchObject({
      fps: 20,
      variableFrameRate: true,
    });
  });

  it("flags variable frame rate when r_frame_rate differs from avg_frame_rate", () => {
    const vfr = expectedVideo("h264-vfr.mp4");

    expect(vfr).toMatchObject({ variableFrameRate: true, fps: 20, duration: 2, frameCount: 40 });
    expect(expectedVideo("h264-25fps-faststart.mp4").variableFrameRate).toBe(false);
  });

  it("keeps the container's sample count when an edit list hides some samples", () => {
    const video = expectedVideo("h264-edit-list.mp4");

    expect(video).toMatchObject({ fps: 25, duration: 1.6, frameCount: 55 });
  });

  it("omits the duration when the WebM was recorded without one", () => {
    expect(expectedVideo("vp9-opus-no-duration.webm").duration).toBeUndefined();
    expect(expectedVideo("vp9-opus.webm").duration).toBeCloseTo(2, 1);
  });

  it("throws when the fixture has no video stream", () => {
    expect(() => expectedVideo("mp3-vbr-xing.mp3")).toThrow(/no video stream/);
  });
});

describe("expectedAudio", () => {
  it("returns sane values when reading every audio fixture", () => {
    expect(audios.length).toBeGreaterThanOrEqual(10);
    for (const name of audios) {
      const audio = expectedAudio(name);

      expect([22050, 32000, 44100, 48000, 96000], name).toContain(audio.sampleRate);
      expect([1, 2], name).toContain(audio.numChannels);
      expect(audio.duration, name).toBeGreaterThan(0.4);
      expect(audio.duration, name).toBeLessThan(2);
      expect(audio.codec, name).toMatch(/^[a-z0-9_]+$/);
      expect(audio.fileSize, name).toBe(sizeOf(name));
    }
  });

  it("returns the stored bit depth when the codec is lossless", () => {
    expect(expectedAudio("pcm-s16-44.1k-stereo.wav").bitsPerSample).toBe(16);
    expect(expectedAudio("pcm-s24-48k-mono.wav").bitsPerSample).toBe(24);
    expect(expectedAudio("flac-96k-24bit-stereo.flac")).toMatchObject({
      bitsPerSample: 24,
      sampleRate: 96000,
    });
  });

  it("returns no bit depth when the codec is lossy", () => {
    for (const name of ["mp3-cbr-44.1k-stereo.mp3", "aac-44.1k-stereo.m4a", "opus-48k-mono.opus"]) {
      expect(expectedAudio(name).bitsPerSample, name).toBeUndefined();
    }
  });

  it("returns the duration ffprobe read from the VBRI header when the MP3 has one", () => {
    expect(expectedAudio("mp3-vbr-vbri.mp3")).toMatchObject({
      duration: 1.26,
      sampleRate: 32000,
      codec: "mp3",
    });
  });

  it("returns ffprobe's codec, rate and bit depth when the fixture is AIFF or AIFF-C", () => {
    expect(expectedAudio("aiff-s16be-22k-stereo.aiff")).toMatchObject({
      codec: "pcm_s16be",
      bitsPerSample: 16,
    });
    expect(expectedAudio("aifc-sowt-22k-mono.aifc")).toMatchObject({ codec: "pcm_s16le", numChannels: 1 });
    expect(expectedAudio("aifc-fl32-22k-mono.aifc")).toMatchObject({ codec: "pcm_f32be", bitsPerSample: 32 });
    expect(expectedAudio("aifc-ulaw-22k-mono.aifc")).toMatchObject({ codec: "pcm_mulaw", bitsPerSample: 8 });
  });
});

describe("structuralTruth", () => {
  it("returns the walked frame count when ffprobe extrapolates an MP3's duration", () => {
    const truth = structuralTruth("mp3-vbr-no-xing.mp3");

    expect(truth).toMatchObject({ frames: 59, samplesPerFrame: 1152, sampleRate: 44100, duration: 1.541224 });
    expect(expectedAudio("mp3-vbr-no-xing.mp3").duration).not.toBeCloseTo(1.541224, 2);
  });
});

describe("expectedImage", () => {
  it("returns the stored size when the image has no quarter-turn orientation", () => {
    for (const name of named(/\.(jpg|png|webp|tiff|gif|bmp|avif|heic)$/)) {
      if (name.includes("orientation")) continue;

      expect(expectedImage(name), name).toEqual({ width: 40, height: 30 });
    }
  });

  it("swaps width and height when EXIF orientation is 6", () => {
    expect(expectedImage("jpeg-exif-orientation-6.jpg")).toEqual({ width: 30, height: 40 });
  });
});

describe("expectedPdfPages", () => {
  it("returns the page count named in each PDF fixture's file name", () => {
    for (const name of named(/\.pdf$/)) {
      const pages = Number(/(\d+)-pages/.exec(name)?.[1]);

      expect(expectedPdfPages(name), name).toBe(pages);
    }
  });
});

describe("expectedText", () => {
  it("returns the charset when the text is UTF-8 or Latin-1", () => {
    expect(expectedText("text-utf8.txt")).toEqual({
      mimeType: "text/plain",
      charset: "utf-8",
      fileSize: sizeOf("text-utf8.txt"),
    });
    expect(expectedText("text-latin1.txt").charset).toBe("iso-8859-1");
  });
});

describe("expectedDicom", () => {
  it("returns one series of three instances when reading series A", () => {
    const slices = [1, 2, 3].map((n) => expectedDicom(`dicom-series-a-${n}.dcm`));

    expect(new Set(slices.map((s) => s.seriesInstanceUid)).size).toBe(1);
    expect(new Set(slices.map((s) => s.sopInstanceUid)).size).toBe(3);
    expect(slices.map((s) => s.instanceNumber)).toEqual([1, 2, 3]);
    expect(slices[0]).toMatchObject({ modality: "OT", rows: 12, columns: 16 });
  });

  it("returns another series of the same study when reading series B", () => {
    const a = expectedDicom("dicom-series-a-1.dcm");
    const b = expectedDicom("dicom-series-b-1.dcm");

    expect(b.studyInstanceUid).toBe(a.studyInstanceUid);
    expect(b.seriesInstanceUid).not.toBe(a.seriesInstanceUid);
    expect(b).toMatchObject({ instanceNumber: 1, modality: "XC", rows: 14, columns: 20 });
    expect(b.sopInstanceUid).toMatch(/^[0-9.]+$/);
  });

  it("reads the data set of a raw file when its dump has an empty meta header section", () => {
    const a = expectedDicom("dicom-series-a-1.dcm");

    const raw = expectedDicom("dicom-raw-series-c-1.dcm");

    expect(raw).toEqual({
      seriesInstanceUid: `${a.studyInstanceUid}.3`,
      studyInstanceUid: a.studyInstanceUid,
      sopInstanceUid: `${a.studyInstanceUid}.3.1`,
      instanceNumber: 1,
      modality: "OT",
      rows: 10,
      columns: 18,
    });
  });
});
