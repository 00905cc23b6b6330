// `npm run train`. Signals are held before anything else loads (hold-signals.ts).
import { holdSignals } from "../src/cli/hold-signals.ts";

holdSignals();
const { exitQuietlyWhenOutputCloses } = await import("../src/cli/errors.ts");
const { trainCommand } = await import("../src/cli/train.ts");
const { exitCodeOfHeld } = await import("../src/cli/hold-signals.ts");

exitQuietlyWhenOutputCloses();
process.exitCode = exitCodeOfHeld(await trainCommand(process.argv.slice(2)));
