/** "Nice" tick values (1, 2, 2.5 or 5 times a power of ten) covering [low, high], about `count` of them. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const first = Math.ceil(low / step - 1e-9);
  const last = Math.floor(high / step + 1e-9);
  const ticks: number[] = [];
  // Multiply rather than accumulate, and round off the binary noise (3 x 0.2 = 0.6000000000000001).
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)) || 0);
  return ticks;
}

/**
 * The fewest decimals that print every tick as itself ([0, 2.5, 5, 7.5] needs 1, [0, 0.25, 0.5]
 * needs 2). Ticks no count of decimals prints exactly (thirds) get the step's decimals, enough
 * to keep them apart.
 */
export function tickDecimals(ticks: readonly number[]): number {
  const step = ticks.length < 2 ? 1 : Math.abs((ticks[1] as number) - (ticks[0] as number));
  const apart = step > 0 ? Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
  for (let d = 0; d <= apart + 3; d++) {
    const scale = 10 ** d;
    const exact = ticks.every(
      (t) => Math.abs(Math.round(t * scale) - t * scale) < 1e-6 * Math.max(1, Math.abs(t * scale)),
    );
    if (exact) return Math.max(d, apart);
  }
  return apart;
}
