// The warped input plane (warp.ts) for a second data set: two interleaved half-moons, which a
// [2, 3, 3, 1] sigmoid network learns to tell apart by sliding one moon past the other in its
// hidden space. The figure, training and camera are warp.ts's; only the data differ.
import { warpScene } from "./warp.ts";

export default warpScene({
  name: "warp-moons",
  seed: 1,
  data: (seed) => ({ dataset: "moons", n: 1000, noise: 0.1, seed }),
  epochs: 40,
  range: [-1.5, 2.5],
  classNames: ["upper moon (y = 0)", "lower moon (y = 1)"],
  closing: "...until the two moons, hooked into each other in the plane, come apart...",
  title: "The input plane, bent: two moons",
});
