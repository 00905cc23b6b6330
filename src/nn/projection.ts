/**
 * A layer wider than three, shown in 3-D: the directions along which its points spread most
 * (principal axes), and a way to keep those directions steady from one snapshot to the next.
 *
 * - `principalAxes` finds the k directions of largest variance: the top eigenvectors of the
 *   points' covariance (population covariance, divided by n), by cyclic Jacobi rotations, which
 *   are exact to rounding for the small symmetric matrices of a hidden layer. Each axis is signed
 *   so that its largest component is positive, so the same cloud always gives the same axes.
 * - `alignAxes` turns one snapshot's axes, within the space they span, to match the previous
 *   snapshot's as closely as a rotation can (orthogonal Procrustes: R = U Vᵀ from the SVD of
 *   A Bᵀ). Eigenvectors come with arbitrary signs and, where two variances are close, arbitrary
 *   directions in their plane; aligned, the view neither flips nor spins between snapshots.
 *   The aligned axes span the same space, so together they hold the same share of the variance.
 */

/** k orthonormal directions in a layer's space, and what they hold of the points' spread. */
export interface Axes {
  /** The points' mean (length d): projections are taken about it. */
  mean: number[];
  /** k rows of length d, orthonormal. */
  axes: number[][];
  /** The points' variance along each axis. */
  variance: number[];
  /** The share of the points' total variance the k axes hold together (0 to 1). */
  share: number;
}

/** Eigenvalues (largest first) and unit eigenvectors (as rows) of a symmetric matrix. */
export function symmetricEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const at = (i: number, j: number) => (a[i] as number[])[j] as number;
  const scale = a.reduce((sum, row, i) => sum + (row[i] as number) ** 2, 0) || 1;
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += at(p, q) ** 2;
    if (off <= 1e-32 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (at(p, q) === 0) continue;
        // The rotation in the (p, q) plane that zeroes a[p][q].
        const theta = (at(q, q) - at(p, p)) / (2 * at(p, q));
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (const row of a) {
          const [kp, kq] = [row[p] as number, row[q] as number];
          row[p] = c * kp - s * kq;
          row[q] = s * kp + c * kq;
        }
        const [rowP, rowQ] = [a[p] as number[], a[q] as number[]];
        for (let k = 0; k < n; k++) {
          const [pk, qk] = [rowP[k] as number, rowQ[k] as number];
          rowP[k] = c * pk - s * qk;
          rowQ[k] = s * pk + c * qk;
        }
        for (const row of v) {
          const [kp, kq] = [row[p] as number, row[q] as number];
          row[p] = c * kp - s * kq;
          row[q] = s * kp + c * kq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => at(j, j) - at(i, i));
  return {
    values: order.map((i) => at(i, i)),
    vectors: order.map((i) => v.map((row) => row[i] as number)),
  };
}

const dot = (x: number[], y: number[]) => x.reduce((sum, xi, i) => sum + xi * (y[i] as number), 0);

/** The k directions along which `points` (n rows of length d) spread most; k <= d. */
export function principalAxes(points: number[][], k: number): Axes {
  const d = points[0]?.length ?? 0;
  if (points.length === 0 || k < 1 || k > d) {
    throw new RangeError(
      `principal axes: need points and 1 <= k <= ${d} (their width), got ${points.length} points, k = ${k}`,
    );
  }
  const mean = Array.from(
    { length: d },
    (_, j) => points.reduce((sum, p) => sum + (p[j] as number), 0) / points.length,
  );
  const covariance = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const point of points) {
    const centred = point.map((x, j) => x - (mean[j] as number));
    for (let i = 0; i < d; i++) {
      const row = covariance[i] as number[];
      for (let j = i; j < d; j++) row[j] = (row[j] as number) + (centred[i] as number) * (centred[j] as number);
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const value = ((covariance[i] as number[])[j] as number) / points.length;
      (covariance[i] as number[])[j] = value;
      (covariance[j] as number[])[i] = value;
    }
  }
  const { values, vectors } = symmetricEigen(covariance);
  const total = values.reduce((sum, value) => sum + Math.max(0, value), 0);
  const axes = vectors.slice(0, k).map((axis) => {
    const largest = axis.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    return largest < 0 ? axis.map((x) => -x) : axis;
  });
  const variance = values.slice(0, k).map((value) => Math.max(0, value));
  return { mean, axes, variance, share: total > 0 ? variance.reduce((a, b) => a + b, 0) / total : 0 };
}

/**
 * `axes` turned within their span to lie as close as a rotation allows to `previous` (the
 * last snapshot's axes, k rows of the same width): R = M (MᵀM)^(-1/2) with M = A Bᵀ, the polar
 * factor, which is U Vᵀ from M's SVD. Where M is singular (a new direction wholly outside the
 * old span) each axis is only signed to agree with its predecessor.
 */
export function alignAxes(axes: Axes, previous: number[][]): Axes {
  const b = axes.axes;
  const m = previous.map((a) => b.map((bj) => dot(a, bj)));
  const k = b.length;
  const mtm = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => m.reduce((sum, row) => sum + (row[i] as number) * (row[j] as number), 0)),
  );
  const { values, vectors } = symmetricEigen(mtm);
  const largest = values[0] ?? 0;
  let turned: number[][];
  if (largest <= 0 || (values.at(-1) as number) <= 1e-12 * largest) {
    turned = b.map((axis, i) => (dot(axis, previous[i] ?? axis) < 0 ? axis.map((x) => -x) : axis));
  } else {
    // (MᵀM)^(-1/2) = W Λ^(-1/2) Wᵀ, with the eigenvectors w as rows.
    const inverseRoot = Array.from({ length: k }, (_, i) =>
      Array.from({ length: k }, (_, j) =>
        vectors.reduce((sum, w, l) => sum + ((w[i] as number) * (w[j] as number)) / Math.sqrt(values[l] as number), 0),
      ),
    );
    const rotation = m.map((row) =>
      inverseRoot.map((_, j) => row.reduce((sum, x, l) => sum + x * ((inverseRoot[l] as number[])[j] as number), 0)),
    );
    turned = rotation.map((r) =>
      (b[0] as number[]).map((_, c) => r.reduce((sum, x, j) => sum + x * ((b[j] as number[])[c] as number), 0)),
    );
  }
  return { ...axes, axes: turned, variance: turned.map((axis) => varianceAlong(axes, axis)) };
}

/** The variance along `direction` of points whose k principal axes and variances `axes` holds (exact within their span). */
function varianceAlong(axes: Axes, direction: number[]): number {
  return axes.axes.reduce((sum, axis, i) => sum + (axes.variance[i] as number) * dot(axis, direction) ** 2, 0);
}

/** A point's coordinates along the axes (about the mean). */
export function project(axes: Axes, point: number[]): number[] {
  const centred = point.map((x, j) => x - (axes.mean[j] as number));
  return axes.axes.map((axis) => dot(axis, centred));
}
