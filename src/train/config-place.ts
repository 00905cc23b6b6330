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
  try {
    const scanner = new JsonScanner(text);
    scanner.space();
    const offset = path.length === 0 ? scanner.at : scanner.value(path);
    return offset === undefined ? undefined : placeAt(text, offset);
  } catch {
    return undefined;
  }
}

/** Reads JSON by hand, keeping offsets, to find where a path's value is (JSON.parse keeps none). */
class JsonScanner {
  at = 0;
  constructor(private readonly text: string) {}

  space(): void {
    while (this.at < this.text.length && /[\s\uFEFF]/.test(this.text[this.at] as string)) this.at++;
  }

  /** Skips a value, or finds `rest` of the path inside it: the offset found, else undefined. */
  value(rest: (string | number)[]): number | undefined {
    this.space();
    const at = this.at;
    const c = this.text[at];
    if (c === "{" || c === "[") {
      const found = this.members(c === "{" ? "}" : "]", rest);
      return rest.length === 0 ? undefined : (found ?? at);
    }
    if (c === '"') this.string();
    else {
      const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(at, at + 400));
      if (!literal) throw new SyntaxError("not JSON");
      this.at += literal[0].length;
    }
    return rest.length === 0 ? undefined : at;
  }

  /** An object's members or an array's elements, up to `close`; where `rest` is among them. */
  private members(close: "}" | "]", rest: (string | number)[]): number | undefined {
    this.at++;
    this.space();
    if (this.text[this.at] === close) {
      this.at++;
      return undefined;
    }
    let found: number | undefined;
    for (let index = 0; ; index++) {
      this.space();
      const memberAt = this.at;
      const name = close === "}" ? this.key() : index;
      const inner = this.value(name === rest[0] ? rest.slice(1) : []);
      if (name === rest[0] && found === undefined) found = rest.length === 1 ? memberAt : (inner ?? memberAt);
      this.space();
      const next = this.text[this.at++];
      if (next === close) return found;
      if (next !== ",") throw new SyntaxError("not JSON");
    }
  }

  /** A member's key and its colon. */
  private key(): string {
    if (this.text[this.at] !== '"') throw new SyntaxError("not JSON");
    const key = this.string();
    this.space();
    if (this.text[this.at++] !== ":") throw new SyntaxError("not JSON");
    return key;
  }

  private string(): string {
    const start = this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === "\\" ? 2 : 1;
    if (this.at >= this.text.length) throw new SyntaxError("not JSON");
    this.at++;
    return JSON.parse(this.text.slice(start, this.at)) as string;
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
