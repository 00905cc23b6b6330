/**
 * The bytes of one file of the run cache (run-store.ts): a packed run (protocol.ts's `packRun`,
 * its matrices as Float64Arrays) laid out so that reading it back is a read, a checksum and a
 * small JSON parse, with no number parsed from text. hidden.ts's run is 7.4 MB of JSON that
 * takes ~0.1-0.2 s to parse and another ~0.1-0.3 s to pack for the scene's process; this file is
 * 3 MB and comes back already packed, its blocks views of the bytes read.
 *
 *     offset  size  what
 *          0     8  MAGIC, "NRRUNv1\n" (the format's version is its last digit)
 *          8     4  header length H, bytes (u32, little-endian)
 *         12     4  0 (reserved)
 *         16     8  body length B, bytes (f64, little-endian: exact far beyond any run)
 *         24    32  SHA-256 of bytes 0-23 and of everything from 56 to the end
 *         56     H  header: JSON { key, run }, padded with spaces so the body starts at a multiple of 8
 *    56 + H     B  body: every block's numbers, one after another (f64, this machine's order: little-endian)
 *
 * In the header's `run`, each block is `{ netreelBlock: columns, at, length }` (its place in the
 * body, counted in numbers), and a number JSON cannot hold exactly (-0, NaN, ±Infinity) is
 * `{ netreelNumber: "-0" }`: the run read back is the run written, to the last bit.
 */
import { createHash } from "node:crypto";
import type { PackedRun } from "./protocol.ts";

export const MAGIC = Buffer.from("NRRUNv1\n", "latin1");
/** Bytes before the header: magic, header length, reserved, body length, checksum. */
export const FIXED_BYTES = 56;
const CHECKSUM_AT = 24;

/** Why a cache file cannot be used: truncated, changed, not ours. The message says which, in a few words. */
export class CacheFileDamage extends Error {
  override name = "CacheFileDamage";
}

interface Block {
  netreelBlock: number;
  values: Float64Array;
}

function isBlock(value: unknown): value is Block {
  return (
    typeof value === "object" &&
    value !== null &&
    "netreelBlock" in value &&
    (value as Block).values instanceof Float64Array
  );
}

/** A number JSON would change: -0 (written as 0), NaN and ±Infinity (written as null). */
function inexact(value: number): boolean {
  return !Number.isFinite(value) || Object.is(value, -0);
}

/**
 * The file's bytes, in pieces to write one after another (the blocks are not copied into one
 * buffer). `key` is written into the header, so a file read under another key's name is refused.
 */
export function encodeRunFile(packed: PackedRun, key: string): Buffer[] {
  const blocks: Float64Array[] = [];
  let floats = 0;
  const json = JSON.stringify({ key, run: packed.packed }, (_name, value: unknown) => {
    if (typeof value === "number" && inexact(value)) {
      return { netreelNumber: Object.is(value, -0) ? "-0" : String(value) };
    }
    if (isBlock(value)) {
      const ref = { netreelBlock: value.netreelBlock, at: floats, length: value.values.length };
      blocks.push(value.values);
      floats += value.values.length;
      return ref;
    }
    return value;
  });
  const text = Buffer.from(json, "utf8");
  const padding = (8 - ((FIXED_BYTES + text.length) % 8)) % 8;
  const header = Buffer.concat([text, Buffer.alloc(padding, " ")]);
  const body = blocks.map((values) => Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  const fixed = Buffer.alloc(FIXED_BYTES);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(header.length, 8);
  fixed.writeDoubleLE(floats * 8, 16);
  const hash = createHash("sha256").update(fixed.subarray(0, CHECKSUM_AT)).update(header);
  for (const piece of body) hash.update(piece);
  hash.digest().copy(fixed, CHECKSUM_AT);
  return [fixed, header, ...body];
}

/**
 * The packed run in a cache file's bytes, checked: the magic, the lengths, the checksum and
 * the key. Throws CacheFileDamage saying what is wrong ("truncated: 1200 of 3000000 bytes").
 * The blocks are views of `bytes` (copied once when `bytes` does not start at a multiple of 8).
 */
export function decodeRunFile(bytes: Buffer, key: string): PackedRun {
  if (bytes.length < FIXED_BYTES) {
    throw new CacheFileDamage(`truncated: ${bytes.length} bytes, shorter than the ${FIXED_BYTES}-byte start`);
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CacheFileDamage("it does not start as a netreel run cache file");
  }
  const headerBytes = bytes.readUInt32LE(8);
  const bodyBytes = bytes.readDoubleLE(16);
  const expected = FIXED_BYTES + headerBytes + bodyBytes;
  if (headerBytes % 8 !== 0 || !Number.isInteger(bodyBytes) || bodyBytes % 8 !== 0 || bodyBytes < 0) {
    throw new CacheFileDamage("its lengths are not a cache file's");
  }
  if (bytes.length < expected) throw new CacheFileDamage(`truncated: ${bytes.length} of ${expected} bytes`);
  if (bytes.length > expected) throw new CacheFileDamage(`${bytes.length} bytes where ${expected} were written`);
  const sum = createHash("sha256").update(bytes.subarray(0, CHECKSUM_AT)).update(bytes.subarray(FIXED_BYTES)).digest();
  if (!sum.equals(bytes.subarray(CHECKSUM_AT, FIXED_BYTES))) {
    throw new CacheFileDamage("its checksum does not match its contents");
  }
  const bodyStart = FIXED_BYTES + headerBytes;
  const aligned = (bytes.byteOffset + bodyStart) % 8 === 0;
  const source = aligned ? bytes : Buffer.from(bytes);
  const body = new Float64Array(source.buffer, source.byteOffset + bodyStart, bodyBytes / 8);
  const text = bytes.toString("utf8", FIXED_BYTES, bodyStart);
  let header: { key?: unknown; run?: unknown };
  try {
    header = JSON.parse(text, (_name, value: unknown) => reviveValue(value, body));
  } catch (error) {
    if (error instanceof CacheFileDamage) throw error;
    throw new CacheFileDamage(`its header is not valid JSON (${(error as Error).message})`);
  }
  if (header.key !== key) throw new CacheFileDamage("it holds the run of another key");
  if (typeof header.run !== "object" || header.run === null) throw new CacheFileDamage("it holds no run");
  return { packed: header.run };
}

/** A block's reference back to a view of the body, an inexact number back to itself. */
function reviveValue(value: unknown, body: Float64Array): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  if ("netreelNumber" in value) return Number((value as { netreelNumber: string }).netreelNumber);
  if (!("netreelBlock" in value)) return value;
  const { netreelBlock: columns, at, length } = value as { netreelBlock: number; at: number; length: number };
  const fits = Number.isInteger(at) && Number.isInteger(length) && at >= 0 && length >= 0 && at + length <= body.length;
  if (!fits || !Number.isInteger(columns) || columns < 0 || (columns > 0 && length % columns !== 0)) {
    throw new CacheFileDamage("a block of numbers lies outside the file");
  }
  return { netreelBlock: columns, values: body.subarray(at, at + length) } satisfies Block;
}
