export { type DrawerOptions, type ProcessUsage, SceneDrawer, type SceneMeta } from "./drawer.ts";
export { Interrupted, RenderRequestError, SceneFailure, SceneFileError } from "./errors.ts";
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
} from "./render.ts";
export { loadScene } from "./scene-file.ts";
