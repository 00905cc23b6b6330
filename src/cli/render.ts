import { UsageError, report } from "./errors.ts";

// Placeholder until the render issue lands: the command exists so that help and errors are clear.
export async function renderCommand(_argv: string[]): Promise<number> {
  return report("render", new UsageError("rendering is not built yet (issue 3)"), false);
}
