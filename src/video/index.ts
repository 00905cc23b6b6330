export { type Ffmpeg, type FfmpegLocation, FfmpegNotFoundError, findFfmpeg } from "./ffmpeg.ts";
export {
  type EncodeSettings,
  extensionOf,
  FORMATS,
  type FormatName,
  gifGeometry,
  isFormat,
  needsEvenSize,
  videoOptions,
} from "./formats.ts";
export {
  concatParts,
  joinedCues,
  orderParts,
  type PartRecord,
  PartsError,
  partRange,
  partTag,
  readPart,
} from "./parts.ts";
export { pngOfFrame } from "./png.ts";
export {
  EncoderError,
  type EncoderInput,
  EncoderInterrupted,
  type FfmpegJob,
  FfmpegProcess,
  ffmpegTimeout,
} from "./process.ts";
export {
  type Frame,
  type FrameEncoding,
  type FrameSource,
  openSink,
  type Sink,
  type SinkOptions,
  writePng,
} from "./sinks.ts";
export { type Cue, clipCues, webVtt } from "./subtitles.ts";
