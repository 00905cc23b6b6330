// A scene for the motion check's tests: a dot circles steadily, a thin line turns and a label
// fades in, all calm; NETREEL_TEST_MOTION adds a defect ("pop": a label appears at once at
// frame 30; "flicker": a block shifts 24 px for frame 40 alone) or a whole new picture at the
// start of beat "second" ("cut": marked as a cut; "uncut": the same change, not marked).
import { beats, defineScene } from "../../src/index.ts";

const CASE = process.env.NETREEL_TEST_MOTION ?? "calm";

export default defineScene({
  name: "motion",
  duration: 6,
  fps: 10,
  width: 320,
  height: 180,
  prepare: ({ duration }) => ({
    clip: beats(duration, [{ name: "first" }, { name: "second", cut: CASE === "cut" }]),
  }),
  beats: ({ clip }) => clip,
  draw: (ctx, frame, { clip }) => {
    const { width, height, index, time } = frame;
    const second = (CASE === "cut" || CASE === "uncut") && time >= clip.time("second");
    ctx.fillStyle = second ? "#20304a" : "#ffffff";
    ctx.fillRect(0, 0, width, height);
    const angle = (2 * Math.PI * time) / 6;
    ctx.fillStyle = "#1f77b4";
    ctx.beginPath();
    ctx.arc(80 + 40 * Math.cos(angle), 90 + 40 * Math.sin(angle), 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.strokeStyle = "#444444";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(240, 90);
    ctx.lineTo(240 + 60 * Math.cos(angle / 2), 90 + 60 * Math.sin(angle / 2));
    ctx.stroke();
    ctx.fillStyle = "#000000";
    ctx.font = "14px sans-serif";
    ctx.globalAlpha = Math.min(1, Math.max(0, (time - 1) / 1));
    ctx.fillText("a label that fades in", 110, 30);
    ctx.globalAlpha = 1;
    if (CASE === "pop" && index >= 30) ctx.fillText("0.75", 140, 160);
    ctx.fillStyle = "#d62728";
    ctx.fillRect(CASE === "flicker" && index === 40 ? 164 : 140, 60, 20, 40);
  },
});
