import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type CanvasRenderingContext2D, createCanvas } from "canvas";
import { vec3 } from "../src/draw/geometry.ts";
import {
  bestFitNormal,
  clipPlaneToBox,
  drawAxesBoxBack,
  drawAxesBoxFront,
  drawCaption,
  drawHeader,
  drawLegend,
  drawLinePlot,
  drawPanel3d,
  drawSpace3d,
  frameLayout,
  LIGHT,
  niceTicks,
  tickDecimals,
  OrbitCamera,
  paintFor,
  registerFonts,
  shortestTurn,
  type Vec3,
  viewAcrossPlane,
} from "../src/draw/index.ts";
import { cachedLabelCount, fillTextCached } from "../src/draw/textcache.ts";
import { stream } from "../src/random/index.ts";
import { expectMatchesGolden } from "./golden.ts";

registerFonts();
const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const W = 320;
const H = 180;

function paint(draw: (ctx: CanvasRenderingContext2D) => void, width = W, height = H): Buffer {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = LIGHT.background;
  ctx.fillRect(0, 0, width, height);
  draw(ctx);
  return canvas.toBuffer("image/png");
}

const viewport = { x: 40, y: 20, width: 240, height: 130 };

/** 400 seeded points in two clusters of the unit box. */
function cloud(): { points: Float64Array; labels: Uint8Array } {
  const random = stream("draw-test", "data");
  const points = new Float64Array(400 * 3);
  const labels = new Uint8Array(400);
  for (let i = 0; i < 400; i++) {
    labels[i] = i % 2;
    const c = i % 2 ? [0.7, 0.3, 0.6] : [0.3, 0.6, 0.3];
    for (let k = 0; k < 3; k++) points[3 * i + k] = Math.min(1, Math.max(0, (c[k] as number) + random.normal(0, 0.1)));
  }
  return { points, labels };
}

describe("golden images of the drawing blocks (320x180)", () => {
  for (const [azimuth, elevation] of [
    [-60, 30],
    [30, 20],
    [135, 45],
    [-150, -15],
  ] as const) {
    test(`axes box from azimuth ${azimuth}, elevation ${elevation}`, () => {
      const png = paint((ctx) => {
        const camera = new OrbitCamera({ azimuth, elevation, viewport: { x: 60, y: 25, width: 200, height: 120 } });
        drawAxesBoxBack(ctx, camera, { theme: LIGHT, unit: 0.4 });
        drawAxesBoxFront(ctx, camera, { theme: LIGHT, unit: 0.4 });
      });
      expectMatchesGolden(`axes-az${azimuth}-el${elevation}`, png);
    });
  }

  test("looking along h2: its numbers, which switch sides of the box here, are left out", () => {
    const png = paint((ctx) => {
      const camera = new OrbitCamera({
        azimuth: -90,
        elevation: 25,
        viewport: { x: 60, y: 25, width: 200, height: 120 },
      });
      drawAxesBoxBack(ctx, camera, { theme: LIGHT, unit: 0.4 });
      drawAxesBoxFront(ctx, camera, { theme: LIGHT, unit: 0.4 });
    });
    expectMatchesGolden("axes-along-h2", png);
  });

  test("orthographic axes box", () => {
    const png = paint((ctx) => {
      const camera = new OrbitCamera({ azimuth: -60, elevation: 30, projection: "orthographic", viewport });
      drawAxesBoxBack(ctx, camera, { theme: LIGHT, unit: 0.4 });
      drawAxesBoxFront(ctx, camera, { theme: LIGHT, unit: 0.4 });
    });
    expectMatchesGolden("axes-orthographic", png);
  });

  test("depth-sorted scatter with a plane between the clusters", () => {
    const { points, labels } = cloud();
    const png = paint((ctx) => {
      const camera = new OrbitCamera({ azimuth: -50, elevation: 25, viewport });
      drawSpace3d(ctx, camera, {
        theme: LIGHT,
        unit: 0.4,
        points,
        labels,
        plane: { normal: [1, -0.8, 0.7], offset: -0.45 },
        radius: 4,
      });
    });
    expectMatchesGolden("scatter-plane", png);
  });

  for (const [name, view] of [
    ["whole", { azimuth: -60, elevation: 25 }],
    ["close", { azimuth: -60, elevation: 25, zoom: 2.5, target: [0.3, 0.6, 0.3] as Vec3 }],
  ] as const) {
    test(`a 3-D panel keeps its box and labels inside its rectangle (${name})`, () => {
      const { points, labels } = cloud();
      const rect = { x: 20, y: 15, width: 200, height: 150 };
      const png = paint((ctx) => {
        ctx.strokeStyle = LIGHT.grid;
        ctx.strokeRect(rect.x - 0.5, rect.y - 0.5, rect.width + 1, rect.height + 1);
        drawPanel3d({ ...paintFor(ctx, { width: W, height: H }, LIGHT), unit: 0.4 }, rect, {
          view: { ...view, distance: 5 },
          points,
          labels,
          plane: { normal: [1, -0.8, 0.7], offset: -0.45 },
        });
      });
      expectMatchesGolden(`panel3d-${name}`, png);
    });
  }

  test("line plot, header, legend and caption text", () => {
    const png = paint(
      (ctx) => {
        const layout = frameLayout(640, 360);
        const u = layout.unit;
        drawHeader(ctx, layout.header, {
          theme: LIGHT,
          unit: u,
          title: "Text at 360p",
          status: [
            { label: "epoch", value: "12.4" },
            { label: "loss", value: "0.0132" },
          ],
        });
        const xs = Array.from({ length: 31 }, (_, i) => i);
        drawLinePlot(ctx, layout.side, {
          theme: LIGHT,
          unit: u,
          title: "loss",
          xs,
          ys: xs.map((x) => 0.2 * Math.exp(-x / 8)),
          upTo: 17.5,
          xRange: [0, 30],
          yRange: [0, 0.2],
          xLabel: "epoch",
        });
        drawLegend(
          ctx,
          { x: layout.main.x + 10, y: layout.main.y + 10 },
          [
            { label: "outer (y = 0)", color: LIGHT.classes[0] as string, outline: LIGHT.classOutlines[0] as string },
            { label: "inner (y = 1)", color: LIGHT.classes[1] as string, outline: LIGHT.classOutlines[1] as string },
          ],
          { theme: LIGHT, unit: u },
        );
        drawCaption(ctx, layout.caption, "Captions say what to notice now.", { theme: LIGHT, unit: u });
      },
      640,
      360,
    );
    expectMatchesGolden("text-and-plot", png);
  });
});

describe("drawing geometry", () => {
  test("a plane through the box centre clips to a polygon on the box's faces", () => {
    const square = clipPlaneToBox([0, 0, 1], -0.5);
    assert.equal(square.length, 4);
    for (const p of square) assert.equal(p[2], 0.5);
    const hexagon = clipPlaneToBox([1, 1, 1], -1.5);
    assert.equal(hexagon.length, 6);
    for (const p of hexagon) assert.ok(Math.abs(p[0] + p[1] + p[2] - 1.5) < 1e-12);
    assert.deepEqual(clipPlaneToBox([1, 0, 0], -2), []);
    // Corners in order around the polygon: consecutive corners share a face of the box.
    for (let i = 0; i < hexagon.length; i++) {
      const a = hexagon[i] as Vec3;
      const b = hexagon[(i + 1) % hexagon.length] as Vec3;
      assert.ok(
        [0, 1, 2].some((k) => (a[k] === 0 && b[k] === 0) || (a[k] === 1 && b[k] === 1)),
        `corners ${i} and ${i + 1}`,
      );
    }
  });

  test("the clipped polygon moves continuously as the plane sweeps past the box's corners and edges", () => {
    // The same kind of plane as hidden.ts's near 5 s: small x weight, so its corners run fast
    // along x edges, and it passes through (0, 0, 0) and (1, 1, 1) on the way.
    const normal: Vec3 = [-0.53, 2.03, -1.34];
    const distance = (a: Vec3[], b: Vec3[]) => {
      const nearest = (p: Vec3, set: Vec3[]) =>
        Math.min(...set.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])));
      return Math.max(...a.map((p) => nearest(p, b)), ...b.map((p) => nearest(p, a)));
    };
    const step = 1e-3;
    let previous: Vec3[] = [];
    for (let offset = -0.9; offset <= 1.85; offset += step) {
      const polygon = clipPlaneToBox(normal, offset);
      for (let i = 0; i < polygon.length; i++) {
        for (let j = i + 1; j < polygon.length; j++) {
          assert.ok(distance([polygon[i] as Vec3], [polygon[j] as Vec3]) > 0, `a repeated corner at offset ${offset}`);
        }
      }
      if (previous.length && polygon.length) {
        // A corner moves along its edge at |d offset| / |normal component|: at most step / 0.53.
        assert.ok(distance(previous, polygon) <= step / 0.53 + 1e-9, `a jump at offset ${offset.toFixed(4)}`);
      }
      previous = polygon;
    }
    // Exactly through a corner and along an edge: each box corner it holds appears once.
    assert.equal(clipPlaneToBox([1, 1, 1], 0).length, 0);
    assert.equal(clipPlaneToBox([1, -1, 0], 0).length, 4);
    assert.equal(clipPlaneToBox([1, 1, 1], -1).length, 3);
  });

  test("the camera fits the box in the viewport from every azimuth, at a scale that does not change", () => {
    const extent = (azimuth: number) => {
      const camera = new OrbitCamera({ azimuth, elevation: 20, projection: "orthographic", viewport });
      const corners = [0, 1].flatMap((x) => [0, 1].flatMap((y) => [0, 1].map((z) => camera.project([x, y, z]))));
      const xs = corners.map((p) => p.x);
      const ys = corners.map((p) => p.y);
      return {
        width: Math.max(...xs) - Math.min(...xs),
        height: Math.max(...ys) - Math.min(...ys),
        scale: corners[0]?.scale,
      };
    };
    for (const az of [-170, -90, -45, 0, 45, 90, 135]) {
      const e = extent(az);
      assert.ok(e.width <= viewport.width + 1e-9 && e.height <= viewport.height + 1e-9, `azimuth ${az}`);
      assert.equal(e.scale, extent(0).scale);
    }
    // Here the height binds: seen from 45°, the box is as tall as the viewport.
    assert.ok(Math.abs(extent(45).height - viewport.height) < 1e-6);
  });

  test("nearer points project larger under perspective", () => {
    const camera = new OrbitCamera({ azimuth: 0, elevation: 0, viewport });
    assert.ok(camera.project([1, 0.5, 0.5]).scale > camera.project([0, 0.5, 0.5]).scale);
  });

  test("viewAcrossPlane finds a view at the asked grazing angle", () => {
    const normal: Vec3 = [0.3, -0.8, 0.5];
    const view = viewAcrossPlane(normal, { tilt: 15 });
    const a = (view.azimuth * Math.PI) / 180;
    const e = (view.elevation * Math.PI) / 180;
    const toCamera = [Math.cos(e) * Math.cos(a), Math.cos(e) * Math.sin(a), Math.sin(e)];
    const length = Math.hypot(...normal);
    const facing = Math.abs(toCamera.reduce((s, v, k) => s + v * (normal[k] as number), 0) / length);
    assert.ok(
      Math.abs(Math.asin(facing) - (15 * Math.PI) / 180) < 0.02,
      `grazing angle ${(Math.asin(facing) * 180) / Math.PI}°`,
    );
  });

  test("bestFitNormal finds the normal of points lying on a tilted plane", () => {
    const random = stream("plane", "data");
    const normal = [0.36, -0.48, 0.8]; // unit length
    const points = Array.from({ length: 300 }, () => {
      const u = random.normal();
      const v = random.normal();
      // Two directions in the plane, both orthogonal to the normal: (0.8, 0.6, 0) and normal x that.
      return [0.8 * u - 0.48 * v, 0.6 * u + 0.64 * v, 0.6 * v].map(
        (x, k) => x + 0.5 + 0.001 * random.normal() * (normal[k] as number),
      );
    });
    const found = bestFitNormal(points);
    const cosine = Math.abs(found.reduce((s, x, k) => s + x * (normal[k] as number), 0));
    assert.ok(cosine > 0.9999, `|cos| = ${cosine}`);
  });

  test("vec3 takes a list of exactly three numbers", () => {
    assert.deepEqual(vec3([0.5, -1, 2]), [0.5, -1, 2]);
    assert.throws(() => vec3([1, 2]), /a Vec3 needs 3 numbers, got 2/);
    assert.throws(() => vec3([1, 2, 3, 4]), /a Vec3 needs 3 numbers, got 4/);
  });

  test("shortestTurn goes the short way round", () => {
    assert.equal(shortestTurn(170, -170), 20);
    assert.equal(shortestTurn(-170, 170), -20);
    assert.equal(shortestTurn(10, 100), 90);
  });

  test("nice ticks", () => {
    assert.deepEqual(niceTicks(0, 30, 4), [0, 10, 20, 30]);
    assert.deepEqual(niceTicks(0, 0.2, 3), [0, 0.1, 0.2]);
    assert.deepEqual(niceTicks(0.4, 1, 3), [0.4, 0.6, 0.8, 1]);
  });

  test("tick decimals print every tick exactly, not only the step", () => {
    assert.equal(tickDecimals([0, 2.5, 5, 7.5]), 1);
    assert.equal(tickDecimals([0, 0.25, 0.5]), 2);
    assert.equal(tickDecimals([0, 5, 10]), 0);
    assert.equal(tickDecimals([0.4, 0.6, 0.8, 1]), 1);
    assert.equal(tickDecimals([-10, 0, 10, 20]), 0);
    assert.equal(tickDecimals([0, 0.001, 0.002]), 3);
    // Every tick of a nice list prints as itself, and no two alike.
    for (const [low, high, count] of [
      [0, 7.5, 3],
      [0, 0.5, 2],
      [-1, 1, 8],
      [0, 1e-3, 4],
      [0, 250, 4],
    ] as const) {
      const ticks = niceTicks(low, high, count);
      const labels = ticks.map((t) => t.toFixed(tickDecimals(ticks)));
      assert.deepEqual(labels.map(Number), ticks, `${labels}`);
    }
    // Values no decimal count prints exactly get the step's decimals, distinct.
    const thirds = [0, 1 / 3, 2 / 3, 1];
    assert.equal(new Set(thirds.map((t) => t.toFixed(tickDecimals(thirds)))).size, 4);
    assert.ok(tickDecimals(thirds) <= 4);
  });
});

const rewriting = process.env.UPDATE_SNAPSHOTS === "1" ? "UPDATE_SNAPSHOTS=1 rewrites instead of comparing" : false;

test("a failed golden comparison names the actual and diff images it wrote under output/", { skip: rewriting }, () => {
  const golden = paint((ctx) => {
    ctx.fillStyle = "#0072B2";
    ctx.fillRect(10, 10, 100, 100);
  });
  const name = "self-test-golden";
  const goldenPath = path.join(root, "tests/golden", `${name}.png`);
  writeFileSync(goldenPath, golden);
  try {
    const different = paint((ctx) => {
      ctx.fillStyle = "#D55E00";
      ctx.fillRect(10, 10, 100, 100);
    });
    assert.throws(
      () => expectMatchesGolden(name, different),
      /10000 pixels differ from tests\/golden\/self-test-golden\.png \(allowed 58\); see output\/test-failures\/self-test-golden\.actual\.png and output\/test-failures\/self-test-golden\.diff\.png/,
    );
    assert.ok(existsSync(path.join(root, "output/test-failures", `${name}.actual.png`)));
    assert.ok(existsSync(path.join(root, "output/test-failures", `${name}.diff.png`)));
    expectMatchesGolden(name, golden);
  } finally {
    rmSync(goldenPath, { force: true });
  }
});

test("the label cache stays bounded however many different labels a long video draws", () => {
  const ctx = createCanvas(200, 50).getContext("2d");
  const style = { font: "16px sans-serif", color: "#000" };
  for (let i = 0; i < 5000; i++) {
    fillTextCached(ctx, "epoch", 10, 30, style);
    fillTextCached(ctx, `loss ${(i / 5000).toFixed(4)}`, 60, 30, style);
  }
  assert.ok(cachedLabelCount() <= 1000, `${cachedLabelCount()} labels cached`);
});
