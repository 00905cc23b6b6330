import { type Canvas, type CanvasRenderingContext2D, createCanvas } from "canvas";

/**
 * Dots of one style (fill, outline, line width), stamped from small pre-drawn images instead
 * of being filled and stroked one by one (about 10x faster in cairo). Each image is drawn for
 * a radius rounded to 1/8 px and a position rounded to 1/4 px, then placed at whole pixels,
 * so dots stay sharp and still move smoothly. The cache only memoises: an image depends on
 * its key alone, so frames stay pure.
 */
export class DotStamps {
  private readonly images = new Map<number, Canvas>();

  constructor(
    private readonly fill: string,
    private readonly outline: string,
    private readonly lineWidth: number,
  ) {}

  /**
   * Stamps a dot centred at (x, y). `alpha` (rounded to 1/32) is baked into the image rather
   * than set on the context: changing globalAlpha for every dot costs cairo about as much as
   * a fifth of the stamping itself.
   */
  stamp(ctx: CanvasRenderingContext2D, radius: number, x: number, y: number, alpha = 1): void {
    const eighths = Math.max(4, Math.round(radius * 8));
    const fx = Math.floor(x);
    const fy = Math.floor(y);
    const qx = Math.round((x - fx) * 4);
    const qy = Math.round((y - fy) * 4);
    const a32 = Math.max(1, Math.min(32, Math.round(alpha * 32)));
    const key = ((eighths * 5 + qx) * 5 + qy) * 33 + a32;
    const pad = Math.ceil(eighths / 8 + this.lineWidth) + 1;
    let image = this.images.get(key);
    if (!image) {
      image = createCanvas(2 * pad + 1, 2 * pad + 1);
      const c = image.getContext("2d");
      // The opaque dot first, then that image at the alpha: the same pixels as stamping the
      // opaque dot with globalAlpha set.
      c.globalAlpha = a32 / 32;
      c.drawImage(this.opaque(eighths, qx, qy, pad), 0, 0);
      this.images.set(key, image);
    }
    ctx.drawImage(image, fx - pad, fy - pad);
  }

  private opaque(eighths: number, qx: number, qy: number, pad: number): Canvas {
    const key = -((eighths * 5 + qx) * 5 + qy) - 1;
    let image = this.images.get(key);
    if (!image) {
      image = createCanvas(2 * pad + 1, 2 * pad + 1);
      const c = image.getContext("2d");
      c.beginPath();
      c.arc(pad + qx / 4, pad + qy / 4, eighths / 8, 0, 2 * Math.PI);
      c.fillStyle = this.fill;
      c.fill();
      c.lineWidth = this.lineWidth;
      c.strokeStyle = this.outline;
      c.stroke();
      this.images.set(key, image);
    }
    return image;
  }
}

const stampSets = new Map<string, DotStamps>();

/** The shared stamps of one dot style. */
export function stampsFor(fill: string, outline: string, lineWidth: number): DotStamps {
  const key = `${fill}|${outline}|${lineWidth}`;
  let stamps = stampSets.get(key);
  if (!stamps) {
    stamps = new DotStamps(fill, outline, lineWidth);
    stampSets.set(key, stamps);
  }
  return stamps;
}
