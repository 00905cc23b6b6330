import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../paths.ts";
import { EXIT } from "./errors.ts";
import { trainCommand } from "./train.ts";

const HELP = `Usage: netreel <command> [options]

Commands:
  render <scene.ts>     render a scene to MP4, GIF, WebM or PNG frames
  render-all [scenes]   render every scene (MP4, GIF, subtitles, poster) and a page that plays them
  plan <scene.ts>       print the render commands of a clip cut into parts (--parts N), for many machines
  join PARTS --out F    join the parts of one render into one video, without re-encoding
  train <config.json>   train a network and write its run as JSON
  test [scenes...]      compare scenes' key frames with their snapshot images (--motion: find jumps)
  sheet <scene.ts>      one PNG of small frames spread over the clip, labelled with time and beat
  studio [scene.ts]     a live preview in the browser that redraws when a file is saved

Examples:
  netreel render scenes/hidden.ts                  # output/hidden.mp4
  netreel render scenes/hidden.ts --format gif     # output/hidden.gif
  netreel render scenes/hidden.ts --frame 300      # one frame as a PNG
  netreel render-all --preview                     # output/course/index.html and every scene's files
  netreel train config.json --out run.json
  netreel test                                     # every scene in scenes/
  netreel test --motion scenes/hidden.ts           # frames that pop, jump or flicker
  netreel sheet scenes/hidden.ts                   # output/hidden-sheet.png
  netreel studio scenes/hidden.ts                  # prints http://127.0.0.1:PORT/

Run 'netreel <command> --help' for a command's options; 'netreel --version' for the version.
`;

/** The version in the package's own package.json. */
function version(): string {
  const file = path.join(ROOT, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** The `netreel` command: dispatches to a subcommand and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "train":
      return trainCommand(rest);
    case "test": {
      const { testCommand } = await import("./test.ts");
      return testCommand(rest);
    }
    case "sheet": {
      const { sheetCommand } = await import("./sheet.ts");
      return sheetCommand(rest);
    }
    case "studio": {
      const { studioCommand } = await import("./studio.ts");
      return studioCommand(rest);
    }
    case "render": {
      const { renderCommand } = await import("./render.ts");
      return renderCommand(rest);
    }
    case "plan": {
      const { planCommand } = await import("./plan.ts");
      return planCommand(rest);
    }
    case "join": {
      const { joinCommand } = await import("./join.ts");
      return joinCommand(rest);
    }
    case "render-all": {
      const { renderAllCommand } = await import("./render-all.ts");
      return renderAllCommand(rest);
    }
    case "--version":
    case "-V":
      process.stdout.write(`netreel ${version()}\n`);
      return EXIT.ok;
    case undefined:
    case "--help":
    case "-h":
      (command === undefined ? process.stderr : process.stdout).write(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      process.stderr.write(`netreel: unknown command '${command}'; try 'netreel --help'\n`);
      return EXIT.usage;
  }
}
