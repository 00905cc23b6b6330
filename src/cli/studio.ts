import { spawn } from "node:child_process";
import { Interrupted } from "../render/errors.ts";
import { Studio } from "../studio/server.ts";
import { commandArgs } from "./args.ts";
import { EXIT, parseArgsError, report, UsageError } from "./errors.ts";
import { InterruptWatch } from "./interrupts.ts";

export const STUDIO_HELP = `Usage: npx netreel studio [SCENE] [--port N] [--open]
       npm run studio -- [SCENE] [--port N] [--open]

A live preview in the browser: the scene's frames, drawn by the same code as
'netreel render' (the same pixels as --frame N at the preview's size), a
timeline to scrub and play, its beats marked, and every scene in scenes/ to
switch between. Saving the scene (or a file under scenes/ or src/) redraws the
frame; its training runs again only when its config changed. Errors show on the
page with file:line:column. "Save PNG" writes output/<scene>-frame<N>.png and
"Render MP4" output/<scene>.mp4, both at the scene's own size.

The server listens on 127.0.0.1 only and serves its page, the listed scenes'
frames and the files in output/. Ctrl-C stops it and any render it started.

Options:
  --port N            the port (default: a free one)
  --open              open the page in the default browser (xdg-open)
  --frame-timeout S   seconds the scene may take for one frame (default 10)
  --quiet             print only the URL and errors
  --help              show this help
`;

/** `netreel studio`: runs until Ctrl-C; returns the exit code. */
export async function studioCommand(argv: string[]): Promise<number> {
  let verbose = argv.includes("--verbose");
  const interrupts = new InterruptWatch();
  let studio: Studio | null = null;
  try {
    const { values, scene, port, timeout } = parseStudioArgs(argv);
    verbose = values.verbose;
    if (values.help) {
      process.stdout.write(STUDIO_HELP);
      return EXIT.ok;
    }
    const quiet = values.quiet;
    studio = new Studio({
      root: process.cwd(),
      ...(scene !== undefined ? { scene } : {}),
      port,
      frameTimeoutSeconds: timeout,
      log: (line) => {
        if (!quiet) process.stderr.write(`${line}\n`);
      },
    });
    const url = await studio.start().catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        throw new UsageError(`port ${port} is in use; choose another with --port or leave it out`);
      if (error.code === "EACCES") throw new UsageError(`port ${port} needs privileges; choose one above 1023`);
      throw error;
    });
    process.stdout.write(`netreel studio: ${url}\n`);
    if (!quiet) process.stderr.write("(Ctrl-C stops it)\n");
    if (values.open) openInBrowser(url);
    await new Promise<void>((resolve) => interrupts.signal.addEventListener("abort", () => resolve(), { once: true }));
    await studio.close();
    studio = null;
    throw interrupts.signal.reason instanceof Interrupted ? interrupts.signal.reason : new Interrupted();
  } catch (error) {
    if (error instanceof Interrupted) {
      // Stopping is how a studio ends: say so briefly.
      process.stderr.write("netreel studio: stopped\n");
      return error.signal === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
    }
    return report("studio", parseArgsError(error), verbose);
  } finally {
    await studio?.close();
    interrupts.close();
  }
}

/** The studio's command line, checked: one line for each bad value. */
function parseStudioArgs(argv: string[]) {
  const { values, positionals } = commandArgs(argv, {
    port: { type: "string" },
    open: { type: "boolean", default: false },
    "frame-timeout": { type: "string" },
    quiet: { type: "boolean", default: false },
  });
  if (values.help) return { values, scene: undefined, port: 0, timeout: 10 };
  if (positionals.length > 1) throw new UsageError("studio opens one scene at a time (it lists the others)");
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number from 1 to 65535 (or 0 for a free one), got ${values.port}`);
  }
  const timeout = values["frame-timeout"] === undefined ? 10 : Number(values["frame-timeout"]);
  if (!(timeout > 0)) throw new UsageError(`--frame-timeout must be a number of seconds above 0`);
  return { values, scene: positionals[0], port, timeout };
}

function openInBrowser(url: string): void {
  try {
    const child = spawn("xdg-open", [url], { stdio: "ignore", detached: true });
    const failed = () => process.stderr.write(`netreel studio: could not open a browser (xdg-open); open ${url}\n`);
    child.on("error", failed);
    child.on("exit", (code) => {
      if (code !== 0) failed();
    });
    child.unref();
  } catch {}
}
