import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "../paths.ts";
import { Studio } from "../studio/server.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface Shown {
  index: number;
  version: number;
  at: number;
  count: number;
}

/**
 * The studio's targets, measured in headless Chromium on a copy of scenes/hidden.ts at 640x360:
 * a save (training unchanged) to the redrawn frame on the page, and frames shown a second while
 * the scrubber is dragged across the clip. Long on purpose: a script of measurements, each
 * printed as soon as it is made.
 */
export async function benchStudio(): Promise<void> {
  console.log("studio: scenes/hidden.ts (a copy) at 640x360 in headless Chromium");
  if (!existsSync(CHROMIUM)) {
    console.log(`  not measured: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const project = mkdtempSync(path.join(tmpdir(), "netreel-bench-studio-"));
  mkdirSync(path.join(project, "scenes"));
  writeFileSync(path.join(project, "package.json"), '{ "type": "module" }\n');
  const original = readFileSync(path.join(ROOT, "scenes/hidden.ts"), "utf8").replace(
    '"../src/index.ts"',
    JSON.stringify(path.join(ROOT, "src/index.ts")),
  );
  const file = path.join(project, "scenes/hidden.ts");
  writeFileSync(file, original);
  const studio = new Studio({ root: project, scene: file });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const url = await studio.start();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}&frame=200`);
    const shown = () => page.evaluate(() => (window as unknown as { studio: { shown: Shown } }).studio.shown);
    const waitFor = async (check: (s: Shown) => boolean, ms = 60_000) => {
      const start = Date.now();
      for (;;) {
        const s = await shown();
        if (check(s)) return s;
        if (Date.now() - start > ms) throw new Error("the studio's page did not show the frame in time");
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await waitFor((s) => s.count > 0 && s.index === 200);

    // A save whose training did not change: the caption text differs, the run is reused.
    const latencies: number[] = [];
    for (let round = 0; round < 7; round++) {
      const before = await shown();
      // Let the warm process come up again after the previous reload, as between two saves.
      await new Promise((r) => setTimeout(r, 1500));
      const saved = Date.now();
      if (process.env.NETREEL_STUDIO_TRACE) console.log(`saved at ${saved % 100000}`);
      writeFileSync(file, original.replace("Before training", `Before training (${round})`));
      const after = await waitFor((s) => s.version > before.version);
      latencies.push(after.at - saved);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `  save to redrawn frame on the page, median of ${latencies.length} ${latencies[3]} ms (best ${latencies[0]}, worst ${latencies.at(-1)})   (target <= 300 ms)`,
    );
    // Save, see the frame, spot a typo, save again 0.3 s later.
    const quick: number[] = [];
    for (let round = 0; round < 5; round++) {
      const before = await shown();
      await new Promise((r) => setTimeout(r, 1500));
      writeFileSync(file, original.replace("Before training", `Before training [${round}]`));
      const first = await waitFor((s) => s.version > before.version);
      await new Promise((r) => setTimeout(r, 300));
      const saved = Date.now();
      writeFileSync(file, original.replace("Before training", `Before training [${round}b]`));
      const after = await waitFor((s) => s.version > first.version);
      quick.push(after.at - saved);
    }
    quick.sort((a, b) => a - b);
    console.log(
      `  a second save 0.3 s after the first redraw, median of ${quick.length} ${quick[2]} ms (best ${quick[0]}, worst ${quick.at(-1)})`,
    );

    // Dragging the scrubber: a new frame wanted at every animation frame for 4 s.
    // (A string, not a function: tsx's compiled functions call a helper the page does not have.)
    const result = (await page.evaluate(`new Promise((resolve) => {
      const start = performance.now();
      const first = window.studio.shown.count;
      const step = (now) => {
        const t = (now - start) / 1000;
        if (t >= 4) return resolve({ shown: window.studio.shown.count - first, seconds: t });
        window.studio.seek(Math.floor(t * 90) % 360);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    })`)) as { shown: number; seconds: number };
    console.log(
      `  scrubbing: ${(result.shown / result.seconds).toFixed(1)} frames shown a second while dragging across the clip   (target >= 20)`,
    );
  } finally {
    await browser.close();
    await studio.close();
    rmSync(project, { recursive: true, force: true });
  }
}
