/**
 * A run's big matrices (each snapshot's activations: one row per example) as flat Float64Arrays,
 * for the code that reads them every frame.
 *
 * A run's type and its file say arrays of rows (`number[][]`). Held that way, they cost more
 * than they give: hidden.ts's run is 121 snapshots of 1000
 * rows, and 121,000 small arrays are copied by every young collection while they are made and
 * marked by every full one (~40 ms each) for the whole render, while the code that draws only
 * ever reads them row after row. So training keeps each snapshot's activations flat (train.ts),
 * packing sends them as they are (protocol.ts `packRun`), and a run that arrives packed
 * (`unpackRun`) keeps such a matrix flat: each makes its rows only when something asks for them by name
 * (`defineRows`); the kit reads it flat through `rowsOf`, which copies the rows of a run made
 * in this process (or of a lazy matrix whose rows were made) as they are at that moment, so a
 * scene that changes a run's matrices is never shown old numbers. Writing a run (run.ts
 * `jsonChunks`) reads the flat form too, so saving a run does not make its rows.
 */

/** A matrix, row after row: `rows` rows of `columns` numbers. */
export interface FlatRows {
  values: Float64Array;
  rows: number;
  columns: number;
}

/** Each lazy matrix's flat form and the accessor that holds it, by its owner and key. */
const lazy = new WeakMap<object, Map<string, { flat: FlatRows; get: () => unknown }>>();

/**
 * Gives `owner` a property `key` that holds `flat` as rows (`number[][]`), made the first time
 * it is read: enumerable, so JSON, structuredClone and a deep comparison see an ordinary matrix.
 * Once made (or written over), the property is an ordinary one, the flat form is let go, and
 * `rowsOf` reads the rows as they are. (A property deleted keeps its flat form until its owner
 * goes.)
 */
export function defineRows(owner: object, key: string, flat: FlatRows): void {
  let byKey = lazy.get(owner);
  if (!byKey) {
    byKey = new Map();
    lazy.set(owner, byKey);
  }
  const settle = (value: unknown) => {
    byKey.delete(key);
    Object.defineProperty(owner, key, { value, enumerable: true, configurable: true, writable: true });
  };
  const get = () => {
    const rows = rowsFrom(flat);
    settle(rows);
    return rows;
  };
  byKey.set(key, { flat, get });
  Object.defineProperty(owner, key, { enumerable: true, configurable: true, get, set: settle });
}

/** The flat form of `owner[key]` while it is still the lazy property `defineRows` made. */
export function lazyRows(owner: object, key: string): FlatRows | undefined {
  const entry = lazy.get(owner)?.get(key);
  if (!entry) return undefined;
  return Object.getOwnPropertyDescriptor(owner, key)?.get === entry.get ? entry.flat : undefined;
}

/**
 * `owner[key]` as a flat matrix, undefined when there is none: a lazy matrix's own flat form
 * (its rows are not made), or else a flat copy of its rows as they are now. Read it only: a lazy
 * matrix's values are the run's own, also what packing sends and the run cache writes.
 */
export function rowsOf(
  owner: Readonly<Record<string, readonly (readonly number[])[] | undefined>>,
  key: string,
): FlatRows | undefined {
  const flat = lazyRows(owner, key);
  if (flat) return flat;
  const rows = owner[key];
  return rows ? flattenRows(rows) : undefined;
}

/** Whether `owner` has a matrix `key` (without making its rows). */
export function hasRows(owner: object, key: string): boolean {
  return lazyRows(owner, key) !== undefined || Boolean((owner as Record<string, unknown>)[key]);
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

/** A flat matrix as rows. Plain loops: Array.from over a subarray per row took ~0.1 s for hidden.ts's run. */
export function rowsFrom({ values, rows, columns }: FlatRows): number[][] {
  const out: number[][] = new Array(rows);
  for (let r = 0, at = 0; r < rows; r++) {
    const row: number[] = new Array(columns);
    for (let c = 0; c < columns; c++) row[c] = values[at++] as number;
    out[r] = row;
  }
  return out;
}
