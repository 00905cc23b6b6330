import { exitQuietlyWhenOutputCloses } from "../src/cli/errors.ts";
import { renderCommand } from "../src/cli/render.ts";

exitQuietlyWhenOutputCloses();
process.exitCode = await renderCommand(process.argv.slice(2));
