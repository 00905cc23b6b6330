// `npm run render`. Signals are held before anything else loads (hold-signals.ts).
import { holdSignals } from "../src/cli/hold-signals.ts";

holdSignals();
const { exitQuietlyWhenOutputCloses } = await import("../src/cli/errors.ts");
const { renderCommand } = await import("../src/cli/render.ts");
const { exitCodeOfHeld } = await import("../src/cli/hold-signals.ts");

exitQuietlyWhenOutputCloses();
process.exitCode = exitCodeOfHeld(await renderCommand(process.argv.slice(2)));
