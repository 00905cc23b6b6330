import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const goldenDir = path.join(root, "tests/golden");
const failureDir = path.join(root, "output/test-failures");

/**
 * Compares a rendered PNG with tests/golden/<name>.png using pixelmatch. A failure writes the
 * actual image and a diff under output/test-failures/ and names them. UPDATE_SNAPSHOTS=1
 * rewrites the golden instead (look at the new image before committing it).
 */
export function expectMatchesGolden(name: string, png: Buffer, options: { maxDiffPixels?: number } = {}): void {
  const golden = path.join(goldenDir, `${name}.png`);
  if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(golden)) {
    if (!existsSync(golden) && process.env.CI)
      assert.fail(`no golden image ${golden}; run UPDATE_SNAPSHOTS=1 npm test`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(golden, png);
    return;
  }
  const expected = PNG.sync.read(readFileSync(golden));
  const actual = PNG.sync.read(png);
  assert.deepEqual(
    [actual.width, actual.height],
    [expected.width, expected.height],
    `${name}: size differs from the golden`,
  );
  const diff = new PNG({ width: actual.width, height: actual.height });
  // threshold 0.1 is pixelmatch's own default sensitivity (per-pixel colour distance, YIQ).
  const mismatched = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, { threshold: 0.1 });
  const allowed = options.maxDiffPixels ?? Math.ceil(actual.width * actual.height * 0.001);
  if (mismatched > allowed) {
    mkdirSync(failureDir, { recursive: true });
    const actualPath = path.join(failureDir, `${name}.actual.png`);
    const diffPath = path.join(failureDir, `${name}.diff.png`);
    writeFileSync(actualPath, png);
    writeFileSync(diffPath, PNG.sync.write(diff));
    assert.fail(
      `${name}: ${mismatched} pixels differ from ${path.relative(root, golden)} (allowed ${allowed}); see ${path.relative(root, actualPath)} and ${path.relative(root, diffPath)}`,
    );
  }
}
