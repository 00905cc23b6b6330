// The studio's page: shows frames the server draws (the same code and pixels as `netreel render
// --frame N`), plays them at the scene's fps by dropping frames it cannot draw in time, and
// follows the server's events (a saved file reloaded, training, an error, a render's progress).
// One frame request is in flight at a time: when it comes back, the newest wanted frame is asked
// for, so scrubbing and playing never queue up stale frames.

const $ = (id) => document.getElementById(id);
const canvas = $("frame");
const context = canvas.getContext("2d");

const state = {
  scenes: [],
  scene: null,
  width: 640,
  height: 360,
  theme: "light",
  /** The loaded scene for this view (frames, fps, beats, epochs, version), from the server. */
  info: null,
  wanted: 0,
  playing: false,
  playFrom: { time: 0, index: 0 },
  /** Frame requests out (at most two), the latest one asked for, and request numbers. */
  inFlight: 0,
  asked: null,
  sequence: 0,
  shownSequence: 0,
  /** The frame on the canvas: its index, the code version and view it was drawn with, when. */
  shown: { index: -1, version: -1, view: "", at: 0, count: 0 },
  /** The latest load error of this scene (from the server), and the latest draw error. */
  loadError: null,
  drawError: null,
};

const viewKey = () => `${state.scene} ${state.width}x${state.height} ${state.theme}`;
const viewQuery = () =>
  `scene=${encodeURIComponent(state.scene)}&width=${state.width}&height=${state.height}&theme=${state.theme}`;
const sameView = (view) =>
  view &&
  view.scene === state.scene &&
  view.width === state.width &&
  view.height === state.height &&
  view.theme === state.theme;

// Tests and the benchmark read the page's state through this.
window.studio = {
  get shown() {
    return { ...state.shown };
  },
  get info() {
    return state.info;
  },
  get error() {
    return state.drawError ?? state.loadError;
  },
  seek: (index) => seek(index),
  play: () => setPlaying(true),
  pause: () => setPlaying(false),
};

/**
 * Shrinks the canvas (not its pixels) to the space between the header and the footer when the
 * frame is larger; never enlarges it, which would blur the text (choose a larger size instead).
 */
function fit() {
  const main = document.querySelector("main");
  const room = { width: main.clientWidth - 28, height: main.clientHeight - 28 };
  const scale = Math.min(1, room.width / canvas.width, room.height / canvas.height);
  canvas.style.width = `${Math.max(1, Math.floor(canvas.width * scale))}px`;
  canvas.style.height = `${Math.max(1, Math.floor(canvas.height * scale))}px`;
}
window.addEventListener("resize", fit);

function status(text, isError = false) {
  const line = $("status");
  line.textContent = text;
  line.classList.toggle("error", isError);
}

/** Clears an error on the status line once things work again. */
function clearError() {
  if ($("status").classList.contains("error")) status("");
}

function busy(text) {
  const box = $("busy");
  box.hidden = !text;
  box.textContent = text ?? "";
}

function showOverlay() {
  const error = state.drawError ?? state.loadError;
  $("overlay").hidden = !error;
  if (!error) return;
  const where = error.where ? `${error.where.file}:${error.where.line}:${error.where.column}` : "";
  $("overlay-where").textContent = where;
  $("overlay-message").textContent = error.message;
  $("overlay-excerpt").hidden = !error.excerpt;
  $("overlay-excerpt").textContent = error.excerpt ?? "";
  $("overlay-hint").textContent = error.gone
    ? "Choose a scene from the list, or put the file back."
    : "Fix the file and save it: the frame redraws by itself. The last good frame is shown underneath.";
}

function lastFrame() {
  return state.info ? state.info.frames - 1 : 0;
}

function seek(index) {
  const clamped = Math.max(0, Math.min(lastFrame(), Math.round(index)));
  state.wanted = clamped;
  if (state.playing) state.playFrom = { time: performance.now(), index: clamped };
  readout();
  pump();
}

function setPlaying(playing) {
  if (!state.info) return;
  if (playing && state.wanted >= lastFrame()) state.wanted = 0;
  state.playing = playing;
  state.playFrom = { time: performance.now(), index: state.wanted };
  $("play").textContent = playing ? "❚❚" : "▶";
  $("play").setAttribute("aria-label", playing ? "Pause" : "Play");
}

function tick(now) {
  if (state.playing && state.info) {
    // An animation frame's time is when the frame began, which can be before the click that
    // started playing: never step back from where play began (frame -1 at frame 0).
    const elapsed = Math.max(0, now - state.playFrom.time);
    let index = state.playFrom.index + Math.floor((elapsed * state.info.fps) / 1000);
    if (index >= lastFrame()) {
      index = lastFrame();
      setPlaying(false);
    }
    if (index !== state.wanted) {
      state.wanted = index;
      readout();
      pump();
    }
  }
  requestAnimationFrame(tick);
}

/**
 * Asks for the newest wanted frame unless it is on the canvas or already asked for. Two
 * requests may be out at once (the server draws the next while the page decodes the last);
 * an answer older than the frame on the canvas is dropped.
 */
function pump() {
  if (!state.scene || !state.info || state.inFlight >= 2) return;
  const target = { index: state.wanted, view: viewKey(), version: state.info.version };
  const covers = (a) => a !== null && a.index === target.index && a.view === target.view && a.version >= target.version;
  if (covers(state.shown) || covers(state.asked)) return;
  const sequence = ++state.sequence;
  state.asked = target;
  state.inFlight++;
  // A frame that takes long (a slow draw, a loop the frame limit will stop) says so.
  let slowShown = false;
  const slow = setTimeout(() => {
    slowShown = true;
    busy(`drawing frame ${target.index}…`);
  }, 500);
  fetch(`/api/frame?${viewQuery()}&index=${target.index}`)
    .then(async (response) => {
      if (response.ok) {
        const version = Number(response.headers.get("x-netreel-version"));
        const bitmap = await createImageBitmap(await response.blob());
        if (sequence < state.shownSequence) return bitmap.close();
        state.shownSequence = sequence;
        if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
          canvas.width = bitmap.width;
          canvas.height = bitmap.height;
          fit();
        }
        context.drawImage(bitmap, 0, 0);
        bitmap.close();
        clearError();
        state.shown = { index: target.index, version, view: target.view, at: Date.now(), count: state.shown.count + 1 };
        state.drawError = null;
        if (state.info && version > state.info.version) await loadInfo();
      } else {
        const body = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
        if (sequence < state.shownSequence) return;
        state.shownSequence = sequence;
        state.shown = { ...state.shown, index: target.index, view: target.view, version: target.version };
        if (response.status === 422) state.drawError = body;
        else status(body.message, true);
      }
    })
    .catch((error) => status(`the studio stopped answering (${error.message})`, true))
    .finally(() => {
      clearTimeout(slow);
      if (slowShown) busy(null);
      state.inFlight--;
      if (state.asked && sequence === state.sequence) state.asked = null;
      showOverlay();
      pump();
    });
}

function readout() {
  const info = state.info;
  const index = state.wanted;
  $("scrubber").value = String(index);
  if (!info) return;
  const time = index / info.fps;
  $("time").textContent = `${time.toFixed(2)} s / ${(info.frames / info.fps).toFixed(2)} s`;
  $("index").textContent = `frame ${index} / ${info.frames - 1}`;
  const epochs = info.timeline.epochs;
  $("epoch").textContent = epochs ? `epoch ${epochs[index].toFixed(1)}` : "";
  const beats = info.timeline.beats ?? [];
  const beat = beats.filter((b) => time >= b.start && b.end > b.start).at(-1);
  $("beat").textContent = beat ? `beat: ${beat.name}` : "";
}

/** Marks the scene's beats under the scrubber; a label that would run into the next is left to its tooltip. */
function drawBeats() {
  const box = $("beats");
  box.replaceChildren();
  const info = state.info;
  const beats = info?.timeline.beats ?? [];
  const duration = info ? info.frames / info.fps : 1;
  let previous = null;
  for (const beat of beats) {
    const mark = document.createElement("div");
    mark.className = "beat";
    mark.textContent = beat.name;
    mark.title = `${beat.name}: ${beat.start.toFixed(2)}–${beat.end.toFixed(2)} s (click to go there)`;
    mark.style.left = `calc(8px + (100% - 16px) * ${beat.start / duration})`;
    mark.addEventListener("click", () => {
      setPlaying(false);
      seek(Math.round(beat.start * info.fps));
      syncUrl();
    });
    box.append(mark);
    if (previous && previous.offsetLeft + previous.offsetWidth + 4 > mark.offsetLeft) previous.textContent = "";
    previous = mark;
  }
}

/** Loads the scene for the current view (the server trains or reuses its run) and shows its first frame. */
async function loadInfo() {
  if (!state.scene) return;
  busy("loading…");
  const response = await fetch(`/api/scene?${viewQuery()}`);
  const body = await response.json();
  if (!response.ok) {
    busy(null);
    if (response.status === 422) {
      state.loadError = body;
      showOverlay();
    } else status(body.message, true);
    return;
  }
  if (!sameView(body.view)) return;
  state.loadError = body.error ?? null;
  showOverlay();
  acceptInfo(body);
}

function acceptInfo(info) {
  state.info = info;
  busy(null);
  clearError();
  $("scrubber").max = String(info.frames - 1);
  if (state.wanted > info.frames - 1) state.wanted = info.frames - 1;
  drawBeats();
  readout();
  pump();
}

function syncUrl() {
  const params = new URLSearchParams({
    scene: state.scene ?? "",
    size: `${state.width}x${state.height}`,
    theme: state.theme,
    frame: String(state.wanted),
  });
  history.replaceState(null, "", `?${params}`);
}

function setView(changes) {
  Object.assign(state, changes);
  state.drawError = null;
  if (changes.scene !== undefined) {
    state.loadError = null;
    state.info = null;
    state.wanted = changes.wanted ?? 0;
    setPlaying(false);
    status("");
    // Nothing of the previous scene stays on screen under the new one (or its error).
    context.clearRect(0, 0, canvas.width, canvas.height);
    state.shown = { ...state.shown, index: -1, view: "" };
    $("beats").replaceChildren();
    for (const id of ["time", "index", "epoch", "beat"]) $(id).textContent = "";
  }
  $("scene").value = state.scene;
  $("size").value = `${state.width}x${state.height}`;
  $("theme").value = state.theme;
  showOverlay();
  syncUrl();
  loadInfo();
}

function listScenes(scenes) {
  state.scenes = scenes;
  const select = $("scene");
  select.replaceChildren(
    ...scenes.map((id) => {
      const option = document.createElement("option");
      option.value = id;
      option.textContent = id.replace(/^scenes\//, "");
      return option;
    }),
  );
  if (state.scene) select.value = state.scene;
}

function listen() {
  const events = new EventSource("/api/events");
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    switch (event.type) {
      case "scenes":
        listScenes(event.scenes);
        // The page's scene was renamed: follow it, at the same frame.
        if (event.renamed && event.renamed.from === state.scene) {
          setView({ scene: event.renamed.to, wanted: state.wanted });
        }
        break;
      case "scene":
        if (sameView(event.scene.view)) {
          state.loadError = null;
          showOverlay();
          acceptInfo(event.scene);
        }
        break;
      case "reloading":
        if (event.scene === state.scene) busy("reloading…");
        break;
      case "training":
        if (event.scene === state.scene) {
          const { epoch, epochs } = event.progress;
          busy(`training: epoch ${Math.floor(epoch)} of ${epochs}`);
        }
        break;
      case "error":
        if (event.error === null) state.loadError = null;
        else if (event.error.scene === state.scene) {
          state.loadError = event.error;
          busy(null);
        }
        showOverlay();
        break;
      case "render":
        renderProgress(event);
        break;
    }
  };
  events.onerror = () => status("lost the studio's events; retrying…", true);
  events.onopen = () => status("");
}

function renderProgress(event) {
  const box = $("job");
  box.hidden = false;
  const text = $("job-text");
  const bar = $("job-progress");
  $("job-stop").hidden = !(event.state === "training" || event.state === "rendering");
  $("render").disabled = event.state === "training" || event.state === "rendering";
  switch (event.state) {
    case "training":
      text.textContent = `rendering ${event.scene}: training…`;
      bar.removeAttribute("value");
      break;
    case "rendering":
      bar.value = event.done / event.total;
      text.textContent = `rendering ${event.scene}: frame ${event.done} of ${event.total}`;
      break;
    case "done": {
      bar.value = 1;
      text.replaceChildren(`rendered `, link(event.file));
      break;
    }
    case "failed":
      text.textContent = `the render failed: ${event.message}`;
      break;
    case "stopped":
      text.textContent = "the render was stopped; nothing was written";
      break;
  }
}

function link(file) {
  const a = document.createElement("a");
  a.href = `/${file}`;
  a.textContent = file;
  a.target = "_blank";
  return a;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, body: await response.json() };
}

function wire() {
  $("scene").addEventListener("change", (e) => setView({ scene: e.target.value }));
  $("size").addEventListener("change", (e) => {
    const [width, height] = e.target.value.split("x").map(Number);
    setView({ width, height });
  });
  $("theme").addEventListener("change", (e) => setView({ theme: e.target.value }));
  $("scrubber").addEventListener("input", (e) => {
    setPlaying(false);
    seek(Number(e.target.value));
  });
  $("scrubber").addEventListener("change", syncUrl);
  $("play").addEventListener("click", () => {
    setPlaying(!state.playing);
    syncUrl();
  });
  $("save").addEventListener("click", async () => {
    status(`saving frame ${state.wanted}…`);
    const { ok, body } = await post("/api/save", { scene: state.scene, index: state.wanted, theme: state.theme });
    if (ok) {
      const line = $("status");
      line.classList.remove("error");
      line.replaceChildren("saved ", link(body.file));
    } else status(body.message, true);
  });
  $("render").addEventListener("click", async () => {
    const { ok, body } = await post("/api/render", { scene: state.scene, format: "mp4", theme: state.theme });
    if (!ok) status(body.message, true);
  });
  $("job-stop").addEventListener("click", () => post("/api/stop-render", {}));
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey && state.info ? Math.round(state.info.fps) : 1;
    switch (e.key) {
      case " ":
        setPlaying(!state.playing);
        break;
      case "ArrowLeft":
        setPlaying(false);
        seek(state.wanted - step);
        break;
      case "ArrowRight":
        setPlaying(false);
        seek(state.wanted + step);
        break;
      case "Home":
        seek(0);
        break;
      case "End":
        seek(lastFrame());
        break;
      default:
        return;
    }
    e.preventDefault();
    syncUrl();
  });
}

async function start() {
  wire();
  fit();
  listen();
  const response = await fetch("/api/state");
  const initial = await response.json();
  listScenes(initial.scenes);
  const params = new URLSearchParams(location.search);
  const scene = initial.scenes.includes(params.get("scene")) ? params.get("scene") : initial.first;
  const size = /^(\d+)x(\d+)$/.exec(params.get("size") ?? "");
  if (size) {
    state.width = Number(size[1]);
    state.height = Number(size[2]);
    if (![...$("size").options].some((o) => o.value === `${state.width}x${state.height}`)) {
      $("size").append(new Option(`${state.width} × ${state.height}`, `${state.width}x${state.height}`));
    }
  }
  if (params.get("theme") === "dark") state.theme = "dark";
  if (initial.render) renderProgress({ state: "rendering", scene: initial.render.scene, done: 0, total: 1 });
  if (!scene) {
    status("no scenes in scenes/: add one (see the README's Writing a scene)", true);
    return;
  }
  setView({ scene, wanted: Number(params.get("frame") ?? 0) || 0 });
  requestAnimationFrame(tick);
}

start();
