import { BOX_CORNERS, cross, dot, normalize, type Rect, sub, type Vec3 } from "./geometry.ts";

export interface CameraOptions {
  /** Degrees around the vertical axis, measured like matplotlib's azim. */
  azimuth: number;
  /** Degrees above the horizontal plane, like matplotlib's elev. */
  elevation: number;
  /** The point the camera looks at and orbits around. Default: the centre of the unit box. */
  target?: Vec3;
  projection?: "perspective" | "orthographic";
  /** Distance from the target in box units (perspective only). Default 4. */
  distance?: number;
  /** Magnification: 1 fits the unit box in the viewport from any azimuth; 2 shows half as much. */
  zoom?: number;
  /** Where on the canvas the view is drawn. */
  viewport: Rect;
  /**
   * Pixels per box unit at the target's depth, in place of the viewport's fit times `zoom`
   * (a 3-D panel sets it to keep its labels inside its rectangle).
   */
  scale?: number;
  /** Where on the canvas the target appears. Default: the viewport's centre. */
  anchor?: { x: number; y: number };
}

/** A projected point: canvas x, y; depth (larger is farther); scale (pixels per box unit there). */
export interface Projected {
  x: number;
  y: number;
  depth: number;
  scale: number;
}

/**
 * An orbit camera around a target, z up, with perspective or orthographic projection. The
 * scale is fixed by the viewport and zoom, never by what is drawn, so motion on screen is
 * motion of the data.
 */
export class OrbitCamera {
  readonly position: Vec3;
  readonly forward: Vec3;
  readonly right: Vec3;
  readonly up: Vec3;
  readonly perspective: boolean;
  private readonly distance: number;
  private readonly pixelsPerUnit: number;
  private readonly cx: number;
  private readonly cy: number;
  private readonly target: Vec3;

  constructor(options: CameraOptions) {
    const { azimuth, elevation, viewport } = options;
    this.target = options.target ?? [0.5, 0.5, 0.5];
    this.perspective = (options.projection ?? "perspective") === "perspective";
    this.distance = options.distance ?? 4;
    const az = (azimuth * Math.PI) / 180;
    const el = (elevation * Math.PI) / 180;
    const toCamera: Vec3 = [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];
    this.position = [
      this.target[0] + this.distance * toCamera[0],
      this.target[1] + this.distance * toCamera[1],
      this.target[2] + this.distance * toCamera[2],
    ];
    this.forward = normalize(sub(this.target, this.position));
    this.right = normalize(cross(this.forward, [0, 0, 1]));
    this.up = cross(this.right, this.forward);
    // The unit box seen from any azimuth at this elevation spans at most √2 across and
    // cos(el) + √2 sin(el) high; fit that into the viewport.
    const across = Math.SQRT2;
    const high = Math.cos(el) + Math.SQRT2 * Math.abs(Math.sin(el));
    const fit = Math.min(viewport.width / across, viewport.height / high);
    this.pixelsPerUnit = options.scale ?? fit * (options.zoom ?? 1);
    this.cx = options.anchor?.x ?? viewport.x + viewport.width / 2;
    this.cy = options.anchor?.y ?? viewport.y + viewport.height / 2;
  }

  /** Pixels per box unit at the target's depth. */
  get scale(): number {
    return this.pixelsPerUnit;
  }

  project(p: Vec3): Projected {
    const d = sub(p, this.position);
    const xc = dot(d, this.right);
    const yc = dot(d, this.up);
    const depth = dot(d, this.forward);
    // Perspective scales so that the target's depth keeps the orthographic scale.
    const s = this.perspective ? (this.pixelsPerUnit * this.distance) / depth : this.pixelsPerUnit;
    return { x: this.cx + xc * s, y: this.cy - yc * s, depth, scale: s };
  }

  /** Projects n points (flat x, y, z triples) at once, without allocating per point. */
  projectAll(points: Float64Array): { xs: Float64Array; ys: Float64Array; depths: Float64Array; scales: Float64Array } {
    const n = points.length / 3;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const depths = new Float64Array(n);
    const scales = new Float64Array(n);
    const [px, py, pz] = this.position;
    const [rx, ry, rz] = this.right;
    const [ux, uy, uz] = this.up;
    const [fx, fy, fz] = this.forward;
    for (let i = 0; i < n; i++) {
      const dx = (points[3 * i] as number) - px;
      const dy = (points[3 * i + 1] as number) - py;
      const dz = (points[3 * i + 2] as number) - pz;
      const depth = dx * fx + dy * fy + dz * fz;
      const s = this.perspective ? (this.pixelsPerUnit * this.distance) / depth : this.pixelsPerUnit;
      xs[i] = this.cx + (dx * rx + dy * ry + dz * rz) * s;
      ys[i] = this.cy - (dx * ux + dy * uy + dz * uz) * s;
      depths[i] = depth;
      scales[i] = s;
    }
    return { xs, ys, depths, scales };
  }

  /** Whether the point `p` is on the camera's side of the plane through `point` with `normal`. */
  facesCamera(point: Vec3, normal: Vec3): boolean {
    const toCamera = this.perspective
      ? sub(this.position, point)
      : ([-this.forward[0], -this.forward[1], -this.forward[2]] as Vec3);
    return dot(toCamera, normal) > 0;
  }

  /** The depth range of the unit box's corners, for depth cueing. */
  boxDepthRange(): [number, number] {
    let near = Number.POSITIVE_INFINITY;
    let far = Number.NEGATIVE_INFINITY;
    for (const corner of BOX_CORNERS) {
      const { depth } = this.project(corner);
      near = Math.min(near, depth);
      far = Math.max(far, depth);
    }
    return [near, far];
  }
}
