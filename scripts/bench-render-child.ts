// Runs one render in this process, then reports the process's peak resident memory and its own
// CPU time, so the benchmark can tell netreel's share from ffmpeg's. Used by `npm run bench`.
import { renderCommand } from "../src/cli/render.ts";

const code = await renderCommand(process.argv.slice(2));
const usage = process.resourceUsage();
process.stdout.write(`maxrss_kb=${usage.maxRSS} cpu_us=${usage.userCPUTime + usage.systemCPUTime}\n`);
process.exitCode = code;
