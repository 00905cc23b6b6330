import type { CsvOptions } from "./options.ts";
import { readFileSync } from "node:fs";
import { DataError, type Dataset } from "./dataset.ts";

export interface CsvDataset extends Dataset {
  /** Header names of the feature columns, in order. */
  featureNames: string[];
  /** When labels were text: the class names, label k being classes[k] (sorted). */
  classes?: string[];
}

/**
 * A data set from CSV text with a header row: numeric feature columns and one label
 * column. Labels are all numbers, or all names (mapped to 0..K-1 in sorted order).
 * `source` is the file's path, for messages.
 */
export function parseCsv(text: string, options: CsvOptions = {}, source?: string): CsvDataset {
  const where = source === undefined ? "CSV text" : `CSV file ${source}`;
  // Blank lines are skipped, but messages name each row by its line in the file.
  const lines: { text: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== "") lines.push({ text: line, line: i + 1 });
  });
  if (lines.length < 2) throw new DataError(`${where}: needs a header row and at least one data row`);
  const header = splitRow((lines[0] as { text: string }).text);
  const column = (key: string | number, what: string): number => {
    const index = typeof key === "number" ? key : header.indexOf(key);
    if (!Number.isInteger(index) || index < 0 || index >= header.length) {
      throw new DataError(
        `${where}: ${what} column ${JSON.stringify(key)} not found; the header is ${header.join(",")}`,
      );
    }
    return index;
  };
  const labelIndex = column(options.label ?? header.length - 1, "label");
  const featureIndices = options.features
    ? options.features.map((f) => column(f, "feature"))
    : header.map((_, i) => i).filter((i) => i !== labelIndex);
  if (featureIndices.length === 0) throw new DataError(`${where}: no feature columns`);

  const X: number[][] = [];
  const rawLabels: string[] = [];
  for (const { text: row, line } of lines.slice(1)) {
    const cells = splitRow(row);
    if (cells.length !== header.length) {
      throw new DataError(`${where} line ${line} has ${cells.length} fields; the header has ${header.length}`);
    }
    X.push(
      featureIndices.map((i) => {
        const value = decimal(cells[i] as string);
        if (!Number.isFinite(value)) {
          throw new DataError(
            `${where} line ${line}, column ${header[i]}: ${JSON.stringify(cells[i])} is not a number`,
          );
        }
        return value;
      }),
    );
    const label = cells[labelIndex] as string;
    if (label === "") throw new DataError(`${where} line ${line}: the label is empty`);
    rawLabels.push(label);
  }
  const featureNames = featureIndices.map((i) => header[i] as string);
  checkLabelKinds(rawLabels, lines, where);
  if (isNumber(rawLabels[0] as string)) return { X, y: rawLabels.map(decimal), featureNames };
  const classes = [...new Set(rawLabels)].sort();
  return { X, y: rawLabels.map((s) => classes.indexOf(s)), featureNames, classes };
}

/**
 * A cell's number, written in decimal as spreadsheets write them ("-1.5", "+2", ".5", "1e3"),
 * spaces around it allowed; NaN for anything else. JavaScript's Number() would also take
 * "0x10" as 16, "0b1" as 1 and "Infinity", none of which a CSV file means as a number.
 */
function decimal(cell: string): number {
  const text = cell.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

const isNumber = (cell: string) => Number.isFinite(decimal(cell));

/**
 * Labels are all numbers or all class names: a mix is most likely a typo in one row, and
 * reading every label as a name would silently renumber the classes.
 */
function checkLabelKinds(labels: string[], lines: { line: number }[], where: string): void {
  const first = labels[0] as string;
  const numeric = isNumber(first);
  const odd = labels.findIndex((label) => isNumber(label) !== numeric);
  if (odd < 0) return;
  const label = labels[odd] as string;
  const line = (lines[odd + 1] as { line: number }).line;
  const firstLine = (lines[1] as { line: number }).line;
  const kind = numeric ? "is not a number" : "is a number";
  throw new DataError(
    `${where} line ${line}: the label ${JSON.stringify(label)} ${kind}, unlike line ${firstLine}'s ${JSON.stringify(first)}; labels must be all numbers or all class names`,
  );
}

/** Reads a CSV file; see `parseCsv`. */
export function loadCsv(path: string, options: CsvOptions = {}): CsvDataset {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new DataError(`cannot read CSV file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseCsv(text, options, path);
}

function splitRow(line: string): string[] {
  return line.split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}
