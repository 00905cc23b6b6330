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

  stamp(ctx: CanvasRenderingContext2D, radius: number, x: number, y: number): void {
    const eighths = Math.max(4, Math.round(radius * 8));
    const fx = Math.floor(x);
    const fy = Math.floor(y);
    const qx = Math.round((x - fx) * 4);
    const qy = Math.round((y - fy) * 4);
    const key = (eighths * 5 + qx) * 5 + qy;
    let image = this.images.get(key);
    const pad = Math.ceil(eighths / 8 + this.lineWidth) + 1;
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
    ctx.drawImage(image, fx - pad, fy - pad);
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
