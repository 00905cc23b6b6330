/**
 * The protocol between the supervisor (`SceneDrawer`, drawer.ts) and the process that runs a
 * scene's code (worker.ts).
 *
 * - A **call** is a request that gets exactly one answer. Each carries a numeric `id`, and its
 *   answer (or its error) carries the same id: two calls for the same frame are two ids and
 *   get two answers. `Answers` says which value each kind of call is answered with.
 * - A **note** is a request that gets no answer (`hold-run`, `exit`).
 * - A run crosses as a `PackedRun` (`packRun`, `unpackRun`): its matrices as Float64Arrays.
 * - Control messages go over Node's IPC channel. A drawn frame goes back on its own pipe
 *   (fd 4) as a 12-byte header (`FrameHeader`: the call's id, the raw length, the PNG length,
 *   little-endian u32) followed by the bytes; `encodeFrameHeader` and `FrameReader` are the
 *   two halves of that codec.
 */
import type { Seed } from "../random/index.ts";
import type { Caption, SceneContext, SnapshotRef } from "../scene/index.ts";
import type { Run } from "../train/index.ts";
import { defineRows, lazyRows, rowsFrom } from "../train/rows.ts";
import type { Frame } from "../video/index.ts";
import type { SourcePlace } from "./errors.ts";

/**
 * A run on its way to the scene's process. Node's IPC clones a message value by value: the
 * 121 snapshots of hidden.ts's 1000 points took ~110 ms to send, ~120 ms to read and ~150 ms
 * of garbage collection after. Packed, each matrix (rows of numbers, all of one length) and each
 * long list of numbers goes as one Float64Array, which is copied whole: exact to the last bit.
 */
export interface PackedRun {
  packed: unknown;
}

/** A packed matrix (`columns` > 0) or list of numbers (`columns` 0), row after row. */
interface Block {
  netreelBlock: number;
  values: Float64Array;
}

/** Shorter arrays are sent as they are: a block would not pay for itself. */
const SHORTEST = 8;

/** The width of a matrix (rows of numbers of one length), 0 for a list of numbers, else -1. */
function shapeOf(array: unknown[]): number {
  if (array.every((v) => typeof v === "number")) return 0;
  const first = array[0];
  if (!Array.isArray(first) || first.length === 0) return -1;
  const width = first.length;
  const rows = array.every(
    (row) => Array.isArray(row) && row.length === width && row.every((v) => typeof v === "number"),
  );
  return rows ? width : -1;
}

function pack(value: unknown): unknown {
  if (Array.isArray(value)) {
    const columns = value.length >= SHORTEST ? shapeOf(value) : -1;
    if (columns < 0) return value.map(pack);
    const values = new Float64Array(columns === 0 ? value : (value as number[][]).flat());
    return { netreelBlock: columns, values } satisfies Block;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // A matrix still flat (a snapshot's activations, rows.ts) goes as it is, its rows never made.
      const flat = lazyRows(value, key);
      out[key] = flat
        ? ({ netreelBlock: flat.columns, values: flat.values } satisfies Block)
        : pack((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

/**
 * Matrices of at least this many rows stay flat until their rows are asked for (rows.ts): a
 * snapshot's activations, the data; a layer's weights are made at once.
 */
const LAZY_ROWS = 64;

function isBlock(value: unknown): value is Block {
  return (
    value !== null &&
    typeof value === "object" &&
    "netreelBlock" in value &&
    (value as Block).values instanceof Float64Array
  );
}

function unpack(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unpack);
  if (isBlock(value)) {
    const { netreelBlock: columns, values } = value;
    if (columns === 0) return Array.from(values);
    return rowsFrom({ values, rows: values.length / columns, columns });
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (isBlock(v) && v.netreelBlock > 0 && v.values.length / v.netreelBlock >= LAZY_ROWS) {
        defineRows(out, key, { values: v.values, rows: v.values.length / v.netreelBlock, columns: v.netreelBlock });
      } else
        Object.defineProperty(out, key, { value: unpack(v), enumerable: true, configurable: true, writable: true });
    }
    return out;
  }
  return value;
}

export function packRun(run: Run): PackedRun {
  return { packed: pack(run) };
}

/** A run already packed (read from the run cache, run-store.ts), not a Run. */
export function isPackedRun(run: Run | PackedRun): run is PackedRun {
  return "packed" in run;
}

export function unpackRun(packed: PackedRun): Run {
  // What packRun packed: the same shape, every block back to its arrays.
  return unpack(packed.packed) as Run;
}

/** A scene's context as sent: its run packed, or left out when the process holds it. */
export type SentContext = Omit<SceneContext<Run | undefined>, "run"> & { run: PackedRun | undefined };

/** What the supervisor learns of a scene without running any of its code itself. */
export interface SceneMeta {
  name: string;
  width: number;
  height: number;
  fps: number;
  duration: number;
  seed: Seed;
  /** The scene trains from a config (`train`); otherwise it draws a saved run. */
  trains: boolean;
  /** The saved run's path, relative to the scene file. */
  runFile?: string;
  /** The scene declares captions (so a render writes subtitles). */
  captions: boolean;
  /** How different its snapshots may be (netreel test). */
  snapshotTolerance?: { threshold?: number; maxDiffShare?: number };
}

/** A scene's beats and the epoch each frame shows, for a scrubber. */
export interface SceneTimeline {
  /** `cut`: the beat starts with an intended cut (the motion check skips its first frame). */
  beats: { name: string; start: number; end: number; cut?: boolean }[] | null;
  /** The epoch at each frame, when the scene's beats know it (a training timeline). */
  epochs: number[] | null;
}

/** What a scene is called on a page that lists it: the title its figure shows, and the line under it. */
export interface SceneHeading {
  title: string;
  subtitle?: string;
}

/** What `prepare` gives back: the scene's captions, and its key frames when asked for. */
export interface Prepared {
  captions: Caption[] | null;
  snapshots: { name: string; index: number }[] | null;
  moments: { name: string; index: number }[] | null;
  /** With `timeline`: the beats and each frame's epoch. */
  timeline: SceneTimeline | null;
  /** With `heading`: the scene's title and subtitle, when its figure has them. */
  heading?: SceneHeading | null;
}

/** What the scene's process used, reported as it exits. */
export interface ProcessUsage {
  /** Peak resident memory in megabytes. */
  maxRssMb: number;
  /** CPU seconds, user and system. */
  cpuSeconds: number;
  /** How many processes these figures add up (a session's, with --jobs); 1 when absent. */
  processes?: number;
}

/** What `prepare` is asked to resolve besides preparing. */
export interface PrepareAsks {
  /** Also resolve the scene's snapshot references to frames (for `netreel test`). */
  snapshots?: boolean;
  /** Also resolve these moments (a time, a beat) to frames. */
  moments?: SnapshotRef[];
  /** Also lay out the scene's beats and each frame's epoch (for the studio's scrubber). */
  timeline?: boolean;
  /** Also say the scene's title and subtitle (for the course page). */
  heading?: boolean;
}

/** The requests that are answered, without their ids. */
export type Call =
  /** Import netreel and node-canvas ahead of any scene (a process kept in reserve). */
  | { type: "warm" }
  /** Run a scene once as a throw-away module, to compile and warm what its next version shares. */
  | { type: "rehearse"; file: string; context: SentContext; heldRun?: string; index: number }
  | { type: "load"; file: string }
  | { type: "train-config"; seed: Seed }
  | ({
      type: "prepare";
      file: string;
      context: SentContext;
      encodings: { raw: boolean; png: boolean };
      /** The run is the one held under this key (`hold-run`): `context.run` is not sent. */
      heldRun?: string;
    } & PrepareAsks)
  | { type: "draw"; index: number }
  /**
   * Take the encoder's input (ffmpeg's stdin, sent with this message as a handle): `stage` and
   * `write` then hand frames to ffmpeg straight from this process, not through the supervisor.
   */
  | { type: "encoder" }
  /** Draw frame `index` and keep its raw pixels for `write`. */
  | { type: "stage"; index: number }
  /**
   * Write staged frame `index` to the encoder; answered once ffmpeg has taken every byte. The
   * supervisor asks for one frame at a time, in order, of whichever process drew it.
   */
  | { type: "write"; index: number };

/** The value each kind of call is answered with. */
export interface Answers {
  warm: null;
  /** A rehearsal never fails: one that throws has still warmed what it reached. */
  rehearse: null;
  load: SceneMeta;
  "train-config": unknown;
  prepare: Prepared;
  /** Sent on the frame pipe, not over IPC. */
  draw: Frame;
  encoder: null;
  stage: null;
  write: null;
}

export type CallType = Call["type"];

/** The requests that get no answer. */
export type Note =
  | { type: "hold-run"; key: string; run: PackedRun }
  /** Close this process's copy of the encoder's input (ffmpeg ends when every copy is closed). */
  | { type: "encoder-end" }
  | { type: "exit" };

/** Supervisor to worker. */
export type Request = (Call & { id: number }) | Note;

/** An answer sent over IPC (frames come on the frame pipe). */
export type Answer = {
  [K in Exclude<CallType, "draw">]: { type: "answer"; id: number; call: K; value: Answers[K] };
}[Exclude<CallType, "draw">];

/** An error thrown by the scene's code (or netreel's, in the scene's process), as sent. */
export interface SentError {
  name: string;
  message: string;
  stack?: string | undefined;
  where?: SourcePlace | undefined;
}

/** Worker to supervisor. */
export type Response =
  | { type: "ready" }
  | Answer
  | { type: "error"; id: number; error: SentError }
  | { type: "usage"; usage: ProcessUsage };

/** The header before each frame's bytes on the frame pipe. */
export interface FrameHeader {
  /** The id of the `draw` call this frame answers. */
  id: number;
  rawLength: number;
  pngLength: number;
}

export const FRAME_HEADER_BYTES = 12;

export function encodeFrameHeader(header: FrameHeader): Buffer {
  const bytes = Buffer.alloc(FRAME_HEADER_BYTES);
  bytes.writeUInt32LE(header.id, 0);
  bytes.writeUInt32LE(header.rawLength, 4);
  bytes.writeUInt32LE(header.pngLength, 8);
  return bytes;
}

export function decodeFrameHeader(bytes: Buffer): FrameHeader {
  return { id: bytes.readUInt32LE(0), rawLength: bytes.readUInt32LE(4), pngLength: bytes.readUInt32LE(8) };
}

/** Ids are u32 on the frame pipe: they wrap long after any render has finished. */
export function nextId(id: number): number {
  return id >= 0xffffffff ? 1 : id + 1;
}

/**
 * Splits the frame pipe back into frames (header, raw bytes, PNG bytes), each handed over with
 * the id of the call it answers. Frame buffers are reused once released (`Frame.release`): a
 * 720p frame is 3.7 MB, and allocating one per frame made garbage collection the supervisor's
 * largest cost.
 */
export class FrameReader {
  private readonly spare: Buffer[] = [];
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  private body: Buffer | null = null;
  private bodyFilled = 0;
  private current: FrameHeader = { id: 0, rawLength: 0, pngLength: 0 };
  private readonly done: (frame: Frame, id: number) => void;

  constructor(done: (frame: Frame, id: number) => void) {
    this.done = done;
  }

  private allocate(size: number): Buffer {
    const at = this.spare.findIndex((b) => b.length === size);
    return at >= 0 ? (this.spare.splice(at, 1)[0] as Buffer) : Buffer.allocUnsafe(size);
  }

  private recycle(body: Buffer): void {
    if (this.spare.length < 2 && !this.spare.includes(body)) this.spare.push(body);
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === null) {
        const take = Math.min(FRAME_HEADER_BYTES - this.headerFilled, chunk.length - at);
        chunk.copy(this.header, this.headerFilled, at, at + take);
        this.headerFilled += take;
        at += take;
        if (this.headerFilled < FRAME_HEADER_BYTES) return;
        this.current = decodeFrameHeader(this.header);
        this.body = this.allocate(this.current.rawLength + this.current.pngLength);
        this.bodyFilled = 0;
      }
      const take = Math.min(this.body.length - this.bodyFilled, chunk.length - at);
      chunk.copy(this.body, this.bodyFilled, at, at + take);
      this.bodyFilled += take;
      at += take;
      if (this.bodyFilled === this.body.length) {
        const body = this.body;
        const { id, rawLength } = this.current;
        const frame: Frame = { release: () => this.recycle(body) };
        if (rawLength > 0) frame.raw = body.subarray(0, rawLength);
        if (body.length > rawLength) frame.png = body.subarray(rawLength);
        this.body = null;
        this.headerFilled = 0;
        this.done(frame, id);
      }
    }
  }
}
