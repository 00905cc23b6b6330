export { type AxesBoxOptions, drawAxesBoxBack, drawAxesBoxFront } from "./axes3d.ts";
export {
  BOX_CORNERS,
  bestFitNormal,
  type CameraOptions,
  OrbitCamera,
  type Projected,
  type Rect,
  shortestTurn,
  viewAcrossPlane,
} from "./camera.ts";
export { FONT_FAMILY, font, registerFonts } from "./fonts.ts";
export { drawSpace3d, type Space3dOptions } from "./space3d.ts";
export { type FrameLayout, frameLayout, inset, stack } from "./layout.ts";
export { clipPlaneToBox, drawPolygon3d, type PolygonStyle } from "./plane3d.ts";
export { drawLinePlot, type LinePlotOptions } from "./plot2d.ts";
export { drawScatter3d, type Scatter3dOptions } from "./scatter3d.ts";
export {
  classLegend,
  drawCaption,
  drawHeader,
  drawLegend,
  drawTitleCard,
  FIGURE_SPACE,
  trainingStatus,
} from "./text.ts";
export { DARK, LIGHT, type Theme, themeNamed, withAlpha } from "./theme.ts";
export { niceTicks, tickDecimals } from "./ticks.ts";
export type { Vec3 } from "./vec3.ts";
export { type ClassMapOptions, drawClassMap } from "./map2d.ts";
export type { Canvas, CanvasRenderingContext2D } from "canvas";
