export {
  type DrawerOptions,
  type Prepared,
  type ProcessUsage,
  SceneDrawer,
  type SceneMeta,
  type SceneTimeline,
} from "./drawer.ts";
export { Interrupted, RenderRequestError, SceneFailure, SceneFileError, type SourcePlace } from "./errors.ts";
export { type DrawnFrame, FrameRenderer } from "./frames.ts";
export {
  DEFAULT_FRAME_TIMEOUT,
  outputSize,
  outputTargets,
  type RenderOptions,
  type RenderResult,
  type RenderSettings,
  renderScene,
  renderSettings,
  sceneRun,
} from "./render.ts";
export { loadScene } from "./scene-file.ts";
export { RunCache } from "./runs.ts";
