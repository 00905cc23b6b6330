// A scene with no network (neither train nor run) whose captions are placed by named beats:
// for the render tests of subtitles and of scenes without a run. NETREEL_TEST_BEAT names a
// beat that does not exist, for the error a misspelt beat gives.
import { beats, captionAt, defineScene, themeNamed } from "../../src/index.ts";

export default defineScene({
  name: "no-network",
  duration: 4,
  fps: 10,
  width: 320,
  height: 180,
  prepare: ({ duration, run }) => {
    const clip = beats(duration, [{ name: "intro", seconds: 1 }, { name: "main" }, { name: "outro", seconds: 1 }]);
    const middle = process.env.NETREEL_TEST_BEAT ?? "main:middle";
    return {
      clip,
      hasRun: run !== undefined,
      captions: [
        { from: clip.time("intro"), to: clip.time(middle), text: "σ squashes z into (0, 1)" },
        { from: clip.time(middle), to: clip.time("outro:end"), text: "its slope peaks at ¼" },
      ],
    };
  },
  captions: ({ captions }) => captions,
  beats: ({ clip }) => clip,
  snapshots: ["intro", "main:middle", "outro:end", "1.5s", 3],
  draw: (ctx, frame, { captions, hasRun }) => {
    ctx.fillStyle = hasRun ? "#ff0000" : themeNamed(frame.theme).background;
    ctx.fillRect(0, 0, frame.width, frame.height);
    ctx.fillStyle = "#000000";
    ctx.font = "16px sans-serif";
    ctx.fillText(captionAt(captions, frame.time).text, 10, 90);
  },
});
