export type { Canvas, CanvasRenderingContext2D } from "canvas";
export { type AxesBoxOptions, type AxisLabel, axisLabels, drawAxesBoxBack, drawAxesBoxFront } from "./axes3d.ts";
export { type CameraOptions, OrbitCamera, type Projected } from "./camera.ts";
export { type ClassColours, classColours } from "./classes.ts";
export { contrastRatio, isDarkBackground, mix, relativeLuminance, rgbOf } from "./colour.ts";
export {
  type DiagramColours,
  DiagramError,
  type DiagramLayout,
  type DiagramLayoutOptions,
  type DiagramTrace,
  diagramColours,
  diagramLayout,
  drawNetworkDiagram,
  type EdgeLabel,
  MAX_DIAGRAM_UNITS,
  type NetworkDiagramOptions,
  type NodeLabel,
} from "./diagram.ts";
export { drawEquationColumn, type EquationColumnOptions, type EquationRow } from "./equations.ts";
export { FONT_FAMILY, font, registerFonts } from "./fonts.ts";
export { BOX_CORNERS, type Rect, type Vec3 } from "./geometry.ts";
export { type FrameLayout, frameLayout, inset, stack } from "./layout.ts";
export { type ClassMapFigure, type ClassMapOptions, type ClassRegions, drawClassMap } from "./map2d.ts";
export {
  drawMatrix,
  drawMatrixRow,
  drawMatrixRows,
  type MatrixLayout,
  type MatrixOptions,
  type MatrixRowOptions,
  type MatrixRowsOptions,
  matrixCells,
  matrixLayout,
  matrixRowWidths,
  type RowItem,
  type RowTex,
} from "./matrix.ts";
export { decimalsFor, formatNumber, MINUS, tickDecimals, withMinusSigns } from "./numbers.ts";
export { type Paint, paintFor } from "./paint.ts";
export {
  type Box3d,
  drawPanel3d,
  type Panel3dOptions,
  PanelDataError,
  PanelSizeError,
  panelCamera,
  UNIT_BOX,
  type View3d,
} from "./panel3d.ts";
export { type PanelCell, PanelError, type PanelSpec, type Panels, panels } from "./panels.ts";
export { clipPlaneToBox, clipPolygon, drawPolygon3d, type PolygonStyle } from "./plane3d.ts";
export * from "./plot.ts";
export { drawLinePlot, type LinePlotOptions } from "./plot2d.ts";
export { drawScatter3d, type Scatter3dOptions } from "./scatter3d.ts";
export {
  type Curves3d,
  clipSegment,
  drawSpace3d,
  type Regions3d,
  regionOf,
  type Space3dOptions,
  wallsOf,
} from "./space3d.ts";
export {
  drawTex,
  measureTex,
  SYMBOL_COLORS,
  type SymbolColors,
  symbolColors,
  TexError,
  type TexOptions,
  type TexSize,
} from "./tex.ts";
export {
  classLegend,
  drawCaption,
  drawHeader,
  drawLegend,
  drawTitleCard,
  FIGURE_SPACE,
  type LegendEntry,
  type StatusItem,
  titleCardInk,
  titleCardVeil,
  trainingStatus,
} from "./text.ts";
export { fillTextCached, measureTextCached, type TextOptions } from "./textcache.ts";
export { ClassCountError, DARK, LIGHT, MAX_CLASSES, type Theme, themeNamed, withAlpha } from "./theme.ts";
export { niceTicks } from "./ticks.ts";
export { bestFitNormal, shortestTurn, viewAcrossPlane } from "./views.ts";
