/** A dense matrix of float64, row-major: element (i, j) is data[i * cols + j]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = zeros(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} entries, expected ${cols}`);
    m.data.set(row, i * cols);
  });
  return m;
}

export function toRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** The transpose, as a new matrix. */
export function transpose(m: Matrix): Matrix {
  const t = zeros(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j] as number;
  }
  return t;
}

export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

/**
 * out = a · b + bias (bias added to every column; omitted when null): each entry summed in
 * order over the shared index, then the bias added, as numpy's W @ A + b. The long loop over
 * b's columns is innermost, which is what makes this fast for a few units and many examples.
 */
export function matmulInto(out: Matrix, a: Matrix, b: Matrix, bias: Float64Array | null = null): void {
  const { rows, cols } = out;
  const inner = a.cols;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const ai0 = A[i * inner] as number;
    // Layers of two or three units (the course's networks) get the whole sum in one pass over
    // the columns: about 15% faster training. Same terms, same order, same rounding as the
    // general loop below.
    if (inner === 2) {
      const ai1 = A[i * inner + 1] as number;
      const base = bias === null ? 0 : (bias[i] as number);
      for (let j = 0; j < cols; j++) O[o + j] = ai0 * (B[j] as number) + ai1 * (B[cols + j] as number) + base;
      continue;
    }
    if (inner === 3) {
      const ai1 = A[i * inner + 1] as number;
      const ai2 = A[i * inner + 2] as number;
      const base = bias === null ? 0 : (bias[i] as number);
      for (let j = 0; j < cols; j++)
        O[o + j] = ai0 * (B[j] as number) + ai1 * (B[cols + j] as number) + ai2 * (B[2 * cols + j] as number) + base;
      continue;
    }
    for (let j = 0; j < cols; j++) O[o + j] = ai0 * (B[j] as number);
    for (let k = 1; k < inner; k++) {
      const aik = A[i * inner + k] as number;
      const bk = k * cols;
      for (let j = 0; j < cols; j++) O[o + j] = (O[o + j] as number) + aik * (B[bk + j] as number);
    }
    if (bias !== null) {
      const base = bias[i] as number;
      for (let j = 0; j < cols; j++) O[o + j] = (O[o + j] as number) + base;
    }
  }
}

/** out = a · bᵀ: each entry is a dot product summed in order over the shared index. */
export function matmulTransBInto(out: Matrix, a: Matrix, b: Matrix): void {
  const inner = a.cols;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < out.rows; i++) {
    for (let j = 0; j < out.cols; j++) {
      let sum = 0;
      for (let k = 0; k < inner; k++) sum += (A[i * inner + k] as number) * (B[j * inner + k] as number);
      O[i * out.cols + j] = sum;
    }
  }
}

/** out = aᵀ · b, each entry summed in order over a's rows. */
export function matmulTransAInto(out: Matrix, a: Matrix, b: Matrix): void {
  const cols = out.cols;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < a.cols; i++) {
    const o = i * cols;
    const a0i = A[i] as number;
    for (let j = 0; j < cols; j++) O[o + j] = a0i * (B[j] as number);
    for (let k = 1; k < a.rows; k++) {
      const aki = A[k * a.cols + i] as number;
      const bk = k * cols;
      for (let j = 0; j < cols; j++) O[o + j] = (O[o + j] as number) + aki * (B[bk + j] as number);
    }
  }
}
