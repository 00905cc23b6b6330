// The lesson in one picture: everything the course built, on one timeline. The circles network
// learns; the 3-D space of its second hidden layer shows the points, the input plane's grid
// bent by the first two layers, and the output unit's plane; beside it the network with its
// weights as they change, the loss, and the input plane with the boundary that plane draws.
// The captions say what happens when it happens: the moments come from the run.
//
// Training and figure: warp.ts's (the headline's network and data), with the network's diagram
// in the side column and 18 seconds to read it all.
import { easeInOutCubic, type Run } from "../src/index.ts";
import { warpScene } from "./warp.ts";

/** The share of the training beat (before easing) at which the clip shows `epoch`. */
function trainingShare(run: Run, epoch: number): number {
  let [lo, hi] = [0, 1];
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (easeInOutCubic(mid) * run.config.epochs < epoch) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The first snapshot at or above `accuracy`, or the last. */
function firstReaching(run: Run, accuracy: number) {
  return run.snapshots.find((s) => s.accuracy >= accuracy) ?? (run.snapshots.at(-1) as Run["snapshots"][number]);
}

export default warpScene({
  name: "course",
  seed: 3,
  duration: 18,
  data: (seed) => ({ dataset: "circles", n: 1000, factor: 0.3, noise: 0.1, seed }),
  range: [-1.5, 1.5],
  classNames: ["outer circle (y = 0)", "inner circle (y = 1)"],
  closing: "",
  title: "Forward, backward, and what it does to the plane",
  // No legend: the captions name the colours, and the diagram, loss and boundary need the room.
  side: ["network", "loss", "regions"],
  captions: (run) => {
    const n = run.data.y.length;
    const ninety = firstReaching(run, 0.9);
    const last = run.snapshots.at(-1) as Run["snapshots"][number];
    const at = (epoch: number) => `training:${trainingShare(run, epoch).toFixed(3)}`;
    const percent = (a: number) => `${(100 * a).toFixed(1)}%`;
    return [
      { at: "title:end", text: `${n} points, blue outer ring and orange inner disc, go forward into the 3-D box.` },
      {
        at: "start:0.5",
        text: `The grey sheet is the whole input plane. Untrained: ${percent(run.snapshots[0]?.accuracy ?? 0)} right.`,
      },
      { at: "training:0.05", text: "Each mini-batch, backprop moves every weight: the edges on the right." },
      { at: at(ninety.epoch * 0.6), text: "The sheet folds: the inner disc rises away from the ring..." },
      {
        at: at(ninety.epoch),
        text: `...and by epoch ${ninety.epoch.toFixed(1)} the plane separates ${percent(ninety.accuracy)} of the points.`,
      },
      { at: "end", text: `The flat cut is a closed curve in the input plane: ${percent(last.accuracy)} right.` },
    ];
  },
});
