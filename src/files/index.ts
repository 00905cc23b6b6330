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
export { PartialFile, writeFileAtomically } from "./partial-file.ts";
