import { galleryCommand } from "../src/cli/gallery.ts";

process.exitCode = await galleryCommand(process.argv.slice(2));
