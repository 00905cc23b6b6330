/**
 * The motion check: finds frames whose change from the previous frame stands out from the
 * change around them, in any small part of the frame. A whole-frame average hides a label that
 * jumps, so the frame is cut into cells and each cell is judged on its own:
 *
 * - a **jump**: a cell changes in one frame many times more than it changes in the frames
 *   around it (something appears, vanishes or moves at once: a title popping off, tick labels
 *   swapping box edges, a highlight cut instead of faded);
 * - a **flicker**: frame t differs from both its neighbours while they hardly differ from each
 *   other (something moves or bulges for a frame and comes back: a noisy region, a twitch).
 *
 * A cell's change is the sum over its pixels of the largest channel difference, in units of one
 * pixel changing fully (255): it grows smoothly with speed, so a thin line sliding across pixel
 * boundaries does not flicker in the measure the way a count of changed pixels does. A frame is
 * reported when its flagged cells together changed at least `minChange` such pixels: the size
 * of a short label appearing at 640x360 (a status number ticking over changes less). A beat the
 * scene marks as a cut (`{ name, cut: true }`) makes the change into its first frame intended.
 */

/** One frame's pixels, 4 bytes a pixel (any channel order). */
export interface MotionFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface MotionFinding {
  /** The frame that changes (from frame - 1). */
  frame: number;
  kind: "jump" | "flicker";
  /** Where, in the checked frame's pixels: the box around the pixels that changed in the flagged cells. */
  box: { x: number; y: number; width: number; height: number };
  /** How much changed in the flagged cells (in fully changed pixels), and how many times the usual change that is. */
  pixels: number;
  ratio: number;
}

/** Tuning, in pixels of a 640x360 frame; see the module's comment. */
export const MOTION = {
  cell: 16,
  /** A block of 4x4 pixels is part of the change's box when its mean moves by more than this (of 255). */
  boxStep: 16,
  /** A cell's change counts only from this much change (fully changed pixels). */
  minCell: 6,
  /** A frame is reported when its flagged cells changed at least this much together. */
  minChange: 60,
  /** Frames each side whose change is the cell's usual change. */
  around: 4,
  /** A jump: this many times the usual change (with the usual change at least `floor` pixels). */
  ratio: 4,
  floor: 2,
  /** A jump also changes its cell this many times the usual change of the cell's neighbourhood. */
  passing: 2,
  /** The neighbourhood: cells this far each way (1: a 3x3 block of 48x48 pixels). */
  reach: 1,
  /** Jumps are judged only with at least this many frames of change on each side of t. */
  edge: 2,
  /** More frames than this that jump in a row (one quiet frame between two allowed) are steady fast motion, not pops. */
  longestJump: 3,
  /** A flicker: both changes at least this many times the change from t - 1 to t + 1. */
  back: 4,
} as const;

/**
 * A frame smoothed and sampled every BLOCK pixels (3 channels): a line that slides by a pixel
 * changes a block a little, a label that jumps changes it fully, so jumps stand out from motion.
 */
interface Shrunk {
  width: number;
  height: number;
  data: Float32Array;
}

const BLOCK = 8;

/** The tent filter's weights, BLOCK pixels each way, and their sum (added in the same order as in `shrink`). */
const TAPS = Float64Array.from({ length: 2 * BLOCK - 1 }, (_, k) => (BLOCK - Math.abs(k - BLOCK + 1)) / BLOCK);
const TAPS_TOTAL = TAPS.reduce((sum, w) => sum + w, 0);

/**
 * The taps of sample `index` along a line of `length` pixels: the pixel under the first tap,
 * the range of taps that fall inside the line, and their weights' sum (the whole filter's
 * inside, added tap by tap in order at the edges).
 */
function tapsAt(index: number, length: number): { first: number; from: number; to: number; total: number } {
  const first = index * BLOCK + BLOCK / 2 - BLOCK + 1;
  const from = Math.max(0, -first);
  const to = Math.min(TAPS.length, length - first);
  let total = TAPS_TOTAL;
  if (from > 0 || to < TAPS.length) {
    total = 0;
    for (let k = from; k < to; k++) total += TAPS[k] as number;
  }
  return { first, from, to, total };
}

function shrink(frame: MotionFrame): Shrunk {
  const width = Math.ceil(frame.width / BLOCK);
  const height = Math.ceil(frame.height / BLOCK);
  const src = frame.data;
  // A tent filter BLOCK pixels each way, sampled every BLOCK pixels: a line that slides changes
  // the samples in proportion to how far it moved, never in steps as it crosses a block's edge.
  // The taps that fall outside the frame are left out (and their weight with them).
  const rows = new Float32Array(frame.height * width * 3);
  for (let i = 0; i < width; i++) {
    const { first, from, to, total } = tapsAt(i, frame.width);
    for (let y = 0; y < frame.height; y++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let p = (y * frame.width + first + from) * 4;
      for (let k = from; k < to; k++, p += 4) {
        const w = TAPS[k] as number;
        r += w * (src[p] as number);
        g += w * (src[p + 1] as number);
        b += w * (src[p + 2] as number);
      }
      const o = (y * width + i) * 3;
      rows[o] = r / total;
      rows[o + 1] = g / total;
      rows[o + 2] = b / total;
    }
  }
  const data = new Float32Array(width * height * 3);
  for (let j = 0; j < height; j++) {
    const { first, from, to, total } = tapsAt(j, frame.height);
    for (let i = 0; i < width; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let p = ((first + from) * width + i) * 3;
      for (let k = from; k < to; k++, p += width * 3) {
        const w = TAPS[k] as number;
        r += w * (rows[p] as number);
        g += w * (rows[p + 1] as number);
        b += w * (rows[p + 2] as number);
      }
      const o = (j * width + i) * 3;
      data[o] = r / total;
      data[o + 1] = g / total;
      data[o + 2] = b / total;
    }
  }
  return { width, height, data };
}

/** A frame at half size in grey (the largest channel), for matching a cell's content across frames. */
interface Half {
  width: number;
  height: number;
  data: Float32Array;
}

/** The largest of a pixel's three colour channels. */
function grey(src: Uint8Array, p: number): number {
  return Math.max(src[p] as number, src[p + 1] as number, src[p + 2] as number);
}

function half(frame: MotionFrame): Half {
  const width = Math.ceil(frame.width / 2);
  const height = Math.ceil(frame.height / 2);
  const data = new Float32Array(width * height);
  const src = frame.data;
  const stride = frame.width * 4;
  for (let y = 0; y < height; y++) {
    const lower = 2 * y + 1 < frame.height;
    for (let x = 0; x < width; x++) {
      const right = 2 * x + 1 < frame.width;
      const p = 2 * y * stride + 2 * x * 4;
      // The 2x2 block's pixels that are in the frame, in the same order as the frame's rows.
      let sum = grey(src, p);
      let n = 1;
      if (right) {
        sum += grey(src, p + 4);
        n++;
      }
      if (lower) {
        sum += grey(src, p + stride);
        n++;
        if (right) {
          sum += grey(src, p + stride + 4);
          n++;
        }
      }
      data[y * width + x] = sum / n;
    }
  }
  return { width, height, data };
}

/** Half-size pixels a cell's content is looked for around its place (10 px at 640x360). */
const SEARCH = 5;

/**
 * How much of a cell's change from `a` to `b` no small shift explains: the least difference,
 * over shifts of up to SEARCH half-size pixels, between the cell in one frame and the shifted
 * cell in the other, both ways round (the larger of the two, so content that vanishes, or
 * arrives, from nowhere near is not explained by the background it leaves). As a share of the
 * cell's plain difference: near 0 for a line or dot that slid, near 1 for a pop.
 */
function unexplained(a: Half, b: Half, x0: number, y0: number, size: number): number {
  let plain = 0;
  for (let y = y0; y < Math.min(a.height, y0 + size); y++)
    for (let x = x0; x < Math.min(a.width, x0 + size); x++)
      plain += Math.abs((a.data[y * a.width + x] as number) - (b.data[y * a.width + x] as number));
  if (plain === 0) return 0;
  const best = (from: Half, to: Half) => {
    let least = plain;
    for (let sy = -SEARCH; sy <= SEARCH; sy++) {
      for (let sx = -SEARCH; sx <= SEARCH; sx++) {
        if (sx === 0 && sy === 0) continue;
        let sum = 0;
        for (let y = y0; y < Math.min(to.height, y0 + size) && sum < least; y++) {
          const fy = Math.min(from.height - 1, Math.max(0, y + sy));
          for (let x = x0; x < Math.min(to.width, x0 + size); x++) {
            const fx = Math.min(from.width - 1, Math.max(0, x + sx));
            sum += Math.abs((to.data[y * to.width + x] as number) - (from.data[fy * from.width + fx] as number));
          }
        }
        if (sum < least) least = sum;
      }
    }
    return least;
  };
  return Math.max(best(a, b), best(b, a)) / plain;
}

interface CellChange {
  /** Per cell: the change, in fully changed pixels. */
  count: Float64Array;
  /** Per cell: the share of that change no small shift explains (`unexplained`; 1 where not worked out). */
  unexplained?: Float32Array;
  /** Per cell: min x, min y, max x, max y of the changed pixels. */
  box: Int32Array;
}

/**
 * Collects the frames of a clip in order (`push`), keeping only per-cell change counts (two
 * frames of pixels at a time), and judges them at the end (`findings`).
 */
export class MotionCheck {
  private previous: Shrunk | null = null;
  private previousHalf: Half | null = null;
  private beforePrevious: Shrunk | null = null;
  /** changes[t]: frame t against t - 1 (changes[0] is empty). */
  private readonly changes: CellChange[] = [];
  /** skips[t]: frame t + 1 against t - 1. */
  private readonly skips: Float64Array[] = [];
  private columns = 0;
  private rows = 0;
  private width = 0;
  private height = 0;

  push(frame: MotionFrame): void {
    const small = shrink(frame);
    const halved = half(frame);
    if (!this.previous) {
      this.width = frame.width;
      this.height = frame.height;
      this.columns = Math.ceil(frame.width / MOTION.cell);
      this.rows = Math.ceil(frame.height / MOTION.cell);
      this.changes.push({ count: new Float64Array(this.cells), box: new Int32Array(this.cells * 4) });
    } else {
      const change = this.compare(this.previous, small, true);
      change.unexplained = this.explain(change.count, this.previousHalf as Half, halved);
      this.changes.push(change);
      if (this.beforePrevious)
        this.skips[this.changes.length - 2] = this.compare(this.beforePrevious, small, false).count;
    }
    this.beforePrevious = this.previous;
    this.previous = small;
    this.previousHalf = halved;
  }

  /** `unexplained` for each cell that changed enough to be judged (1 elsewhere). */
  private explain(count: Float64Array, a: Half, b: Half): Float32Array {
    const shares = new Float32Array(this.cells).fill(1);
    const size = MOTION.cell / 2;
    for (let c = 0; c < this.cells; c++) {
      if ((count[c] as number) < MOTION.minCell) continue;
      shares[c] = unexplained(a, b, (c % this.columns) * size, Math.floor(c / this.columns) * size, size);
    }
    return shares;
  }

  private get cells(): number {
    return this.columns * this.rows;
  }

  /** Per cell, the change from `a` to `b` (shrunk frames), in fully changed pixels of the frame. */
  private compare(a: Shrunk, b: Shrunk, boxes: boolean): CellChange {
    const { columns } = this;
    const { width, height } = a;
    const blocksPerCell = MOTION.cell / BLOCK;
    const count = new Float64Array(this.cells);
    const box = new Int32Array(boxes ? this.cells * 4 : 0);
    if (boxes) for (let c = 0; c < this.cells; c++) box.set([this.width, this.height, -1, -1], c * 4);
    const da = a.data;
    const db = b.data;
    const weight = (BLOCK * BLOCK) / 255;
    for (let y = 0; y < height; y++) {
      const rowCell = Math.floor(y / blocksPerCell) * columns;
      let i = y * width * 3;
      for (let x = 0; x < width; x++, i += 3) {
        const d = Math.max(
          Math.abs((da[i] as number) - (db[i] as number)),
          Math.abs((da[i + 1] as number) - (db[i + 1] as number)),
          Math.abs((da[i + 2] as number) - (db[i + 2] as number)),
        );
        if (d === 0) continue;
        const c = rowCell + Math.floor(x / blocksPerCell);
        count[c] = (count[c] as number) + d * weight;
        if (boxes && d > MOTION.boxStep) {
          const k = c * 4;
          box[k] = Math.min(box[k] as number, x * BLOCK);
          box[k + 1] = Math.min(box[k + 1] as number, y * BLOCK);
          box[k + 2] = Math.max(box[k + 2] as number, x * BLOCK + BLOCK - 1);
          box[k + 3] = Math.max(box[k + 3] as number, y * BLOCK + BLOCK - 1);
        }
      }
    }
    return { count, box };
  }

  /**
   * The frames that stand out, one finding per frame (its flagged cells together), in order.
   * A run of more than MOTION.longestJump frames in a row that each "jump" is steady fast motion
   * (a line turning, a dot sliding across cells), not a pop: only its flickers are reported.
   */
  findings(options: { cuts?: ReadonlySet<number> } = {}): MotionFinding[] {
    const n = this.changes.length;
    const jumps: (MotionFinding | null)[] = [];
    const flickers: (MotionFinding | null)[] = [];
    for (let t = 1; t < n; t++) {
      const jump: Flagged[] = [];
      const flicker: Flagged[] = [];
      for (let c = 0; c < this.cells; c++) {
        const a = this.count(t, c);
        if (a < MOTION.minCell) continue;
        const usual = Math.max(MOTION.floor, median(this.around(t, c)));
        const judged = t - 1 >= MOTION.edge && n - 1 - t >= MOTION.edge;
        const passing = median(this.nearby(t, c));
        // What moved a little is motion, however much it changed the cell: only the change no
        // small shift explains can jump.
        const moved = a * Math.min(1, (this.changes[t]?.unexplained?.[c] as number | undefined) ?? 1);
        if (judged && moved >= MOTION.ratio * usual && moved >= MOTION.passing * passing) {
          jump.push({ cell: c, ratio: a / usual });
        }
        const skip = Math.max(this.skipNearby(t, c), 1);
        const b = this.count(t + 1, c);
        if (Math.min(a, b) >= MOTION.back * skip) flicker.push({ cell: c, ratio: Math.min(a, b) / skip });
      }
      const skipped = options.cuts?.has(t) ?? false;
      jumps[t] = skipped ? null : this.finding(t, "jump", jump);
      flickers[t] = skipped ? null : this.finding(t, "flicker", flicker);
    }
    const found: MotionFinding[] = [];
    // Runs of jumps of any size, allowing one quiet frame between two: a run of more than
    // `longestJump` frames is steady fast motion (of which only some frames may be large).
    const steady = new Set<number>();
    for (let t = 1; t < n; ) {
      if (!jumps[t]) {
        t++;
        continue;
      }
      const run = [t];
      let next = t + 1;
      while (next < n && (jumps[next] || (next + 1 < n && jumps[next + 1]))) {
        if (jumps[next]) run.push(next);
        next++;
      }
      if (run.length > MOTION.longestJump) for (const k of run) steady.add(k);
      t = next;
    }
    for (let t = 1; t < n; t++) {
      // A change that comes back is a flicker, and its return is part of it, not a second jump.
      const returning = flickers[t - 1] && !flickers[t];
      const finding = flickers[t] ?? (!steady.has(t) && !returning ? jumps[t] : null);
      if (finding && finding.pixels >= MOTION.minChange) found.push(finding);
    }
    return found;
  }

  /** One frame's finding from its flagged cells, when they changed enough together. */
  private finding(t: number, kind: MotionFinding["kind"], flagged: Flagged[]): MotionFinding | null {
    const change = this.changes[t] as CellChange;
    let [x0, y0, x1, y1] = [this.width, this.height, -1, -1];
    let pixels = 0;
    for (const { cell } of flagged) {
      pixels += change.count[cell] as number;
      if ((change.box[cell * 4 + 2] as number) < 0) continue;
      x0 = Math.min(x0, change.box[cell * 4] as number);
      y0 = Math.min(y0, change.box[cell * 4 + 1] as number);
      x1 = Math.max(x1, change.box[cell * 4 + 2] as number);
      y1 = Math.max(y1, change.box[cell * 4 + 3] as number);
    }
    if (flagged.length === 0 || x1 < 0) return null;
    const ratio = Math.max(...flagged.map((f) => f.ratio));
    const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
    return { frame: t, kind, box, pixels: Math.round(pixels), ratio };
  }

  private count(t: number, c: number): number {
    return (this.changes[t]?.count[c] as number | undefined) ?? 0;
  }

  /**
   * Like `around`, but each frame's value is the most any cell within `reach` of it
   * changed: something moving across cells (a dot, a thin line sliding) keeps changing this
   * neighbourhood, so its arrival in one cell is passing motion, not a jump.
   */
  private nearby(t: number, c: number): number[] {
    const cx = c % this.columns;
    const cy = Math.floor(c / this.columns);
    return this.window(t).map((k) => {
      let most = 0;
      const r = MOTION.reach;
      for (let y = Math.max(0, cy - r); y <= Math.min(this.rows - 1, cy + r); y++) {
        for (let x = Math.max(0, cx - r); x <= Math.min(this.columns - 1, cx + r); x++) {
          most = Math.max(most, this.count(k, y * this.columns + x));
        }
      }
      return most;
    });
  }

  /**
   * The most any cell within `reach` of cell c changed from frame t − 1 to t + 1. Something
   * that crosses a whole cell within two frames (a thin line sliding fast) leaves that cell the
   * same in t − 1 and t + 1, as a flicker would, but not its neighbourhood: it was in one
   * neighbour before and is in another after. A flicker comes back everywhere around it.
   */
  private skipNearby(t: number, c: number): number {
    const skips = this.skips[t];
    if (!skips) return Number.POSITIVE_INFINITY;
    const cx = c % this.columns;
    const cy = Math.floor(c / this.columns);
    const r = MOTION.reach;
    let most = 0;
    for (let y = Math.max(0, cy - r); y <= Math.min(this.rows - 1, cy + r); y++) {
      for (let x = Math.max(0, cx - r); x <= Math.min(this.columns - 1, cx + r); x++) {
        most = Math.max(most, skips[y * this.columns + x] as number);
      }
    }
    return most;
  }

  /** The frames whose change is compared with frame t's: MOTION.around each side, not t itself nor t + 1 (a flicker's return). */
  private window(t: number): number[] {
    const frames: number[] = [];
    for (let k = t - MOTION.around; k <= t + MOTION.around + 1; k++) {
      if (k >= 1 && k < this.changes.length && k !== t && k !== t + 1) frames.push(k);
    }
    return frames;
  }

  /** The cell's change in the frames around t (`window`). */
  private around(t: number, c: number): number[] {
    return this.window(t).map((k) => this.count(k, c));
  }
}

interface Flagged {
  cell: number;
  ratio: number;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Findings in consecutive frames (at most `gap` apart) as one event: "frames 168-172". */
export function motionEvents(findings: MotionFinding[], gap = 2): MotionFinding[][] {
  const events: MotionFinding[][] = [];
  for (const finding of findings) {
    const last = events.at(-1);
    const previous = last?.at(-1);
    if (last && previous && finding.frame - previous.frame <= gap) last.push(finding);
    else events.push([finding]);
  }
  return events;
}
