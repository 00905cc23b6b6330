#!/usr/bin/env node
// The package's bin: `npx netreel render scenes/hidden.ts`. Runs the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
// Signals are held before anything else loads (hold-signals.ts).
const { holdSignals, exitCodeOfHeld } = await import("../src/cli/hold-signals.ts");
holdSignals();
const { exitQuietlyWhenOutputCloses } = await import("../src/cli/errors.ts");
exitQuietlyWhenOutputCloses();
const { main } = await import("../src/cli/main.ts");
process.exitCode = exitCodeOfHeld(await main(process.argv.slice(2)));
