/**
 * A run's big matrices (each snapshot's activations: one row per example) as flat Float64Arrays,
 * for the code that reads them every frame.
 *
 * A run keeps them as arrays of rows (`number[][]`), as its file and its type say. In the
 * scene's process that form costs more than it gives: hidden.ts's run is 121 snapshots of 1000
 * rows, and 121,000 small arrays are copied by every young collection while they are made and
 * marked by every full one (~40 ms each) for the whole render, while the code that draws only
 * ever reads them row after row. So a run that arrives packed (protocol.ts `unpackRun`) keeps
 * such a matrix flat, and makes its rows only when something asks for them by name
 * (`defineRows`); the kit reads it flat through `rowsOf`, which flattens (once) the rows of a
 * run made in this process.
 */

/** A matrix, row after row: `rows` rows of `columns` numbers. */
export interface FlatRows {
  values: Float64Array;
  rows: number;
  columns: number;
}

/** The flat form of each lazy matrix, by its owner and key. */
const lazy = new WeakMap<object, Map<string, FlatRows>>();
/** The flat form of matrices made as rows, by their array: runs are never changed once made. */
const flattened = new WeakMap<readonly (readonly number[])[], FlatRows>();

/**
 * Gives `owner` a property `key` that holds `flat` as rows (`number[][]`), made the first time
 * it is read: enumerable, so JSON, structuredClone and a deep comparison see an ordinary matrix.
 */
export function defineRows(owner: object, key: string, flat: FlatRows): void {
  let byKey = lazy.get(owner);
  if (!byKey) {
    byKey = new Map();
    lazy.set(owner, byKey);
  }
  byKey.set(key, flat);
  Object.defineProperty(owner, key, {
    enumerable: true,
    configurable: true,
    get() {
      const rows = rowsFrom(flat);
      flattened.set(rows, flat);
      Object.defineProperty(owner, key, { value: rows, enumerable: true, configurable: true, writable: true });
      return rows;
    },
    set(value: unknown) {
      byKey.delete(key);
      Object.defineProperty(owner, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

/** `owner[key]` as a flat matrix, without making its rows; undefined when there is no such matrix. */
export function rowsOf(owner: Readonly<Record<string, readonly (readonly number[])[] | undefined>>, key: string) {
  const known = lazy.get(owner)?.get(key);
  if (known) return known;
  const rows = owner[key];
  if (rows === undefined) return undefined;
  let flat = flattened.get(rows);
  if (!flat) {
    flat = flattenRows(rows);
    flattened.set(rows, flat);
  }
  return flat;
}

/** Whether `owner` has a matrix `key` (without making its rows). */
export function hasRows(owner: object, key: string): boolean {
  return lazy.get(owner)?.has(key) === true || (owner as Record<string, unknown>)[key] !== undefined;
}

/** Rows as one flat matrix (a copy, remembered nowhere: for rows that are not a run's). */
export function flattenRows(rows: readonly (readonly number[])[]): FlatRows {
  const columns = rows[0]?.length ?? 0;
  const values = new Float64Array(rows.length * columns);
  for (let r = 0, at = 0; r < rows.length; r++) {
    const row = rows[r] as readonly number[];
    for (let c = 0; c < columns; c++) values[at++] = row[c] as number;
  }
  return { values, rows: rows.length, columns };
}

function rowsFrom({ values, rows, columns }: FlatRows): number[][] {
  const out: number[][] = new Array(rows);
  for (let r = 0, at = 0; r < rows; r++) {
    const row: number[] = new Array(columns);
    for (let c = 0; c < columns; c++) row[c] = values[at++] as number;
    out[r] = row;
  }
  return out;
}
