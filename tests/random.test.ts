import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Random, stream } from "../src/random/index.ts";

const draw = (r: Random, k: number, f: (r: Random) => number) => Array.from({ length: k }, () => f(r));

describe("seeded random numbers", () => {
  test("the same seed gives the same numbers; string and number seeds both work", () => {
    assert.deepEqual(
      draw(new Random(42), 5, (r) => r.uniform()),
      draw(new Random(42), 5, (r) => r.uniform()),
    );
    assert.deepEqual(
      draw(new Random("42"), 5, (r) => r.uniform()),
      draw(new Random(42), 5, (r) => r.uniform()),
    );
    assert.notDeepEqual(
      draw(new Random(1), 5, (r) => r.uniform()),
      draw(new Random(2), 5, (r) => r.uniform()),
    );
  });

  test("named sub-streams are independent of each other", () => {
    const init = draw(stream(7, "init"), 5, (r) => r.normal());
    const data = stream(7, "data");
    draw(data, 1000, (r) => r.uniform()); // drawing more data ...
    assert.deepEqual(
      draw(stream(7, "init"), 5, (r) => r.normal()),
      init,
    ); // ... leaves init alone
    assert.notDeepEqual(
      draw(stream(7, "data"), 5, (r) => r.normal()),
      init,
    );
  });

  test("uniform lies in [0, 1) with mean 1/2 and variance 1/12", () => {
    const xs = draw(new Random("u"), 100_000, (r) => r.uniform());
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
  });

  test("normal has mean 0, variance 1, and normal tails", () => {
    const xs = draw(new Random("n"), 200_000, (r) => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    const beyond2 = xs.filter((x) => Math.abs(x) > 2).length / xs.length;
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.01, `variance ${variance}`);
    assert.ok(Math.abs(beyond2 - 0.0455) < 0.003, `P(|z| > 2) = ${beyond2}`);
    const scaled = draw(new Random("n"), 50_000, (r) => r.normal(3, 0.5));
    assert.ok(Math.abs(scaled.reduce((s, x) => s + x, 0) / scaled.length - 3) < 0.01);
  });

  test("integers cover [low, high) evenly", () => {
    const counts = new Array(6).fill(0);
    for (const k of draw(new Random("i"), 60_000, (r) => r.integer(0, 6))) counts[k]++;
    assert.ok(
      counts.every((c) => Math.abs(c - 10_000) < 400),
      `counts ${counts}`,
    );
    assert.throws(() => new Random(1).integer(3, 3), /low < high/);
  });

  test("shuffle is a seeded permutation, and every position is equally likely", () => {
    const p = new Random("s").permutation(10);
    assert.deepEqual(
      [...p].sort((a, b) => a - b),
      [...Array(10).keys()],
    );
    assert.deepEqual(new Random("s").permutation(10), p);
    const firstPlace = new Array(4).fill(0);
    const r = new Random("fy");
    for (let i = 0; i < 40_000; i++) firstPlace[r.shuffle([0, 1, 2, 3])[0] as number]++;
    assert.ok(
      firstPlace.every((c) => Math.abs(c - 10_000) < 400),
      `counts ${firstPlace}`,
    );
  });

  test("rejects a seed that is not finite", () => {
    assert.throws(() => new Random(Number.NaN), /seed/);
  });
});
