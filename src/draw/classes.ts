import { ClassCountError, MAX_CLASSES } from "./theme.ts";

/** How a data set's labels map to class colours: `index(label)` is a position in `theme.classes`. */
export interface ClassColours {
  /** Number of classes (colours used). */
  count: number;
  /** The label of each class, in colour order. */
  labels: number[];
  /** The colour index of a label. */
  index: (label: number) => number;
}

/**
 * The classes in a list of labels. Class numbers 0..K-1 (K output units, or 0 and 1) are their
 * own colour index; two other values (a single output trained on -1 and +1, say) take the
 * first two colours, lower value first, as the single output's threshold splits them.
 */
export function classColours(labels: ArrayLike<number>, what = "labels"): ClassColours {
  const values = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  if (values.every((v) => Number.isInteger(v) && v >= 0)) {
    const count = (values.at(-1) ?? 1) + 1;
    if (count > MAX_CLASSES) throw new ClassCountError(what, count);
    return { count, labels: Array.from({ length: count }, (_, k) => k), index: (label) => label };
  }
  if (values.length === 2) {
    const [low, high] = values as [number, number];
    return { count: 2, labels: [low, high], index: (label) => (label > (low + high) / 2 ? 1 : 0) };
  }
  throw new RangeError(
    `${what}: ${values.length} different values, but classes are numbered 0, 1, 2, ... (or two values for one output unit); number them`,
  );
}
