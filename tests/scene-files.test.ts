// Which scenes a folder holds, and in which order: render-all and the gallery take a course's
// scenes in the lesson order its order.txt gives.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { sceneFiles } from "../src/cli/scene-files.ts";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "netreel-scenes-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
const scene = "export default {};\n";

test("a folder's scenes: order.txt's first, in its order, then the rest by name; helpers are not scenes", () => {
  const dir = folder({
    "a.ts": scene,
    "b.ts": scene,
    "c.ts": scene,
    "helper.ts": "export const x = 1;\n",
    "order.txt": "# lesson\nc.ts\n\na.ts\n",
  });
  try {
    assert.deepEqual(
      sceneFiles([dir]),
      ["c.ts", "a.ts", "b.ts"].map((f) => path.join(dir, f)),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("without order.txt, by name", () => {
  const dir = folder({ "b.ts": scene, "a.ts": scene });
  try {
    assert.deepEqual(
      sceneFiles([dir]),
      ["a.ts", "b.ts"].map((f) => path.join(dir, f)),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("an order naming a scene that is not there is refused in one line naming the line", () => {
  const dir = folder({ "a.ts": scene, "order.txt": "a.ts\n\nmissing.ts\n" });
  try {
    assert.throws(() => sceneFiles([dir]), {
      name: "UsageError",
      message: `${path.join(dir, "order.txt")}, line 3: missing.ts is not a scene in ${dir}; fix or remove the line`,
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("the committed scenes/order.txt is valid: every line names a scene there, none twice", () => {
  assert.equal(new Set(sceneFiles(["scenes"])).size, sceneFiles(["scenes"]).length);
});
