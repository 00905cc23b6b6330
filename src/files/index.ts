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
export { makeFolders } from "./folders.ts";
export { PartialFile, writeFileAtomically } from "./partial-file.ts";
