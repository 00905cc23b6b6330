#!/usr/bin/env node
// The package's bin: `npx netreel render scenes/hidden.ts` (and `npm run render`, `npm run train`).
// Runs netreel from its bundle, or from the TypeScript sources through tsx (bundle.cjs says when).
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import bundle from "./bundle.cjs";

// This process trains and then, for a render, waits on the scene's processes and ffmpeg. Its
// young generation is kept at its first size: V8 grew it to 16 MB semi-spaces for training,
// which allocates fast and keeps much, and the render's small per-frame garbage then filled
// those pages slowly: 107 MB at peak for 12 s of hidden.ts and 127 MB for 120 s, against 78
// and 81 MB now, with training no slower. (V8 reads this flag when it grows the space, so it
// holds even set here.)
v8.setFlagsFromString("--semi-space-growth-factor=1");

// A signal while the bundle is built (the first run after an edit to src/, about a second) is
// kept until it is, then held like any other that comes while netreel loads (hold-signals.ts):
// its default action would end this process mid-build and leave esbuild running.
const early = [];
const keep = (signal) => early.push(signal);
process.on("SIGINT", keep).on("SIGTERM", keep);
const dir = bundle.bundleDir();
if (dir === null) (await import("tsx/esm/api")).register();
const entry = (name) => import(pathToFileURL(bundle.entryFile(dir, name)).href);

// Signals are held before anything else loads (hold-signals.ts).
const { holdSignals, exitCodeOfHeld } = await entry("hold-signals");
holdSignals();
process.off("SIGINT", keep).off("SIGTERM", keep);
for (const signal of early) process.emit(signal, signal);
const { exitQuietlyWhenOutputCloses } = await entry("cli-errors");
exitQuietlyWhenOutputCloses();
const { main } = await entry("main");
// process.exit, not process.exitCode: ending by an empty event loop, Node closes its signal
// handles first and so restores the signals' default action, and a Ctrl-C landing in that
// moment would end the process "killed by SIGINT" with no exit code, after everything was
// done (seen in CI). process.exit ends it at once, with the command's own code.
process.exit(exitCodeOfHeld(await main(process.argv.slice(2))));
