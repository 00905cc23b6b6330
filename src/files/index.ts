export {
  AtomicOutput,
  checkTarget,
  fileSystemReason,
  type OutputKind,
  OutputPathError,
  prepareTarget,
  removeStale,
  temporaryName,
} from "./atomic.ts";
export { PartialFile } from "./partial-file.ts";
