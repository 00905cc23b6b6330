import { type FSWatcher, readdirSync, watch } from "node:fs";
import path from "node:path";

/**
 * Watches folders and every folder below them, one watcher per folder. Node 20's own
 * `recursive: true` watches each file on Linux, and stops reporting a file once an editor has
 * saved it by writing a copy and renaming it over the original (vim, sed -i, "safe write"):
 * a folder's watcher reports every name in it, however it was written. Folders created later
 * are watched as they appear.
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(
    private readonly onChange: (file: string) => void,
    private readonly skip: (dir: string) => boolean = () => false,
    private readonly onError: (dir: string, error: Error) => void = () => {},
  ) {}

  /** Watches `dir` and the folders below it. */
  add(dir: string): void {
    if (this.closed || this.watchers.has(dir) || this.skip(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name) return;
        const file = path.join(dir, name.toString());
        // A new (or renamed) folder: watch it too.
        this.addTree(file);
        this.onChange(file);
      });
    } catch (error) {
      this.onError(dir, error as Error);
      return;
    }
    // The folder itself was removed or renamed: forget its watcher (a new one comes with its parent's event).
    watcher.on("error", () => this.remove(dir));
    this.watchers.set(dir, watcher);
    for (const entry of entries(dir)) {
      if (entry.isDirectory()) this.add(path.join(dir, entry.name));
    }
  }

  private addTree(file: string): void {
    try {
      if (readdirSync(file, { withFileTypes: true })) this.add(file);
    } catch {}
  }

  private remove(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

function entries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
