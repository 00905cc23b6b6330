import { statSync } from "node:fs";
import path from "node:path";
import { DARK, LIGHT, type Theme } from "../draw/theme.ts";
import { formatBytes } from "../train/memory.ts";
import { webVtt } from "../video/index.ts";
import type { Chapter, SceneRecord } from "./record.ts";

/** A scene as the course page shows it: rendered now, or failed (with its last good render, if one is kept). */
export type PageScene =
  | { kind: "rendered"; record: SceneRecord }
  | { kind: "failed"; scene: string; error: string; kept: SceneRecord | null };

export interface CoursePageOptions {
  title: string;
  theme: "light" | "dark";
  /** The course folder: the page links its files by name and says their sizes. */
  dir: string;
  scenes: PageScene[];
  /** When the page was written. */
  written: Date;
}

/**
 * The course page, `index.html`: every scene's video with its poster, subtitles and chapters,
 * and links to its files, in one file with its style and script inline.
 *
 * It works opened from disk (file://), with no server and no network: the videos, posters and
 * files are linked by their names beside it, and each subtitle track is a data: URL, because
 * Chromium refuses to load a `<track src="x.vtt">` from a file:// page (every file: URL is a
 * unique origin there, and a track needs the same origin). The tracks start "hidden" rather than
 * shown: the frames already carry the same words in their caption band, and drawn subtitles
 * would cover it; the player's captions button shows them.
 */
export function coursePage(options: CoursePageOptions): string {
  const theme = options.theme === "dark" ? DARK : LIGHT;
  const ids = new Ids();
  const sections = options.scenes.map((scene, i) => ({ scene, id: ids.for(anchorOf(scene)), number: i + 1 }));
  const failed = sections.filter((s) => s.scene.kind === "failed");
  const shown = options.scenes.map(recordShown).filter((r): r is SceneRecord => r !== null);
  const total = shown.reduce((sum, r) => sum + r.duration, 0);
  const summary = [
    `${count(options.scenes.length, "scene")}`,
    `${clock(total)} of video`,
    sizeLine(shown),
    `written ${when(options.written)}`,
  ].filter((s) => s !== "");
  const alert =
    failed.length === 0
      ? ""
      : `<p class="alert" role="alert">${failed.length === 1 ? "One scene" : `${failed.length} scenes`} failed to render: ${failed
          .map((s) => `<a href="#${s.id}">${esc(s.scene.kind === "failed" ? s.scene.scene : "")}</a>`)
          .join(
            ", ",
          )}. ${failed.length === 1 ? "Its error is" : "Their errors are"} shown with ${failed.length === 1 ? "it" : "them"} below.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="netreel render-all">
<title>${esc(options.title)}</title>
<style>
${style(theme)}
</style>
</head>
<body>
<header class="top">
<h1>${esc(options.title)}</h1>
<p class="meta">${summary.map(esc).join(" · ")}</p>
${alert}
<nav aria-label="Scenes"><ol class="toc">
${sections.map((s) => tocEntry(s.scene, s.id)).join("\n")}
</ol></nav>
</header>
<main>
${sections.map((s) => sceneSection(s.scene, s.id, s.number, options.dir)).join("\n")}
</main>
<footer>
<p>Written by <code>netreel render-all</code>. Click a chapter to play the video from there. The subtitles carry the words of each frame's caption band; turn them on with the player's captions button. Each video's files are linked beside it: the MP4, a small GIF for slides, the subtitles as WebVTT and the poster frame as a PNG.</p>
</footer>
<script>
${SCRIPT}
</script>
</body>
</html>
`;
}

/** The record whose files a scene's section shows: its new render, or the last good one of a failed scene. */
function recordShown(scene: PageScene): SceneRecord | null {
  return scene.kind === "rendered" ? scene.record : scene.kept;
}

function anchorOf(scene: PageScene): string {
  const record = recordShown(scene);
  const name = record?.name ?? path.basename(scene.kind === "failed" ? scene.scene : "", ".ts");
  return name.replace(/[^A-Za-z0-9_-]/g, "-") || "scene";
}

/** Unique element ids: a second scene with the same anchor gets -2. */
class Ids {
  private readonly used = new Set<string>();
  for(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

function tocEntry(scene: PageScene, id: string): string {
  const record = recordShown(scene);
  const title = record?.title ?? (scene.kind === "failed" ? scene.scene : "");
  const time = record ? clock(record.duration) : "";
  const mark = scene.kind === "failed" ? `<span class="toc-failed">failed</span>` : "";
  return `<li><a href="#${id}"><span class="toc-title">${esc(title)}</span>${mark}<span class="toc-time">${time}</span></a></li>`;
}

function sceneSection(scene: PageScene, id: string, number: number, dir: string): string {
  const record = recordShown(scene);
  const file = record?.scene ?? (scene.kind === "failed" ? scene.scene : "");
  const title = record?.title ?? file;
  // A scene known only by its file (it failed before saying its title) is not named twice.
  const kicker = [`Scene ${number}`, title === file ? "" : file, record ? clock(record.duration) : ""].filter(
    (s) => s !== "",
  );
  const failure =
    scene.kind === "failed"
      ? `<div class="error" role="alert"><p><strong>This scene failed to render.</strong> ${esc(scene.error)}</p>${
          scene.kept
            ? `<p>Shown below: its last good render, from ${esc(when(new Date(scene.kept.rendered)))}; its files were left as they were.</p>`
            : "<p>No earlier render of it is in this folder.</p>"
        }</div>`
      : "";
  const body = record ? sceneBody(record, id, dir) : "";
  return `<section class="scene${scene.kind === "failed" ? " failed" : ""}" id="${id}" aria-labelledby="${id}-title">
<p class="kicker">${kicker.map(esc).join(" · ")}</p>
<h2 id="${id}-title">${esc(title)}</h2>
${record?.subtitle ? `<p class="subtitle">${esc(record.subtitle)}</p>` : ""}
${failure}
${body}
</section>`;
}

function sceneBody(record: SceneRecord, id: string, dir: string): string {
  const { files } = record;
  const poster = files.poster ? ` poster="${href(files.poster)}"` : "";
  const track =
    record.captions.length > 0
      ? `\n<track kind="subtitles" srclang="en" label="English" src="${esc(vttDataUrl(record))}">`
      : "";
  const video = `<video id="${id}-video" controls preload="none" playsinline width="${record.width}" height="${record.height}"${poster} src="${href(files.mp4)}">${track}
<p>Your browser does not play this video: <a href="${href(files.mp4)}">download the MP4</a>.</p>
</video>`;
  const chapters =
    record.chapters.length === 0
      ? `<p class="none">This scene names no beats, so it has no chapters.</p>`
      : `<ol class="chapters" data-video="${id}-video">
${record.chapters.map((c) => chapterItem(c, `${id}-video`)).join("\n")}
</ol>`;
  return `<div class="scene-body">
<div class="player">
${video}
</div>
<aside class="side">
<h3>Chapters</h3>
${chapters}
<h3>Files</h3>
<ul class="files">
${fileItems(record, dir).join("\n")}
</ul>
</aside>
</div>`;
}

function chapterItem(chapter: Chapter, video: string): string {
  const caption = chapter.caption ? `<span class="chapter-caption">${esc(chapter.caption)}</span>` : "";
  return `<li data-start="${chapter.start}" data-end="${chapter.end}"><button type="button" data-video="${video}" data-time="${chapter.start}"><span class="chapter-time">${clock(chapter.start, true)}</span><span class="chapter-name">${esc(chapter.name)}</span>${caption}</button></li>`;
}

function fileItems(record: SceneRecord, dir: string): string[] {
  const { files } = record;
  const items: [string | undefined, string][] = [
    [files.mp4, `MP4 video, ${record.width}×${record.height}`],
    [files.gif, "GIF, for slides"],
    [files.vtt, "Subtitles, WebVTT"],
    [files.poster, "Poster frame, PNG"],
  ];
  return items.flatMap(([name, what]) => {
    if (name === undefined) return [];
    const size = sizeOf(path.join(dir, name));
    if (size === null) return [`<li><span class="missing">${esc(what)}: ${esc(name)} is missing</span></li>`];
    return [`<li><a href="${href(name)}">${esc(what)}</a><span class="size">${esc(formatBytes(size))}</span></li>`];
  });
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

/** The subtitles as a data: URL, the one way a file:// page gets Chromium to load a track. */
function vttDataUrl(record: SceneRecord): string {
  return `data:text/vtt;charset=utf-8,${encodeURIComponent(webVtt(record.captions))}`;
}

/** "640×360 at 15 fps" when every scene shown shares it, else nothing. */
function sizeLine(records: SceneRecord[]): string {
  const kinds = new Set(records.map((r) => `${r.width}×${r.height} at ${r.fps} fps`));
  return kinds.size === 1 ? ([...kinds][0] as string) : "";
}

/** A file name as a relative URL. */
function href(name: string): string {
  return esc(encodeURIComponent(name));
}

/** Text for HTML (element content and double-quoted attributes). */
export function esc(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** 75 -> "1:15"; with tenths, 3.5 -> "0:03.5" (beats fall between seconds). */
function clock(seconds: number, tenths = false): string {
  const whole = tenths ? Math.floor(seconds + 1e-6) : Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = String(whole % 60).padStart(2, "0");
  const tenth = Math.floor((seconds - whole) * 10 + 1e-6);
  return tenths && tenth > 0 ? `${m}:${s}.${tenth}` : `${m}:${s}`;
}

/** "2025-12-04 07:12", in the machine's time zone. */
function when(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The page's style, in the frames' own colours (the theme asked for) and type. */
function style(theme: Theme): string {
  const link = theme.classes[0] as string;
  const bad = theme.classes[1] as string;
  return `:root {
  color-scheme: ${theme === DARK ? "dark" : "light"};
  --bg: ${theme.background}; --ink: ${theme.ink}; --muted: ${theme.muted}; --pane: ${theme.pane};
  --grid: ${theme.grid}; --edge: ${theme.edge}; --accent: ${theme.accent}; --link: ${link}; --bad: ${bad};
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--ink); }
body {
  margin: 0 auto; max-width: 76rem; padding: 2.5rem clamp(1rem, 4vw, 3rem) 3rem;
  font: 16px/1.5 "DejaVu Sans", "Segoe UI", system-ui, -apple-system, sans-serif;
}
a { color: var(--link); text-underline-offset: 0.15em; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 0.4rem; }
h2 { font-size: 1.45rem; line-height: 1.25; margin: 0.1rem 0 0.3rem; }
h3 { font-size: 0.8rem; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted); margin: 0 0 0.5rem; }
h3 ~ h3 { margin-top: 1.4rem; }
.meta, .kicker, .subtitle, .none, footer { color: var(--muted); }
.meta { margin: 0 0 1.2rem; font-variant-numeric: tabular-nums; }
.alert, .error { border-left: 4px solid var(--bad); background: var(--pane); padding: 0.6rem 0.9rem; margin: 0 0 1rem; }
.error p { margin: 0.2rem 0; }
.error strong { color: var(--bad); }
.toc { list-style: none; margin: 0; padding: 0; columns: 2 22rem; column-gap: 2.5rem; counter-reset: toc; }
.toc li { break-inside: avoid; counter-increment: toc; }
.toc a { display: flex; gap: 0.6rem; padding: 0.3rem 0; border-bottom: 1px solid var(--grid); color: var(--ink); text-decoration: none; }
.toc a::before { content: counter(toc); color: var(--muted); min-width: 1.4rem; font-variant-numeric: tabular-nums; }
.toc a:hover .toc-title { text-decoration: underline; }
.toc-title { flex: 1; }
.toc-time { color: var(--muted); font-variant-numeric: tabular-nums; }
.toc-failed { color: var(--bad); font-size: 0.85rem; }
.scene { padding-top: 2.2rem; margin-top: 2.2rem; border-top: 1px solid var(--grid); }
.kicker { margin: 0; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
.subtitle { margin: 0 0 1rem; }
.scene-body { display: grid; grid-template-columns: minmax(0, 2.1fr) minmax(16rem, 1fr); gap: 1.75rem; align-items: start; }
@media (max-width: 58rem) { .scene-body { grid-template-columns: minmax(0, 1fr); } }
.player video { display: block; width: 100%; height: auto; background: var(--pane); border: 1px solid var(--grid); border-radius: 6px; }
.chapters { list-style: none; margin: 0; padding: 0; }
.chapters button {
  display: grid; grid-template-columns: 3.6rem 1fr; column-gap: 0.5rem; width: 100%; text-align: left;
  font: inherit; color: inherit; background: none; border: 0; border-left: 3px solid transparent;
  padding: 0.3rem 0.5rem; cursor: pointer; border-radius: 0 4px 4px 0;
}
.chapters button:hover, .chapters button:focus-visible { background: var(--pane); }
.chapters li[aria-current="true"] button { border-left-color: var(--accent); background: var(--pane); }
.chapter-time { color: var(--muted); font-variant-numeric: tabular-nums; }
.chapter-name { font-weight: bold; }
.chapter-caption { grid-column: 2; color: var(--muted); font-size: 0.875rem; line-height: 1.35; }
.files { list-style: none; margin: 0; padding: 0; }
.files li { display: flex; justify-content: space-between; gap: 1rem; padding: 0.2rem 0; }
.size { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.missing { color: var(--bad); }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--grid); font-size: 0.875rem; }
code { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 0.9em; }`;
}

/**
 * The page's behaviour: each subtitle track loaded (hidden until the viewer turns it on), one
 * video playing at a time, chapters that seek, and the chapter playing marked.
 */
const SCRIPT = `"use strict";
const videos = [...document.querySelectorAll("video")];
for (const video of videos) {
  // A track that is neither default nor hidden is never loaded: hidden loads its cues without drawing them.
  for (const track of video.textTracks) if (track.mode === "disabled") track.mode = "hidden";
  video.addEventListener("play", () => {
    for (const other of videos) if (other !== video && !other.paused) other.pause();
  });
  const list = document.querySelector('.chapters[data-video="' + video.id + '"]');
  if (!list) continue;
  const items = [...list.children];
  const mark = () => {
    const t = video.currentTime;
    for (const item of items) {
      // The last chapter runs to the end: a video that ended still shows where it is.
      const last = item === items[items.length - 1];
      const on = t >= Number(item.dataset.start) - 1e-3 && (last || t < Number(item.dataset.end) - 1e-3);
      if (on) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    }
  };
  video.addEventListener("timeupdate", mark);
  video.addEventListener("seeked", mark);
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-time]");
  if (!button) return;
  const video = document.getElementById(button.dataset.video);
  video.currentTime = Number(button.dataset.time);
  video.play().catch(() => {});
});`;
