// The one smooth step of netreel: drawing fades with it, and src/scene's captions, framing and
// timeline ease with it. It lives here because src/draw may import nothing of ours, while
// src/scene may import this dependency-free module; src/scene/easing.ts re-exports both names.

export const clamp01 = (t: number): number => Math.min(1, Math.max(0, t));

/** 0 up to edge `a`, 1 from edge `b`, and a smooth step (3t² − 2t³) between. */
export function smoothstep(a: number, b: number, x: number): number {
  const t = clamp01((x - a) / (b - a));
  return t * t * (3 - 2 * t);
}
