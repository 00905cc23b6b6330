#!/usr/bin/env node
// The package's bin: `npx netreel render scenes/hidden.ts`. Runs the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
const { exitQuietlyWhenOutputCloses } = await import("../src/cli/errors.ts");
exitQuietlyWhenOutputCloses();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
