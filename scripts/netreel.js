#!/usr/bin/env node
// The package's bin: `npx netreel render scenes/hidden.ts` (and `npm run render`, `npm run train`).
// Runs netreel from its bundle, or from the TypeScript sources through tsx (bundle.cjs says when).
import { pathToFileURL } from "node:url";
import bundle from "./bundle.cjs";

const dir = bundle.bundleDir();
if (dir === null) (await import("tsx/esm/api")).register();
const entry = (name) => import(pathToFileURL(bundle.entryFile(dir, name)).href);

// Signals are held before anything else loads (hold-signals.ts).
const { holdSignals, exitCodeOfHeld } = await entry("hold-signals");
holdSignals();
const { exitQuietlyWhenOutputCloses } = await entry("cli-errors");
exitQuietlyWhenOutputCloses();
const { main } = await entry("main");
process.exitCode = exitCodeOfHeld(await main(process.argv.slice(2)));
