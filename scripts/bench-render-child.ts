// Runs one render in this process, then reports netreel's peak resident memory and CPU time
// (this process and the one that ran the scene's code, added), so the benchmark can tell
// netreel's share from ffmpeg's. Used by `npm run bench`.
import { parseRenderArgs } from "../src/cli/render-options.ts";
import { renderScene } from "../src/render/render.ts";

const args = parseRenderArgs(process.argv.slice(2));
const result = await renderScene({
  scene: args.scene,
  formats: args.formats,
  ...(args.out !== undefined ? { out: args.out } : {}),
  ...(args.duration !== undefined ? { duration: args.duration } : {}),
});
const usage = process.resourceUsage();
const scene = result.sceneProcess ?? { maxRssMb: 0, cpuSeconds: 0 };
const maxRssKb = usage.maxRSS + scene.maxRssMb * 1024;
const cpuUs = usage.userCPUTime + usage.systemCPUTime + scene.cpuSeconds * 1e6;
process.stdout.write(
  `maxrss_kb=${Math.round(maxRssKb)} cpu_us=${Math.round(cpuUs)} supervisor_rss_kb=${usage.maxRSS} scene_rss_kb=${Math.round(scene.maxRssMb * 1024)}\n`,
);
