import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createCanvas, ImageData } from "canvas";
import { makeFolders, writeFileAtomically } from "../files/index.ts";
import { MotionCheck, type MotionFinding, motionEvents } from "../render/motion.ts";
import type { RunStore } from "../render/run-store.ts";
import { SceneSession, SNAPSHOT_SIZE } from "../render/session.ts";
import type { Frame } from "../video/index.ts";
import { rgba } from "./sheet.ts";

/** One event the motion check found in a scene: its frames, and the strip image written of it. */
export interface MotionEvent {
  findings: MotionFinding[];
  strip: string;
  line: string;
}

/**
 * Draws every frame of a scene at SNAPSHOT_SIZE (its own fps and duration, light theme) and
 * runs the motion check; for each event writes a strip of the frames around it (the place
 * outlined) to `folder`/motion-<first frame>.png, and removes the strips of earlier runs.
 */
export async function checkSceneMotion(
  scene: string,
  options: {
    folder: string;
    signal: AbortSignal;
    /** The run cache on disk, when the command uses it. */
    store?: RunStore;
    onFrames?: (done: number, total: number) => void;
  },
): Promise<{ frames: number; fps: number; events: MotionEvent[] }> {
  const session = await SceneSession.open({
    scene,
    ...SNAPSHOT_SIZE,
    encodings: { raw: true, png: false },
    timeline: true,
    signal: options.signal,
    ...(options.store ? { store: options.store } : {}),
  });
  try {
    const { frames, fps } = session.context;
    const check = new MotionCheck();
    await session.each(0, frames - 1, (frame, index) => {
      check.push(pixelsOf(frame));
      options.onFrames?.(index + 1, frames);
    });
    const cuts = new Set<number>();
    for (const beat of session.prepared.timeline?.beats ?? []) {
      if (beat.cut) cuts.add(Math.round(beat.start * fps));
    }
    const grouped = motionEvents(check.findings({ cuts }));
    for (const name of existingStrips(options.folder)) rmSync(path.join(options.folder, name), { force: true });
    const events: MotionEvent[] = [];
    for (const findings of grouped) {
      const first = (findings[0] as MotionFinding).frame;
      const last = (findings.at(-1) as MotionFinding).frame;
      const strip = path.join(options.folder, `motion-${first}.png`);
      makeFolders(options.folder);
      writeFileAtomically(strip, await stripOf(session, findings, frames));
      events.push({ findings, strip, line: describe(findings, first, last, fps, strip) });
    }
    await session.close();
    return { frames, fps, events };
  } finally {
    await session.kill();
  }
}

function existingStrips(folder: string): string[] {
  try {
    return readdirSync(folder).filter((name) => /^motion-\d+\.png$/.test(name));
  } catch {
    return [];
  }
}

function pixelsOf(frame: Frame) {
  const { width, height } = SNAPSHOT_SIZE;
  return { width, height, data: frame.raw as Buffer };
}

/** "frames 168-172 (5.60-5.73 s): a flicker at x 212-380, y 96-240 (1840 px, 9x the change around it)". */
function describe(findings: MotionFinding[], first: number, last: number, fps: number, strip: string): string {
  const worst = worstOf(findings);
  const { x, y, width, height } = worst.box;
  const which =
    first === last
      ? `frame ${first - 1}→${first}`
      : `frames ${first - 1}→${last} (most at ${worst.frame - 1}→${worst.frame})`;
  const when = `${((first - 1) / fps).toFixed(2)}-${(last / fps).toFixed(2)} s`;
  const what = worst.kind === "jump" ? "a jump (changes at once)" : "a flicker (changes and comes back)";
  return `${which} (${when}): ${what} at x ${x}-${x + width - 1}, y ${y}-${y + height - 1} of ${SNAPSHOT_SIZE.width}x${SNAPSHOT_SIZE.height} (${worst.pixels} px, ${worst.ratio.toFixed(0)}x the change around it); see ${strip}`;
}

/** The event's largest change: the one its line and strip show. */
function worstOf(findings: MotionFinding[]): MotionFinding {
  return findings.reduce((a, b) => (b.pixels > a.pixels ? b : a));
}

/**
 * Six frames around the event's largest change (three before it, the changed frame, two
 * after), side by side at half size, each flagged place outlined.
 */
async function stripOf(session: SceneSession, findings: MotionFinding[], frames: number): Promise<Buffer> {
  const worst = worstOf(findings).frame;
  const first = Math.max(0, worst - 3);
  const last = Math.min(frames - 1, worst + 2);
  const { width, height } = SNAPSHOT_SIZE;
  const scale = 0.5;
  const w = width * scale;
  const h = height * scale;
  const label = 16;
  const canvas = createCanvas((last - first + 1) * (w + 4), h + label);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const scratch = createCanvas(width, height);
  for (let index = first; index <= last; index++) {
    const frame = await session.draw(index);
    scratch.getContext("2d").putImageData(new ImageData(rgba(frame.raw as Buffer), width, height), 0, 0);
    frame.release?.();
    const left = (index - first) * (w + 4);
    ctx.drawImage(scratch, left, label, w, h);
    const finding = findings.find((f) => f.frame === index);
    ctx.fillStyle = finding ? "#c0392b" : "#333333";
    ctx.font = "12px DejaVu Sans";
    ctx.fillText(`frame ${index}${finding ? ` (${finding.kind})` : ""}`, left + 4, 12);
    if (finding) {
      ctx.strokeStyle = "#e74c3c";
      ctx.lineWidth = 2;
      const { x, y, width: bw, height: bh } = finding.box;
      ctx.strokeRect(left + x * scale - 2, label + y * scale - 2, bw * scale + 4, bh * scale + 4);
    }
  }
  return canvas.toBuffer("image/png");
}
