import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomically } from "../files/index.ts";
import type { RenderResult } from "../render/render.ts";
import type { Cue } from "../video/index.ts";

/** A chapter of a scene: one of its named beats, and the caption that begins in it, if any. */
export interface Chapter {
  name: string;
  /** Seconds from the start of the clip. */
  start: number;
  end: number;
  caption?: string;
}

/**
 * What the course page says of a scene, kept beside its files as `<name>.json` (written last,
 * after the files it names): the page is rebuilt from these, and a scene whose next render fails
 * is still shown from its last good one. `npm run gallery` reads them too.
 */
export interface SceneRecord {
  netreelCourseScene: 1;
  /** The scene file, relative to the folder the command ran in. */
  scene: string;
  name: string;
  /** The title its figure shows; the scene's name when it has none. */
  title: string;
  subtitle?: string;
  width: number;
  height: number;
  fps: number;
  /** Seconds. */
  duration: number;
  frames: number;
  theme: "light" | "dark";
  /** File names inside the course folder. */
  files: { mp4: string; gif?: string; vtt?: string; poster?: string };
  /** The frame the poster shows and the key frame's name. */
  poster?: { index: number; moment: string };
  chapters: Chapter[];
  captions: Cue[];
  /** When it was rendered (ISO 8601) and how long that took, in seconds. */
  rendered: string;
  seconds: number;
}

/** The record of a render that wrote `result`'s files into `dir`. */
export function recordOf(
  scene: string,
  result: RenderResult,
  options: { theme: "light" | "dark"; rendered?: Date },
): SceneRecord {
  const file = (format: string) => {
    const target = result.outputs.find((o) => o.format === format)?.target;
    return target === undefined ? undefined : path.basename(target);
  };
  const mp4 = file("mp4");
  if (mp4 === undefined) throw new Error("netreel bug: a course scene was rendered without its MP4");
  const gif = file("gif");
  const vtt = result.subtitles[0];
  const duration = result.rendered / result.fps;
  const title = result.heading?.title ?? result.scene.name;
  const subtitle = result.heading?.subtitle;
  return {
    netreelCourseScene: 1,
    scene: path.relative(process.cwd(), path.resolve(scene)) || scene,
    name: result.scene.name,
    title,
    ...(subtitle !== undefined ? { subtitle } : {}),
    width: result.width,
    height: result.height,
    fps: result.fps,
    duration,
    frames: result.rendered,
    theme: options.theme,
    files: {
      mp4,
      ...(gif !== undefined ? { gif } : {}),
      ...(vtt !== undefined ? { vtt: path.basename(vtt) } : {}),
      ...(result.poster ? { poster: path.basename(result.poster.target) } : {}),
    },
    ...(result.poster ? { poster: { index: result.poster.index, moment: result.poster.moment } } : {}),
    chapters: chaptersOf(result.timeline?.beats ?? null, result.captions, { duration, fps: result.fps }),
    captions: result.captions,
    rendered: (options.rendered ?? new Date()).toISOString(),
    seconds: result.seconds,
  };
}

/**
 * The chapters of a clip: its beats, each with the caption on screen as it starts, else the
 * first that begins in it (what that stretch is about, in the scene's own words); a caption is
 * given to one chapter only, the first it shows in. A beat shorter than a frame cannot be shown
 * or sought to, and is left out.
 */
export function chaptersOf(
  beats: readonly { name: string; start: number; end: number }[] | null,
  captions: readonly Cue[],
  clip: { duration: number; fps: number },
): Chapter[] {
  if (!beats) return [];
  const chapters: Chapter[] = [];
  const given = new Set<Cue>();
  for (const beat of beats) {
    const start = Math.max(0, beat.start);
    const end = Math.min(clip.duration, beat.end);
    if (end - start < 1 / clip.fps) continue;
    const showing = captions.find((c) => c.from <= start + 1e-6 && c.to > start + 1e-6);
    const first = captions.find((c) => c.from >= start - 1e-6 && c.from < end - 1e-6);
    const caption = [showing, first].find((c) => c !== undefined && !given.has(c));
    if (caption) given.add(caption);
    chapters.push({ name: beat.name, start, end, ...(caption ? { caption: caption.text } : {}) });
  }
  return chapters;
}

/** Where a scene's record goes: beside its MP4, with .json. */
export function recordFile(dir: string, record: Pick<SceneRecord, "files">): string {
  return path.join(dir, record.files.mp4.replace(/\.mp4$/i, ".json"));
}

export function writeRecord(dir: string, record: SceneRecord): string {
  const file = recordFile(dir, record);
  writeFileAtomically(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** The records in a course folder (files that are not records are skipped). */
export function readRecords(dir: string): SceneRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const records: SceneRecord[] = [];
  for (const name of names.filter((n) => n.endsWith(".json") && !n.startsWith(".")).sort()) {
    try {
      const value = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Partial<SceneRecord>;
      if (value.netreelCourseScene === 1 && typeof value.scene === "string" && value.files?.mp4) {
        records.push(value as SceneRecord);
      }
    } catch {
      // not a record (a .json of the user's own): it names no scene to show
    }
  }
  return records;
}

/** The last record in `dir` of the scene file `scene`, if an earlier render left one. */
export function recordOfScene(dir: string, scene: string): SceneRecord | null {
  const wanted = path.resolve(scene);
  const found = readRecords(dir).filter((r) => path.resolve(r.scene) === wanted);
  return found.sort((a, b) => (a.rendered < b.rendered ? 1 : -1))[0] ?? null;
}
