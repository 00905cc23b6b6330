import { readFileSync } from "node:fs";
import { DataError, type Dataset } from "./dataset.ts";

export interface CsvOptions {
  /** The label column's header name or 0-based index. Default: the last column. */
  label?: string | number;
  /** Feature columns (names or indices). Default: every column but the label. */
  features?: (string | number)[];
}

export interface CsvDataset extends Dataset {
  /** Header names of the feature columns, in order. */
  featureNames: string[];
  /** When labels were text: the class names, label k being classes[k] (sorted). */
  classes?: string[];
}

/**
 * A data set from CSV text with a header row: numeric feature columns and one label
 * column. Labels that are not numbers are mapped to 0..K-1 in sorted order.
 */
export function parseCsv(text: string, options: CsvOptions = {}, source = "CSV"): CsvDataset {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length < 2) throw new DataError(`${source}: needs a header row and at least one data row`);
  const header = splitRow(lines[0] as string);
  const column = (key: string | number, what: string): number => {
    const index = typeof key === "number" ? key : header.indexOf(key);
    if (!Number.isInteger(index) || index < 0 || index >= header.length) {
      throw new DataError(
        `${source}: ${what} column ${JSON.stringify(key)} not found; the header is ${header.join(",")}`,
      );
    }
    return index;
  };
  const labelIndex = column(options.label ?? header.length - 1, "label");
  const featureIndices = options.features
    ? options.features.map((f) => column(f, "feature"))
    : header.map((_, i) => i).filter((i) => i !== labelIndex);
  if (featureIndices.length === 0) throw new DataError(`${source}: no feature columns`);

  const X: number[][] = [];
  const rawLabels: string[] = [];
  lines.slice(1).forEach((line, r) => {
    const cells = splitRow(line);
    if (cells.length !== header.length) {
      throw new DataError(`${source}: row ${r + 2} has ${cells.length} fields, the header has ${header.length}`);
    }
    X.push(
      featureIndices.map((i) => {
        const value = Number(cells[i]);
        if (cells[i] === "" || !Number.isFinite(value)) {
          throw new DataError(
            `${source}: row ${r + 2}, column ${header[i]}: ${JSON.stringify(cells[i])} is not a number`,
          );
        }
        return value;
      }),
    );
    rawLabels.push(cells[labelIndex] as string);
  });
  const featureNames = featureIndices.map((i) => header[i] as string);
  if (rawLabels.every((s) => s !== "" && Number.isFinite(Number(s)))) {
    return { X, y: rawLabels.map(Number), featureNames };
  }
  const classes = [...new Set(rawLabels)].sort();
  return { X, y: rawLabels.map((s) => classes.indexOf(s)), featureNames, classes };
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
