import { type Seed, stream } from "../random/index.ts";
import { zeros } from "./matrix.ts";
import { Network, type NetworkSpec } from "./network.ts";

export const INIT_SCHEMES = ["normal", "uniform", "xavier", "he"] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

/**
 * A network with seeded random parameters, drawn from the seed's `init` stream:
 * - normal: W and b standard normal (Nielsen's network.py);
 * - uniform: W and b uniform on [0, 1) (the notebook's np.random.rand);
 * - xavier: W normal with variance 2 / (fan_in + fan_out), b = 0 (Glorot);
 * - he: W normal with variance 2 / fan_in, b = 0 (for ReLU).
 * Like network.py, all biases are drawn before all weights.
 */
export function initNetwork(spec: NetworkSpec, options: { scheme: InitScheme; seed: Seed }): Network {
  const random = stream(options.seed, "init");
  const sizes = spec.sizes;
  const draw = (fanIn: number, fanOut: number): (() => number) => {
    switch (options.scheme) {
      case "normal":
        return () => random.normal();
      case "uniform":
        return () => random.uniform();
      case "xavier":
        return () => random.normal(0, Math.sqrt(2 / (fanIn + fanOut)));
      case "he":
        return () => random.normal(0, Math.sqrt(2 / fanIn));
    }
  };
  const randomBiases = options.scheme === "normal" || options.scheme === "uniform";
  const biases = sizes.slice(1).map((units, k) => {
    const b = new Float64Array(units);
    if (randomBiases) {
      const next = draw(sizes[k] as number, units);
      for (let i = 0; i < units; i++) b[i] = next();
    }
    return b;
  });
  const weights = sizes.slice(1).map((units, k) => {
    const fanIn = sizes[k] as number;
    const w = zeros(units, fanIn);
    const next = draw(fanIn, units);
    for (let i = 0; i < w.data.length; i++) w.data[i] = next();
    return w;
  });
  return new Network(spec, { weights, biases });
}
