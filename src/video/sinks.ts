import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { AtomicOutput, makeFolders, writeFileAtomically } from "../files/index.ts";
import { type FormatName, gifGeometry, videoOptions } from "./formats.ts";
import { EncoderError, type EncoderInput, FfmpegProcess } from "./process.ts";

/** One rendered frame: raw BGRA pixels for the encoders, PNG bytes for frame folders. */
export interface Frame {
  raw?: Buffer;
  png?: Buffer;
  /** Called when no sink reads the bytes any more, so their memory can hold a later frame. */
  release?: () => void;
}

/** What a sink needs of each frame. */
export type FrameEncoding = "raw" | "png";

/** Frames by index, for sinks that look at the video before encoding it (GIF palettes). */
export interface FrameSource {
  frames: number;
  draw: (index: number) => Promise<Frame>;
  /** Has the scene's processes write these frames, in order, into an encoder's input themselves. */
  feed?: (indices: readonly number[], input: EncoderInput) => Promise<void>;
}

/**
 * Where frames go. Every sink writes to a temporary path beside its target; `finish`
 * completes it there and `commit` moves it into place, so the caller commits only when
 * every sink finished and nothing interrupted the render.
 */
export interface Sink {
  readonly format: FormatName;
  readonly target: string;
  readonly needs: FrameEncoding;
  /** Work before the first frame (a GIF's palette pass). */
  prepare?(source: FrameSource): Promise<void>;
  write(frame: Frame, index: number): Promise<void>;
  /**
   * A sink opened with `handOver`: its encoder's input, for the scene's processes to write
   * frames into themselves (instead of `write`).
   */
  handOver?(): Promise<EncoderInput>;
  /** Completes the temporary output; throws unless the encoder exited cleanly. */
  finish(): Promise<void>;
  /** Moves the finished output over the target. */
  commit(): void;
  /** Stops any encoder and removes the temporary output. Safe to call twice. */
  abort(): Promise<void>;
}

export interface SinkOptions {
  format: FormatName;
  target: string;
  width: number;
  height: number;
  fps: number;
  ffmpegPath: string;
  preview: boolean;
  /** A GIF's own size and rate; default the GIF cap of the frames' (`gifGeometry`). */
  gif?: { width: number; height: number; fps: number };
  /** An MP4's or WebM's `comment` tag (a part's record: parts.ts). */
  comment?: string;
  /**
   * The frames will be written into the encoder by the scene's processes (`Sink.handOver`), not
   * through `write`: for a render with one video output.
   */
  handOver?: boolean;
}

export function openSink(options: SinkOptions): Sink {
  switch (options.format) {
    case "mp4":
    case "webm":
      return new VideoSink(options, options.format);
    case "gif":
      return new GifSink(options);
    case "png":
      return new PngFolderSink(options);
  }
}

class VideoSink implements Sink {
  readonly format: FormatName;
  readonly target: string;
  readonly needs = "raw";
  private readonly output: AtomicOutput;
  private readonly encoder: FfmpegProcess;

  constructor(options: SinkOptions, format: "mp4" | "webm") {
    this.format = format;
    this.target = options.target;
    this.output = new AtomicOutput(options.target);
    const { options: outputOptions, muxer } = videoOptions(format, options);
    const tags = options.comment === undefined ? [] : ["-metadata", `comment=${options.comment}`];
    this.encoder = new FfmpegProcess({
      ...options,
      outputOptions: [...outputOptions, ...tags],
      format: muxer,
      output: this.output.temporary,
      shownAs: options.target,
      handedOver: options.handOver ?? false,
    });
    if (options.handOver) this.handOver = () => this.encoder.handOver();
  }

  handOver?: () => Promise<EncoderInput>;

  write(frame: Frame): Promise<void> {
    return this.encoder.write(rawOf(frame));
  }

  async finish(): Promise<void> {
    await this.encoder.finish();
    checkWritten(this.output.temporary, this.target);
  }

  commit(): void {
    this.output.commit();
  }

  async abort(): Promise<void> {
    await this.encoder.stop();
    this.output.discard();
  }
}

/**
 * GIF in two ffmpeg runs with flat memory: a palette from a sample of the frames (palettegen
 * keeps only colour statistics), then the frames themselves through paletteuse with that
 * palette as a second input. The one-pass split/palettegen/paletteuse graph would hold every
 * frame until the end.
 */
class GifSink implements Sink {
  readonly format: FormatName = "gif";
  readonly target: string;
  readonly needs = "raw";
  private readonly options: SinkOptions;
  private readonly output: AtomicOutput;
  private readonly palette: AtomicOutput;
  private encoder: FfmpegProcess | null = null;
  private paletteRun: FfmpegProcess | null = null;
  private readonly scaleTo: string;
  private readonly gifFps: number;

  constructor(options: SinkOptions) {
    this.options = options;
    this.target = options.target;
    this.output = new AtomicOutput(options.target);
    this.palette = new AtomicOutput(`${options.target}.palette.png`);
    const gif = options.gif ?? gifGeometry(options.width, options.height, options.fps);
    this.scaleTo = `scale=${gif.width}:${gif.height}:flags=lanczos`;
    this.gifFps = gif.fps;
    if (options.handOver) {
      this.handOver = () => {
        if (!this.encoder) throw new Error("GifSink.prepare must run before handOver");
        return this.encoder.handOver();
      };
    }
  }

  async prepare(source: FrameSource): Promise<void> {
    const samples = Math.min(source.frames, 90);
    const indices = Array.from({ length: samples }, (_, k) =>
      samples === 1 ? 0 : Math.round((k * (source.frames - 1)) / (samples - 1)),
    );
    // Handed over, the sample is drawn by every scene process and written by them, like the frames.
    const feed = this.options.handOver ? source.feed : undefined;
    this.paletteRun = new FfmpegProcess({
      ...this.options,
      complexFilter: `[0:v]${this.scaleTo},palettegen=max_colors=256:stats_mode=full[out]`,
      outputOptions: ["-frames:v", "1", "-update", "1", "-c:v", "png"],
      format: "image2",
      output: this.palette.temporary,
      shownAs: `the palette of ${this.target}`,
      handedOver: feed !== undefined,
    });
    if (feed) {
      await feed(indices, await this.paletteRun.handOver());
    } else {
      // write() returns once the frame before has been taken in: that one can then be released.
      let held: Frame | null = null;
      for (const index of indices) {
        const frame = await source.draw(index);
        await this.paletteRun.write(rawOf(frame));
        held?.release?.();
        held = frame;
      }
    }
    await this.paletteRun.finish();
    this.paletteRun = null;
    this.encoder = new FfmpegProcess({
      ...this.options,
      extraInputs: [this.palette.temporary],
      complexFilter: `[0:v]fps=${this.gifFps},${this.scaleTo}[frames];[frames][1:v]paletteuse=dither=sierra2_4a:diff_mode=rectangle[out]`,
      outputOptions: ["-loop", "0"],
      format: "gif",
      output: this.output.temporary,
      shownAs: this.target,
      handedOver: this.options.handOver ?? false,
    });
  }

  handOver?: () => Promise<EncoderInput>;

  write(frame: Frame): Promise<void> {
    if (!this.encoder) throw new Error("GifSink.prepare must run before the first frame");
    return this.encoder.write(rawOf(frame));
  }

  async finish(): Promise<void> {
    if (!this.encoder) throw new Error("GifSink.prepare must run before finish");
    await this.encoder.finish();
    checkWritten(this.output.temporary, this.target);
    this.palette.discard();
  }

  commit(): void {
    this.output.commit();
  }

  async abort(): Promise<void> {
    await this.paletteRun?.stop();
    await this.encoder?.stop();
    this.output.discard();
    this.palette.discard();
  }
}

/** A folder of numbered PNG frames: <target>/frame-00000.png, ... */
class PngFolderSink implements Sink {
  readonly format: FormatName = "png";
  readonly target: string;
  readonly needs = "png";
  private readonly output: AtomicOutput;
  /** Frames being written: an abort waits for them, else one could land in the folder while it is removed. */
  private readonly writing = new Set<Promise<void>>();
  private aborted = false;

  constructor(options: SinkOptions) {
    this.target = options.target;
    this.output = new AtomicOutput(options.target, "folder");
    makeFolders(this.output.temporary);
  }

  async write(frame: Frame, index: number): Promise<void> {
    if (this.aborted) return;
    const name = `frame-${String(index).padStart(5, "0")}.png`;
    const written = writeFile(path.join(this.output.temporary, name), pngOf(frame));
    this.writing.add(written);
    try {
      await written;
    } catch (error) {
      throw naming(error as NodeJS.ErrnoException, path.join(this.target, name));
    } finally {
      this.writing.delete(written);
    }
  }

  async finish(): Promise<void> {}

  commit(): void {
    this.output.commit();
  }

  async abort(): Promise<void> {
    this.aborted = true;
    await Promise.allSettled([...this.writing]);
    this.output.discard();
  }
}

/** Writes one PNG file atomically. */
export async function writePng(target: string, png: Buffer): Promise<void> {
  writeFileAtomically(target, png);
}

function rawOf(frame: Frame): Buffer {
  if (!frame.raw) throw new Error("a video sink was given a frame without raw pixels");
  return frame.raw;
}

function pngOf(frame: Frame): Buffer {
  if (!frame.png) throw new Error("a PNG sink was given a frame without PNG bytes");
  return frame.png;
}

/** A file-system error about a temporary file, reported as being about the target. */
function naming(error: NodeJS.ErrnoException, target: string): NodeJS.ErrnoException {
  if (typeof error.code === "string") error.path = target;
  return error;
}

/** ffmpeg exited 0: the file must also be there and not empty before it replaces anything. */
function checkWritten(temporary: string, target: string): void {
  let size = 0;
  try {
    size = statSync(temporary).size;
  } catch {}
  if (size === 0) throw new EncoderError(`ffmpeg reported success but wrote nothing for ${target}`);
}
