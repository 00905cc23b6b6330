// Runs one render in this process, then reports the process's peak resident memory, so the
// benchmark measures netreel's own memory and not ffmpeg's. Used by `npm run bench`.
import { renderCommand } from "../src/cli/render.ts";

const code = await renderCommand(process.argv.slice(2));
process.stdout.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
