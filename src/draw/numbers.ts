/**
 * Numbers as text, in one place: fixed decimals with a true minus sign (U+2212) and never
 * "−0", the minus signs of numbers inside a text, and how many decimals a set of values or
 * ticks needs. Every label, tick and readout in netreel's figures goes through these.
 */

export const MINUS = "\u2212";

/** A number with fixed decimals and a true minus sign (U+2212); never "−0". */
export function formatNumber(value: number, decimals = 0): string {
  const text = value.toFixed(Math.max(0, Math.min(20, decimals)));
  if (/^-0(\.0*)?$/.test(text)) return text.slice(1);
  return text.replace("-", MINUS);
}

/**
 * Text with the hyphen-minus of each negative number turned into a true minus sign: "-5",
 * "(-1, 2)", "x = -0.5" and "1e-7" change, "gradient-check" and "layers 1-3" do not.
 */
export function withMinusSigns(text: string): string {
  return text.replace(/(^|[\s([{=,;:<>/]|\de)-(?=\d|\.\d)/g, `$1${MINUS}`);
}

/** The fewest decimals (at most 12) that print every value exactly: 0, 2.5, 5 needs 1, 0, 0.25, 0.5 needs 2. */
export function decimalsFor(values: readonly number[]): number {
  for (let d = 0; d < 12; d++) {
    const scale = 10 ** d;
    if (values.every((v) => Math.abs(Math.round(v * scale) - v * scale) < 1e-6 * Math.max(1, Math.abs(v * scale))))
      return d;
  }
  return 12;
}

/**
 * The fewest decimals that print every tick as itself ([0, 2.5, 5, 7.5] needs 1, [0, 0.25, 0.5]
 * needs 2). Ticks no count of decimals prints exactly (thirds) get the step's decimals, enough
 * to keep them apart.
 */
export function tickDecimals(ticks: readonly number[]): number {
  const step = ticks.length < 2 ? 1 : Math.abs((ticks[1] as number) - (ticks[0] as number));
  const apart = step > 0 ? Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
  const exact = decimalsFor(ticks);
  return exact <= apart + 3 ? Math.max(exact, apart) : apart;
}
