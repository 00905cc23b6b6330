import { benchCommand } from "../src/cli/bench.ts";

process.exitCode = await benchCommand(process.argv.slice(2));
