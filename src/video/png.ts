import { PNG } from "pngjs";
import type { Frame } from "./sinks.ts";

/**
 * A drawn frame as PNG bytes: its own PNG when the scene's process made one, else its raw
 * pixels encoded here. Raw pixels are node-canvas's BGRA; pngjs (pure JavaScript) encodes
 * them, so the process that supervises a render still never loads node-canvas.
 */
export function pngOfFrame(frame: Frame, width: number, height: number): Buffer {
  if (frame.png) return Buffer.from(frame.png);
  const raw = frame.raw;
  if (!raw || raw.length !== width * height * 4) {
    throw new Error(`netreel bug: a frame of ${width}x${height} came with ${raw?.length ?? 0} bytes of pixels`);
  }
  const rgba = Buffer.allocUnsafe(raw.length);
  for (let i = 0; i < raw.length; i += 4) {
    rgba[i] = raw[i + 2] as number;
    rgba[i + 1] = raw[i + 1] as number;
    rgba[i + 2] = raw[i] as number;
    rgba[i + 3] = raw[i + 3] as number;
  }
  // RGB, as the video has it: no alpha to store, and a pixel a scene left transparent is black
  // here as it is in the MP4 (the raw bytes are premultiplied, so that is what they hold).
  return PNG.sync.write({ width, height, data: rgba } as PNG, { colorType: 2, inputColorType: 6 });
}
