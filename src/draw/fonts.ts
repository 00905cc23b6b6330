import { createRequire } from "node:module";
import path from "node:path";
import { registerFont } from "canvas";

/** The family name frames use; it always means the bundled DejaVu Sans files. */
export const FONT_FAMILY = "NetreelSans";

let registered = false;

/**
 * Registers the bundled DejaVu Sans (from the dejavu-fonts-ttf package) with node-canvas, so
 * text looks the same on every machine. Must run before the first canvas is created.
 */
export function registerFonts(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  registerFont(path.join(dir, "DejaVuSans.ttf"), { family: FONT_FAMILY });
  registerFont(path.join(dir, "DejaVuSans-Bold.ttf"), { family: FONT_FAMILY, weight: "bold" });
  registerFont(path.join(dir, "DejaVuSans-Oblique.ttf"), { family: FONT_FAMILY, style: "italic" });
  registered = true;
}

/** A CSS font string in the bundled family: font(20), font(28, "bold"). */
export function font(px: number, weight: "normal" | "bold" = "normal", style: "normal" | "italic" = "normal"): string {
  return `${style === "italic" ? "italic " : ""}${weight === "bold" ? "bold " : ""}${px.toFixed(1)}px ${FONT_FAMILY}`;
}
