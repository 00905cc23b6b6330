import seedrandom from "seedrandom";

/** A seed as a scene or config writes it. */
export type Seed = string | number;

/** The names of the independent sub-streams drawn from one seed. */
export type StreamName = "data" | "init" | "shuffle" | (string & {});

/**
 * A seeded random source. Every random draw in netreel comes from one of these;
 * `Math.random` is never used, so a seed fixes every number and every pixel.
 */
export class Random {
  private readonly next: () => number;
  private spareNormal: number | null = null;

  constructor(seed: Seed) {
    if (typeof seed === "number" && !Number.isFinite(seed)) {
      throw new RangeError(`seed must be a finite number or a string, got ${seed}`);
    }
    // alea: the fastest of seedrandom's generators and reported to pass BigCrush.
    // double() gives 53 random bits, not the 32 of the plain call.
    const prng = seedrandom.alea(String(seed));
    this.next = () => prng.double();
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform on [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /**
   * Standard normal, by the Box–Muller transform: two uniforms give two independent
   * normals; the second is kept for the next call.
   */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** An integer in [low, high), each equally likely. */
  integer(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new RangeError(`integer(low, high) needs integers with low < high, got ${low}, ${high}`);
    }
    return low + Math.floor(this.next() * (high - low));
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const held = items[i] as T;
      items[i] = items[j] as T;
      items[j] = held;
    }
    return items;
  }

  /** A random order of 0 .. n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

/**
 * The named sub-stream `name` of `seed`. Streams of one seed are independent, so drawing
 * more data does not move the initial weights or the shuffling order.
 */
export function stream(seed: Seed, name: StreamName): Random {
  return new Random(`${seed}/${name}`);
}
