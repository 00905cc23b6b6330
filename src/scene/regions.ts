import { classColours } from "../draw/classes.ts";
import type { ClassRegions } from "../draw/map2d.ts";
import { ClassCountError, MAX_CLASSES } from "../draw/theme.ts";
import { Network, type NetworkSpec, outputsField, type PlainParams } from "../nn/index.ts";
import { classifier, type Run, thresholdRule } from "../train/index.ts";

/**
 * The decision regions of the run's network, with the weights of `state` (an interpolated
 * `stateAt` or a snapshot), over a size x size grid of its input plane, for `drawClassMap`.
 * Each grid point gets the class the run's accuracy would count: argmax of K outputs, or
 * one output against the midpoint of the two labels (train's own `classifier`).
 *
 * Certainty, the strength of a point's tint: how far the winning output leads the runner-up,
 * as a fraction of the gap between the targets (1 for one-hot targets), up to 1. One output
 * is the same idea seen as two: its distance from the threshold as a fraction of half the
 * gap between the two labels (|a − ½| / ½ for labels 0 and 1).
 *
 * `reuse`: earlier regions whose arrays are written over and returned, where their sizes fit,
 * instead of new ones (for a caller that keeps one set at a time, like a figure's memo).
 */
export function classRegions(
  run: Run,
  state: PlainParams,
  options: { range: [number, number]; size: number },
  reuse?: ClassRegions,
): ClassRegions {
  const network = Network.fromPlain(networkSpec(run), state);
  const { size, range } = options;
  // Everything that can refuse the run does so before `reuse` is written over.
  const units = network.sizes[network.sizes.length - 1] as number;
  if (units > MAX_CLASSES) throw new ClassCountError("classRegions: the output layer", units);
  const labels = run.data.y;
  const classify = classifier(labels, units);
  const colourOf = units === 1 ? classColours(labels, "classRegions: the run's labels").index : (k: number) => k;
  const { values } = outputsField(network, { range, size, ...(reuse ? { into: reuse.values } : {}) });
  const { threshold, low, high } = thresholdRule(labels);
  const halfGap = (high - low) / 2;
  const points = size * size;
  const classes = reuse?.classes.length === points ? reuse.classes : new Uint8Array(points);
  const certainty = reuse?.certainty.length === points ? reuse.certainty : new Float64Array(points);
  const out = new Float64Array(units);
  for (let p = 0; p < points; p++) {
    for (let k = 0; k < units; k++) out[k] = values[k * points + p] as number;
    const label = classify(out);
    classes[p] = colourOf(label);
    certainty[p] = Math.min(1, units === 1 ? Math.abs((out[0] as number) - threshold) / halfGap : lead(out, label));
  }
  return {
    size,
    range: [range[0], range[1]],
    units,
    values,
    threshold: units === 1 ? threshold : undefined,
    classes,
    certainty,
  };
}

/** How far output `winner` is above the largest of the others. */
function lead(out: Float64Array, winner: number): number {
  let runnerUp = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < out.length; k++) if (k !== winner) runnerUp = Math.max(runnerUp, out[k] as number);
  return (out[winner] as number) - runnerUp;
}

/** The network the run trained, as its config describes it (with train's defaults). */
function networkSpec(run: Run): NetworkSpec {
  const activation = run.config.activation ?? "sigmoid";
  return { sizes: run.config.sizes, activation, outputActivation: run.config.outputActivation ?? activation };
}
