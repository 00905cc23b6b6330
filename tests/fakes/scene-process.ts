/**
 * A fake scene process for the supervisor's tests: it speaks netreel's protocol (protocol.ts)
 * and behaves as FAKE_SCENE_PROCESS says, so a test can make the scene's side do what a real
 * scene cannot be made to do on cue.
 *
 * - `warm-fails`: a warm-up throws (the supervisor must settle the warm call with that error).
 * - `draw-late-first`: draw calls are answered newest first (two calls for the same frame
 *   must each get their own answer, whatever the order).
 * - `wrong-answer`: a load is answered as if it were a prepare (a protocol bug must fail the call).
 */
import net from "node:net";
import { encodeFrameHeader, type Request, type Response } from "../../src/render/protocol.ts";

const mode = process.env.FAKE_SCENE_PROCESS ?? "";
const frames = new net.Socket({ fd: 4, readable: false, writable: true });
const send = (message: Response) => process.send?.(message);
const waiting: { id: number; index: number }[] = [];

function frame(id: number, index: number): void {
  const png = Buffer.from(`frame ${index} for call ${id}`);
  frames.write(Buffer.concat([encodeFrameHeader({ id, rawLength: 0, pngLength: png.length }), png]));
}

process.on("message", (request: Request) => {
  switch (request.type) {
    case "warm":
      if (mode === "warm-fails") {
        send({ type: "error", id: request.id, error: { name: "Error", message: "cannot load node-canvas" } });
      } else send({ type: "answer", id: request.id, call: "warm", value: null });
      return;
    case "load":
      if (mode === "wrong-answer") {
        const value = { captions: null, snapshots: null, moments: null, timeline: null };
        send({ type: "answer", id: request.id, call: "prepare", value });
        return;
      }
      send({
        type: "answer",
        id: request.id,
        call: "load",
        value: { name: "fake", width: 16, height: 9, fps: 10, duration: 1, seed: 1, trains: false, captions: false },
      });
      return;
    case "draw":
      if (mode !== "draw-late-first") return frame(request.id, request.index);
      waiting.push({ id: request.id, index: request.index });
      if (waiting.length === 2) for (const w of waiting.reverse()) frame(w.id, w.index);
      return;
    case "exit":
      frames.end(() => process.exit(0));
      return;
    default:
      return;
  }
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
