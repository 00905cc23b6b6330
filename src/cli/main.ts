import { EXIT } from "./errors.ts";
import { TRAIN_HELP, trainCommand } from "./train.ts";

const HELP = `Usage: netreel <command> [options]

Commands:
  render <scene.ts>     render a scene to video (see netreel render --help)
  train <config.json>   train a network and write its run as JSON

${TRAIN_HELP}`;

/** The `netreel` command: dispatches to a subcommand and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "train":
      return trainCommand(rest);
    case "render": {
      const { renderCommand } = await import("./render.ts");
      return renderCommand(rest);
    }
    case undefined:
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    default:
      process.stderr.write(`netreel: unknown command '${command}'; try 'netreel --help'\n`);
      return EXIT.usage;
  }
}
