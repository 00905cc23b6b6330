/**
 * Where a config field is written, so that an error about it names a line an editor can open:
 * exactly in a JSON config file (`netreel train config.json`), and by the field's name in a
 * scene's code (its `train` function returns the config; the field is found where it is written
 * as a property, when it is written once).
 */
import path from "node:path";
import { WHOLE_CONFIG } from "./config.ts";

/** A place in a file; lines and columns count from 1, as editors do. */
export interface FieldPlace {
  line: number;
  column: number;
}

/** A field's name as ConfigError gives it ("data.X[3]", "epochs") as its path of keys and indexes. */
export function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    path.push(match[2] !== undefined ? Number(match[2]) : (match[1] as string));
  }
  return path;
}

/**
 * Where `path` is in the JSON `text`: a member's key, an element's first character; the deepest
 * part of the path that exists (a missing field is placed at the object that lacks it).
 * Undefined when the text is not JSON.
 */
export function jsonFieldPlace(text: string, path: (string | number)[]): FieldPlace | undefined {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxError("not JSON");
  };
  const space = () => {
    while (i < text.length && /[\s\uFEFF]/.test(text[i] as string)) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  /** Skips a value, or finds `rest` of the path inside it; returns the offset found. */
  const value = (rest: (string | number)[]): number | undefined => {
    space();
    const at = i;
    const c = text[i];
    if (c === "{") {
      i++;
      let found: number | undefined;
      space();
      if (text[i] === "}") {
        i++;
        return rest.length > 0 ? at : undefined;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        const keyAt = i;
        const key = string();
        space();
        if (text[i] !== ":") fail();
        i++;
        const inner = value(key === rest[0] ? rest.slice(1) : []);
        if (key === rest[0] && found === undefined) found = rest.length === 1 ? keyAt : (inner ?? keyAt);
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          break;
        } else fail();
      }
      return rest.length === 0 ? undefined : (found ?? at);
    }
    if (c === "[") {
      i++;
      let found: number | undefined;
      space();
      if (text[i] === "]") {
        i++;
        return rest.length > 0 ? at : undefined;
      }
      for (let index = 0; ; index++) {
        space();
        const elementAt = i;
        const inner = value(index === rest[0] ? rest.slice(1) : []);
        if (index === rest[0]) found = rest.length === 1 ? elementAt : (inner ?? elementAt);
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          break;
        } else fail();
      }
      return rest.length === 0 ? undefined : (found ?? at);
    }
    if (c === '"') string();
    else {
      const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!literal) fail();
      i += (literal as RegExpExecArray)[0].length;
    }
    return rest.length === 0 ? undefined : at;
  };
  try {
    space();
    const offset = path.length === 0 ? i : value(path);
    return offset === undefined ? undefined : placeAt(text, offset);
  } catch {
    return undefined;
  }
}

/**
 * Where the field is written in a scene's code: the last name in its path written as a property
 * (`epochs: 30`, `"epochs": 30`), when it is written exactly once; else undefined (a missing
 * field, or a name written in several places, is not guessed at).
 */
export function sourceFieldPlace(text: string, path: (string | number)[]): FieldPlace | undefined {
  const name = path.filter((key): key is string => typeof key === "string").at(-1);
  if (name === undefined || !/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  const matches = [...text.matchAll(new RegExp(`(^|[\\s{,(])(["']?)${name}\\2\\s*:`, "gm"))];
  if (matches.length !== 1) return undefined;
  const match = matches[0] as RegExpExecArray;
  return placeAt(text, match.index + (match[1] as string).length);
}

function placeAt(text: string, offset: number): FieldPlace {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  // A byte-order mark is not a column an editor shows.
  const mark = line === 1 && text.startsWith("\uFEFF") ? 1 : 0;
  return { line, column: offset - before.lastIndexOf("\n") - mark };
}

/**
 * Names where a ConfigError's field is written in `file` (a JSON config, or a scene's code): its
 * message starts with `file:line:column` and `where` holds the place. Left as it is when the
 * field cannot be placed.
 */
export function placeConfigError(
  error: { field: string; message: string; where?: { file: string; line: number; column: number } },
  file: string,
  text: string,
  kind: "json" | "source",
): void {
  if (error.field === WHOLE_CONFIG) return; // the config as a whole: no one place
  const keys = fieldPath(error.field);
  const place = kind === "json" ? jsonFieldPlace(text, keys) : sourceFieldPlace(text, keys);
  if (!place) return;
  error.where = { file: path.resolve(file), ...place };
  error.message = `${file}:${place.line}:${place.column}: ${error.message}`;
}

/** JSON.parse's message for `text` with the place it names as line:column ("at position N" otherwise). */
export function jsonSyntaxPlace(message: string, text: string): { message: string; place?: FieldPlace } {
  const match = / in JSON at position (\d+)/.exec(message);
  if (!match) return { message };
  return { message: message.replace(match[0], ""), place: placeAt(text, Number(match[1])) };
}
