import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The options every command takes. */
const COMMON = {
  verbose: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

/**
 * A command's arguments: its own options, with --verbose and --help added, and its positionals.
 * An unknown option throws node's error, which `parseArgsError` turns into one line.
 */
export function commandArgs<const O extends Options>(argv: string[], options: O) {
  return parseArgs({ args: argv, allowPositionals: true, options: { ...options, ...COMMON } });
}
