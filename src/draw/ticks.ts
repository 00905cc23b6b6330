/** "Nice" tick values (1, 2, 2.5 or 5 times a power of ten) covering [low, high], about `count` of them. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const first = Math.ceil(low / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= high + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** Decimals needed to print ticks with this step without repeating a label. */
export function tickDecimals(ticks: number[]): number {
  if (ticks.length < 2) return 0;
  const step = Math.abs((ticks[1] as number) - (ticks[0] as number));
  return Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
}
