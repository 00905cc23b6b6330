export { BeatError, type BeatRef, type BeatSpec, type Beats, beats } from "./beats.ts";
export { type BeatCaption, beatCaptions, type Caption, captionAt } from "./captions.ts";
export {
  type CourseFigure,
  type CourseFigureOptions,
  courseFigure,
  type FigureHeader,
  prepareCourseFigure,
  titleOpacity,
} from "./course.ts";
export { clamp01, type Easing, easeInOutCubic, easeInOutSine, lerp, linear, logEpochs, smoothstep } from "./easing.ts";
export {
  boundaryLabel,
  defaultWindow,
  FigureError,
  type FigureFrame,
  type FigurePanel,
  figureHeader,
  networkLabel,
  prepareTrainingFigure,
  shutterWindow,
  type TrainingFigure,
  type TrainingFigureOptions,
  trainingFigure,
} from "./figure.ts";
export {
  acrossPlaneCamera,
  type CloudCameraOptions,
  type CloudFraming,
  calmPace,
  cloudCamera,
  cloudFramings,
  framingAt,
  type PaceOptions,
  panelBox,
  stateAround,
} from "./framing.ts";
export { bracket, outputPlane, type RunState, stateAt } from "./interpolate.ts";
export { runNetwork } from "./network.ts";
export { classRegions } from "./regions.ts";
export {
  defineScene,
  type FrameInfo,
  isScene,
  type Scene,
  type SceneContext,
  SceneError,
  type SceneOptions,
  type SnapshotRef,
  type SnapshotTolerance,
  type ThemeName,
} from "./scene.ts";
export { type Phase, type Timeline, type TimelineOptions, type TimelineState, timeline } from "./timeline.ts";
export { type InputGrid, inputGrid, layerActivations, warpedGrid } from "./warp.ts";
export { type LayerProjection, type ProjectedState, projectLayer } from "./wide-layer.ts";
