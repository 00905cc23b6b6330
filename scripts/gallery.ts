import { galleryCommand } from "../src/cli/gallery.ts";

// process.exit, as scripts/netreel.js: ending by an empty event loop would give a signal in
// Node's last moment its default action back.
process.exit(await galleryCommand(process.argv.slice(2)));
