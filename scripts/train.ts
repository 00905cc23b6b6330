import { trainCommand } from "../src/cli/train.ts";

process.exitCode = trainCommand(process.argv.slice(2));
