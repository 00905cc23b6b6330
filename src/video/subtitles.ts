/** A caption with its times in seconds. */
export interface Cue {
  from: number;
  to: number;
  text: string;
}

/**
 * The cues as a part of a clip sees them: times shifted by `offset` seconds (a part from frame
 * A starts at A/fps), cues outside [0, length) left out and clipped at its end, text trimmed,
 * empty captions skipped.
 */
export function clipCues(cues: readonly Cue[], options: { offset?: number; length?: number } = {}): Cue[] {
  const offset = options.offset ?? 0;
  const length = options.length ?? Number.POSITIVE_INFINITY;
  const kept: Cue[] = [];
  for (const cue of cues) {
    const from = Math.max(0, cue.from - offset);
    const to = Math.min(length, cue.to - offset);
    const text = cue.text.trim();
    if (to > from && text !== "") kept.push({ from, to, text });
  }
  return kept;
}

/** WebVTT subtitles for cues, as a part of a clip sees them (`clipCues`). */
export function webVtt(cues: readonly Cue[], options: { offset?: number; length?: number } = {}): string {
  const lines = ["WEBVTT", ""];
  let n = 0;
  for (const { from, to, text } of clipCues(cues, options)) {
    n++;
    // A cue's text may not hold a blank line or "-->"; WebVTT escapes & and <.
    const safe = text
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll("-->", "→")
      .replace(/\n\s*\n/g, "\n");
    lines.push(String(n), `${timestamp(from)} --> ${timestamp(to)}`, safe, "");
  }
  return lines.join("\n");
}

/** 75.25 -> "00:01:15.250". */
function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (v: number, w = 2) => String(v).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}
