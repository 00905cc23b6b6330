export { type DrawerOptions, SceneDrawer } from "./drawer.ts";
export { Interrupted, RenderRequestError, SceneFailure, SceneFileError, type SourcePlace } from "./errors.ts";
export { type DrawnFrame, FrameRenderer } from "./frames.ts";
export type { Prepared, ProcessUsage, SceneMeta, SceneTimeline } from "./protocol.ts";
export {
  DEFAULT_FRAME_TIMEOUT,
  OutputClaims,
  outputSize,
  outputTargets,
  type RenderOptions,
  type RenderResult,
  type RenderSettings,
  renderScene,
  renderSettings,
} from "./render.ts";
export { RunCache } from "./runs.ts";
export { loadScene } from "./scene-file.ts";
export {
  type PrepareOptions,
  SceneSession,
  type SceneSettings,
  type SessionOptions,
  type SessionStart,
  sceneContext,
} from "./session.ts";
