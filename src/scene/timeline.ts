import { type Beats, beats } from "./beats.ts";
import { clamp01, type Easing, easeInOutCubic } from "./easing.ts";

export interface TimelineOptions {
  /** Length of the clip in seconds. */
  duration: number;
  /** Epochs the run covers (the last snapshot's epoch). */
  epochs: number;
  /** Seconds of title card at the start (0 for none). */
  titleCard?: number;
  /** Seconds held on the untrained state, after the title card. */
  holdStart?: number;
  /** Seconds held on the final state at the end. */
  holdEnd?: number;
  /** How training progress is paced between the holds. Default: cubic ease in and out. */
  easing?: Easing;
}

export type Phase = "title" | "start" | "training" | "end";

/** Where the clip is at one moment. */
export interface TimelineState {
  /** Seconds from the start. */
  time: number;
  phase: Phase;
  /** Fractional epoch shown: 0 through the title and opening hold, `epochs` in the closing hold. */
  epoch: number;
  /** How far through the training segment, 0 to 1 (before easing). */
  trainingProgress: number;
  /** Opacity of the title card: 1 while it shows, fading out over its last 0.5 s. */
  titleOpacity: number;
}

/** A timeline: the state at any time, and where its phases begin and end (in seconds). */
export type Timeline = ((time: number) => TimelineState) & {
  readonly phases: { titleEnd: number; trainStart: number; trainEnd: number };
  /** The same layout as named beats (title, start, training, end): refer to moments by name. */
  readonly beats: Beats;
};

/**
 * Maps time to the training position of a clip laid out as: title card, opening hold,
 * training (eased, so it starts and ends gently), closing hold. The training segment
 * gets whatever time the other parts leave; phases shrink proportionally when the clip
 * is too short for them.
 */
export function timeline(options: TimelineOptions): Timeline {
  const { duration, epochs } = options;
  const easing = options.easing ?? easeInOutCubic;
  // Four named beats; training takes what the others leave, and they shrink together to
  // keep at least half the clip for it.
  const clip = beats(duration, [
    { name: "title", seconds: options.titleCard ?? 0 },
    { name: "start", seconds: options.holdStart ?? 1.5 },
    { name: "training", weight: 1 },
    { name: "end", seconds: options.holdEnd ?? 2 },
  ]);
  const titleCard = clip.span("title").end;
  const { start: trainStart, end: trainEnd } = clip.span("training");
  const fade = Math.min(0.5, titleCard / 3);
  const at = (time: number): TimelineState => {
    const trainingProgress = clamp01((time - trainStart) / (trainEnd - trainStart));
    const phase: Phase =
      time < titleCard ? "title" : time < trainStart ? "start" : time < trainEnd ? "training" : "end";
    const titleOpacity = titleCard === 0 ? 0 : clamp01((titleCard - time) / fade);
    return {
      time,
      phase,
      epoch: epochs * easing(trainingProgress),
      trainingProgress,
      titleOpacity,
    };
  };
  const withEpochs: Beats = { ...clip, epochAt: (time) => at(time).epoch };
  return Object.assign(at, { phases: { titleEnd: titleCard, trainStart, trainEnd }, beats: withEpochs });
}
