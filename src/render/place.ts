import path from "node:path";
import { fileURLToPath } from "node:url";
import { NETREEL_CODE } from "../paths.ts";
import type { SourcePlace } from "./errors.ts";

/**
 * Where a scene's error happened, for a person to open: the place esbuild names for a syntax
 * error, else the first stack frame in the scene's own code (not node, not a package, not
 * netreel); none when its code is not on the stack (a missing import, a bad training config).
 * Looks through `cause`s too: the render wraps a scene's error in a SceneFailure whose own
 * stack is the render's.
 */
export function placeOf(error: unknown): SourcePlace | undefined {
  const chain: unknown[] = [];
  for (let e = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  for (const e of chain) {
    const syntax = syntaxPlace(e as Error);
    if (syntax) return syntax;
  }
  for (const e of chain.reverse()) {
    for (const place of stackPlaces((e as Error).stack ?? "")) {
      if (!NETREEL_CODE.some((dir) => place.file.startsWith(dir + path.sep))) return place;
    }
  }
  return undefined;
}

/** esbuild's "file:line:column: ERROR: text" (tsx compiling a scene with a syntax error). */
function syntaxPlace(error: Error & { errors?: unknown }): SourcePlace | undefined {
  const first = Array.isArray(error.errors)
    ? (error.errors[0] as { location?: { file?: string; line?: number; column?: number } } | undefined)
    : undefined;
  if (first?.location?.file && first.location.line !== undefined) {
    // esbuild's columns count from 0.
    return {
      file: path.resolve(first.location.file),
      line: first.location.line,
      column: (first.location.column ?? 0) + 1,
    };
  }
  const match = /^(\S+?\.[cm]?[jt]sx?):(\d+):(\d+): ERROR: /m.exec(error.message);
  if (!match) return undefined;
  return { file: path.resolve(match[1] as string), line: Number(match[2]), column: Number(match[3]) + 1 };
}

/** The places of a V8 stack's frames that are files of the project (not node:, not node_modules). */
function stackPlaces(stack: string): SourcePlace[] {
  const places: SourcePlace[] = [];
  for (const line of stack.split("\n")) {
    const match = /^\s+at (?:.*?\()?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) continue;
    let file = match[1] as string;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.split(path.sep).includes("node_modules")) continue;
    places.push({ file, line: Number(match[2]), column: Number(match[3]) });
  }
  return places;
}
