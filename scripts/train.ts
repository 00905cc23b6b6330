import { exitQuietlyWhenOutputCloses } from "../src/cli/errors.ts";
import { trainCommand } from "../src/cli/train.ts";

exitQuietlyWhenOutputCloses();
process.exitCode = await trainCommand(process.argv.slice(2));
