import { renderCommand } from "../src/cli/render.ts";

process.exitCode = await renderCommand(process.argv.slice(2));
