export { clamp01, type Easing, easeInOutCubic, easeInOutSine, lerp, linear, logEpochs, smoothstep } from "./easing.ts";
export { type BeatCaption, beatCaptions, type Caption, captionAt } from "./captions.ts";
export {
  type CourseFigure,
  type CourseFigureOptions,
  courseFigure,
  type FigureHeader,
  prepareCourseFigure,
  titleOpacity,
} from "./course.ts";
export { BeatError, type BeatRef, type Beats, type BeatSpec, beats } from "./beats.ts";
export {
  type CloudCameraOptions,
  type CloudFraming,
  calmPace,
  cloudCamera,
  cloudFramings,
  panelBox,
  framingAt,
  type PaceOptions,
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
export {
  boundaryLabel,
  defaultWindow,
  shutterWindow,
  FigureError,
  figureHeader,
  type FigureFrame,
  type FigurePanel,
  networkLabel,
  prepareTrainingFigure,
  type TrainingFigure,
  type TrainingFigureOptions,
  trainingFigure,
} from "./figure.ts";
