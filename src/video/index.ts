export { AtomicOutput } from "./atomic.ts";
export { type FfmpegLocation, FfmpegNotFoundError, findFfmpeg } from "./ffmpeg.ts";
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
export { EncoderError, type FfmpegJob, FfmpegProcess, prefetchCapabilities } from "./process.ts";
export { type Frame, type FrameSource, openSink, type Sink, type SinkOptions, writePng } from "./sinks.ts";
