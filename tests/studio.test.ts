// `netreel studio` as a user runs it (a child process on a throw-away project), driven over
// HTTP: what it serves and refuses, frames equal to `render --frame N`, hot reload that reuses
// a run whose training did not change, errors with their place, and Ctrl-C during a render.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  captionScene,
  collectEvents,
  makeProject,
  pixels,
  ROOT,
  type RunningStudio,
  renderFrame,
  startStudio,
  throwingScene,
  trainingScene,
  until,
} from "./studio-helpers.ts";

const view = (scene: string, size = "640x360") => {
  const [width, height] = size.split("x");
  return `scene=${encodeURIComponent(scene)}&width=${width}&height=${height}&theme=light`;
};

/** A raw HTTP request, so that the path is sent exactly as written (fetch would normalise `..`). */
function rawGet(port: number, target: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    let text = "";
    socket.setEncoding("utf8").on("data", (t: string) => (text += t));
    socket.on("end", () =>
      resolve({ status: Number(text.split(" ")[1]), body: text.slice(text.indexOf("\r\n\r\n") + 4) }),
    );
    socket.on("error", reject);
  });
}

describe("netreel studio (over HTTP)", { timeout: 240_000 }, () => {
  let project: string;
  let studio: RunningStudio;

  before(async () => {
    project = makeProject({
      "caption.ts": captionScene("the first caption"),
      "trains.ts": trainingScene("before"),
      // A scene whose file name is not its name (outputs are named by the scene's name), and a
      // helper module beside the scenes (not a scene: not listed).
      "lecture-3.ts": captionScene("from lecture 3").replace('name: "caption"', 'name: "bars"'),
      "words.ts": 'export const WORDS = "helper";\n',
      "throws.ts": throwingScene(),
    });
    writeFileSync(path.join(project, "secret.txt"), "not to be served");
    studio = await startStudio(project, ["scenes/caption.ts", "--frame-timeout", "3"]);
  });

  after(async () => {
    await studio?.stop();
  });

  test("listens on 127.0.0.1 only and lists the project's scenes", async () => {
    assert.match(studio.url, /^http:\/\/127\.0\.0\.1:\d+\/\?scene=scenes%2Fcaption\.ts$/);
    const state = (await (await fetch(`${studio.base}/api/state`)).json()) as { scenes: string[]; first: string };
    assert.deepEqual(state.scenes, [
      "scenes/caption.ts",
      "scenes/lecture-3.ts",
      "scenes/throws.ts",
      "scenes/trains.ts",
    ]);
    assert.equal(state.first, "scenes/caption.ts");
    const page = await fetch(`${studio.base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /netreel studio/);
  });

  test("refuses paths that climb out, absolute paths, unknown scenes and other hosts", async () => {
    const refused = [
      "/../secret.txt",
      "/output/../secret.txt",
      "/output/..%2fsecret.txt",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/output/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "//etc/passwd",
      "/etc/passwd",
      "/scenes/caption.ts",
      "/output/..\\secret.txt",
    ];
    for (const target of refused) {
      const { status, body } = await rawGet(studio.port, target);
      assert.ok(status === 403 || status === 404, `${target}: ${status}`);
      assert.doesNotMatch(body, /not to be served|root:/, target);
    }
    for (const scene of ["../secret.txt", "/etc/passwd", path.join(project, "secret.txt"), "scenes/../secret.txt"]) {
      const response = await fetch(`${studio.base}/api/frame?${view(scene)}&index=0`);
      assert.equal(response.status, 404, scene);
    }
    const rebinding = await rawGet(studio.port, "/api/state", "evil.example:80");
    assert.equal(rebinding.status, 403);
    const crossSite = await fetch(`${studio.base}/api/render`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ scene: "scenes/caption.ts" }),
    });
    assert.equal(crossSite.status, 403);
    const noOrigin = await fetch(`${studio.base}/api/save`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scene: "scenes/caption.ts", index: 0 }),
    });
    assert.equal(noOrigin.status, 403, "a POST that does not say it comes from the page is refused");
  });

  test("a frame is the same image as render --frame N at that size", async () => {
    for (const index of [0, 13]) {
      const response = await fetch(`${studio.base}/api/frame?${view("scenes/caption.ts")}&index=${index}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "image/png");
      const served = pixels(Buffer.from(await response.arrayBuffer()));
      const reference = pixels(await renderFrame(project, "scenes/caption.ts", index));
      assert.equal(served.width, 640);
      assert.ok(served.data.equals(reference.data), `frame ${index} differs from render --frame ${index}`);
    }
    const past = await fetch(`${studio.base}/api/frame?${view("scenes/caption.ts")}&index=20`);
    assert.equal(past.status, 400);
    assert.match(((await past.json()) as { message: string }).message, /outside the clip \(0 to 19\)/);
  });

  test("the scene's beats and clip come with it", async () => {
    const info = (await (await fetch(`${studio.base}/api/scene?${view("scenes/caption.ts")}`)).json()) as {
      frames: number;
      fps: number;
      timeline: { beats: { name: string; start: number; end: number }[] };
    };
    assert.equal(info.frames, 20);
    assert.deepEqual(
      info.timeline.beats.map((b) => b.name),
      ["intro", "grow"],
    );
    assert.equal(info.timeline.beats[1]?.start, 0.5);
  });

  test("saving a scene reloads it; its run is reused unless its training config changed", async () => {
    const file = path.join(project, "scenes/trains.ts");
    const frameOf = async () => {
      const response = await fetch(`${studio.base}/api/frame?${view("scenes/trains.ts", "320x180")}&index=0`);
      assert.equal(response.status, 200);
      return {
        version: Number(response.headers.get("x-netreel-version")),
        png: Buffer.from(await response.arrayBuffer()),
      };
    };
    const events = await collectEvents(studio.base);
    try {
      const first = await frameOf();
      const trainedAtFirst = events.events.filter((e) => e.type === "training").length;
      assert.ok(trainedAtFirst > 0, "the first load trains and says so");

      writeFileSync(file, trainingScene("after"));
      const reloaded = await until(
        () => events.events.find((e) => e.type === "scene" && (e.scene as { version: number }).version > first.version),
        "the reload after a caption edit",
      );
      assert.equal(
        events.events.filter((e) => e.type === "training").length,
        trainedAtFirst,
        "a caption edit trains nothing",
      );
      const second = await frameOf();
      assert.equal(second.version, (reloaded.scene as { version: number }).version);
      assert.ok(!second.png.equals(first.png), "the new caption is drawn");
      assert.ok(
        pixels(second.png).data.equals(pixels(await renderFrame(project, "scenes/trains.ts", 0, "320x180")).data),
      );

      const before = events.events.length;
      writeFileSync(file, trainingScene("after", 25));
      await until(() => events.events.slice(before).find((e) => e.type === "scene"), "the reload after an epochs edit");
      const training = events.events.slice(before).filter((e) => e.type === "training");
      assert.ok(training.length > 0, "a changed config trains again, with progress");
      assert.equal((training.at(-1) as unknown as { progress: { epochs: number } }).progress.epochs, 25);

      // A field written wrongly is shown where the scene writes it (line 11: "    epochs: -1,").
      const beforeBad = events.events.length;
      writeFileSync(file, trainingScene("after", -1));
      const bad = await until(
        () => events.events.slice(beforeBad).find((e) => e.type === "error" && e.error !== null),
        "the config error's event",
      );
      const error = bad.error as { message: string; where?: unknown; excerpt?: string };
      assert.match(error.message, /config field 'epochs': must be an integer >= 0, got -1/);
      assert.deepEqual(error.where, { file: "scenes/trains.ts", line: 11, column: 5 });
      assert.match(error.excerpt ?? "", /> 11 \| {5}epochs: -1,/);
      writeFileSync(file, trainingScene("after", 25));
    } finally {
      events.close();
    }
  });

  test("a syntax error is reported with its line and column, the last good version keeps drawing, a fix clears it", async () => {
    const file = path.join(project, "scenes/caption.ts");
    const good = readFileSync(file, "utf8");
    await fetch(`${studio.base}/api/scene?${view("scenes/caption.ts")}`);
    const events = await collectEvents(studio.base);
    try {
      writeFileSync(
        file,
        good.replace('const CAPTION = "the first caption";', 'const CAPTION = "the first caption" +;'),
      );
      const failed = await until(
        () => events.events.find((e) => e.type === "error" && e.error !== null),
        "the syntax error's event",
      );
      const error = failed.error as { message: string; where: { file: string; line: number; column: number } };
      assert.deepEqual(error.where, { file: "scenes/caption.ts", line: 2, column: 38 });
      assert.match(error.message, /scenes\/caption\.ts.*failed to load/);
      const stillDraws = await fetch(`${studio.base}/api/frame?${view("scenes/caption.ts")}&index=1`);
      assert.equal(stillDraws.status, 200, "the last good version still draws");
      const info = (await (await fetch(`${studio.base}/api/scene?${view("scenes/caption.ts")}`)).json()) as {
        error: unknown;
      };
      assert.ok(info.error, "a page opened now learns of the error too");

      writeFileSync(file, good);
      await until(() => events.events.find((e) => e.type === "error" && e.error === null), "the error cleared");
    } finally {
      events.close();
    }
  });

  test("a version stuck in a loop while loading is dropped as soon as the fix is saved", async () => {
    const file = path.join(project, "scenes/caption.ts");
    const good = readFileSync(file, "utf8");
    await fetch(`${studio.base}/api/scene?${view("scenes/caption.ts")}`);
    const events = await collectEvents(studio.base);
    try {
      writeFileSync(file, good.replace("const CAPTION =", "while (Date.now() > 0) {}\nconst CAPTION ="));
      await until(() => events.events.find((e) => e.type === "reloading"), "the reload of the looping version");
      await new Promise((r) => setTimeout(r, 1000));
      writeFileSync(file, good.replace("the first caption", "fixed"));
      // Not held up by the loop: a load that waited for its limit (60 s) would miss this, and
      // the watchdog would have reported it.
      await until(() => events.events.find((e) => e.type === "scene"), "the fixed version loaded", 45_000);
      assert.ok(
        !events.events.some((e) => e.type === "error" && e.error !== null),
        "the dropped version reports nothing",
      );
    } finally {
      events.close();
      writeFileSync(file, good);
    }
  });

  test("a missing import names the import and the scene's line that imports it; a removed scene says so; both recover", async () => {
    const file = path.join(project, "scenes/caption.ts");
    const good = readFileSync(file, "utf8");
    await fetch(`${studio.base}/api/scene?${view("scenes/caption.ts")}`);
    const events = await collectEvents(studio.base);
    try {
      writeFileSync(file, `import { NOPE } from "./nope.ts";\nvoid NOPE;\n${good}`);
      const missing = await until(
        () => events.events.find((e) => e.type === "error" && e.error !== null),
        "the missing import's error",
      );
      const error = missing.error as { message: string; where?: unknown };
      assert.match(error.message, /scenes\/caption\.ts:1:22: Could not resolve "\.\/nope\.ts"/);
      assert.deepEqual(
        error.where,
        { file: "scenes/caption.ts", line: 1, column: 22 },
        "the scene's import, not netreel's code",
      );
      writeFileSync(file, good);
      await until(() => events.events.find((e) => e.type === "error" && e.error === null), "the error cleared");

      const before = events.events.length;
      renameSync(file, `${file}.moved`);
      const gone = await until(
        () => events.events.slice(before).find((e) => e.type === "error" && e.error !== null),
        "the removed scene's error",
      );
      assert.match((gone.error as { message: string }).message, /scenes\/caption\.ts is gone \(removed or renamed\)/);
      renameSync(`${file}.moved`, file);
      await until(() => events.events.slice(before).find((e) => e.type === "scene"), "the scene back");
    } finally {
      events.close();
      if (existsSync(`${file}.moved`)) renameSync(`${file}.moved`, file);
    }
  });

  test("a draw stuck in a loop is stopped at the frame limit, and saving the fix recovers at once", async () => {
    const file = path.join(project, "scenes/throws.ts");
    const good = readFileSync(file, "utf8");
    await fetch(`${studio.base}/api/scene?${view("scenes/throws.ts", "320x180")}`);
    const events = await collectEvents(studio.base);
    try {
      writeFileSync(file, good.replace('throw new Error("no frame three here")', "while (Date.now() > 0) {}"));
      await until(() => events.events.find((e) => e.type === "scene"), "the looping version loaded");
      const stuck = await fetch(`${studio.base}/api/frame?${view("scenes/throws.ts", "320x180")}&index=3`);
      assert.equal(stuck.status, 422);
      assert.match(((await stuck.json()) as { message: string }).message, /took longer than 3 s drawing frame 3/);
      // The warm process rehearses that version, frame 3 included: the fix must not wait for it.
      await new Promise((r) => setTimeout(r, 1000));
      const before = events.events.length;
      writeFileSync(file, good.replace('throw new Error("no frame three here")', "void 0"));
      await until(() => events.events.slice(before).find((e) => e.type === "scene"), "the fixed version", 20_000);
      const drawn = await fetch(`${studio.base}/api/frame?${view("scenes/throws.ts", "320x180")}&index=3`);
      assert.equal(drawn.status, 200);
    } finally {
      // Put the scene back and wait for the studio to load it, for the next test.
      const restored = events.events.length;
      writeFileSync(file, good);
      await until(() => events.events.slice(restored).find((e) => e.type === "scene"), "the scene restored").catch(
        () => {},
      );
      events.close();
    }
  });

  test("a draw that throws gives the message and the scene's line, and the server goes on", async () => {
    const thrown = await fetch(`${studio.base}/api/frame?${view("scenes/throws.ts", "320x180")}&index=3`);
    assert.equal(thrown.status, 422);
    const body = (await thrown.json()) as { message: string; where: { file: string; line: number } };
    assert.match(body.message, /no frame three here/);
    assert.equal(body.where.file, "scenes/throws.ts");
    assert.equal(body.where.line, 9);
    const next = await fetch(`${studio.base}/api/frame?${view("scenes/throws.ts", "320x180")}&index=4`);
    assert.equal(next.status, 200);
  });

  test("Save PNG writes the same file as render --frame N; Render MP4 reports progress and names the file", async () => {
    const post = (route: string, body: object) =>
      fetch(`${studio.base}${route}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: studio.base },
        body: JSON.stringify(body),
      });
    const saved = await post("/api/save", { scene: "scenes/lecture-3.ts", index: 7, theme: "light" });
    assert.equal(saved.status, 200);
    assert.deepEqual(await saved.json(), { file: "output/bars-frame7.png" }, "named as render --frame 7 names it");
    const file = readFileSync(path.join(project, "output/bars-frame7.png"));
    assert.ok(pixels(file).data.equals(pixels(await renderFrame(project, "scenes/lecture-3.ts", 7, "1280x720")).data));
    const served = await fetch(`${studio.base}/output/bars-frame7.png`);
    assert.ok(Buffer.from(await served.arrayBuffer()).equals(file), "the saved still is served from output/");
    const past = await post("/api/save", { scene: "scenes/caption.ts", index: 99 });
    assert.equal(past.status, 422);
    assert.match(((await past.json()) as { message: string }).message, /past the last frame \(19\)/);

    const events = await collectEvents(studio.base);
    try {
      const started = await post("/api/render", { scene: "scenes/caption.ts", format: "mp4" });
      assert.equal(started.status, 202);
      const done = await until(
        () => events.events.find((e) => e.type === "render" && e.state === "done"),
        "the render's end",
        60_000,
      );
      assert.equal(done.file, "output/caption.mp4");
      const progress = events.events.filter((e) => e.type === "render" && e.state === "rendering");
      assert.ok(progress.length > 0 && progress.at(-1)?.done === 20, "progress up to the last of 20 frames");
      assert.ok(readFileSync(path.join(project, "output/caption.mp4")).length > 1000);
    } finally {
      events.close();
    }
    for (const name of ["caption.mp4", "bars-frame7.png"]) rmSync(path.join(project, "output", name));
  });

  test("Ctrl-C during a render it started stops everything and leaves no file behind", async () => {
    const started = await fetch(`${studio.base}/api/render`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: studio.base },
      body: JSON.stringify({ scene: "scenes/caption.ts", format: "mp4" }),
    });
    assert.equal(started.status, 202);
    const again = await fetch(`${studio.base}/api/render`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: studio.base },
      body: JSON.stringify({ scene: "scenes/caption.ts" }),
    });
    assert.equal(again.status, 409, "one render at a time");
    // The studio's children (scene processes, ffmpeg), to check they are gone afterwards.
    await until(
      () => existsSync(path.join(project, "output")) && readdirSync(path.join(project, "output")).length > 0,
      "the render's temporary file",
    );
    const children = childrenOf(studio.child.pid as number);
    assert.ok(children.length >= 2, `scene processes and ffmpeg are running (${children})`);
    const code = await studio.stop("SIGINT");
    assert.equal(code, 130);
    assert.match(studio.stderr(), /studio: stopped/);
    assert.deepEqual(readdirSync(path.join(project, "output")), [], "no temporary file is left in output/");
    await until(() => children.every((pid) => !existsSync(`/proc/${pid}`)), "every child process gone", 5000);
  });
});

// With a frame limit of 60 s, anything that waited for the looping code to be stopped would
// outlast the test's own 45 s: the fix must be taken up because it was saved, not because the
// old code timed out (no wall-clock limit to miss on a busy machine).
describe("netreel studio: a fix saved while a frame loops", { timeout: 45_000 }, () => {
  let project: string;
  let studio: RunningStudio;

  before(async () => {
    project = makeProject({ "throws.ts": throwingScene() });
    studio = await startStudio(project, ["scenes/throws.ts", "--frame-timeout", "60"]);
  });

  after(async () => {
    await studio?.stop();
  });

  test("the page's pending request for the looping frame gets the fixed version's frame", async () => {
    const file = path.join(project, "scenes/throws.ts");
    const good = readFileSync(file, "utf8");
    await fetch(`${studio.base}/api/scene?${view("scenes/throws.ts", "320x180")}`);
    const events = await collectEvents(studio.base);
    try {
      writeFileSync(file, good.replace('throw new Error("no frame three here")', "while (Date.now() > 0) {}"));
      await until(() => events.events.find((e) => e.type === "scene"), "the looping version loaded");
      const pending = fetch(`${studio.base}/api/frame?${view("scenes/throws.ts", "320x180")}&index=3`);
      // Give the request time to reach the looping code before the fix is saved (were it slower,
      // the fixed version would draw it all the same: the test cannot fail by this wait).
      await new Promise((r) => setTimeout(r, 500));
      const before = events.events.length;
      writeFileSync(file, good.replace('throw new Error("no frame three here")', "void 1"));
      const answer = await pending;
      assert.equal(
        answer.status,
        200,
        `drawn by the fixed version: ${answer.status === 200 ? "" : await answer.text()}`,
      );
      await until(() => events.events.slice(before).find((e) => e.type === "scene"), "the fixed version loaded");
      assert.ok(!events.events.some((e) => e.type === "error" && e.error !== null), "no error: nothing timed out");
      // And the next frame 3 is the fixed version's at once, from the page's side too.
      const again = await fetch(`${studio.base}/api/frame?${view("scenes/throws.ts", "320x180")}&index=3`);
      assert.equal(again.status, 200);
    } finally {
      events.close();
    }
  });
});

/** The process ids of a process's children and their children (Linux /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const task of readdirSafe(`/proc/${parent}/task`)) {
      const text = readSafe(`/proc/${parent}/task/${task}/children`);
      for (const child of text.split(/\s+/).filter(Boolean).map(Number)) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

// The warm process rehearses the scene (imports a copy and draws a frame) so that the next
// version starts fast; the next version must still be read anew, and so must any file the
// scene imports, whether the project compiles as ES modules or (no "type": "module") CommonJS.
for (const kind of ["ES modules", "CommonJS"] as const) {
  describe(`netreel studio reloads what changed (${kind})`, { timeout: 120_000 }, () => {
    test("edits to the scene, then to a file it imports, then to the scene again each show", async () => {
      const scene = (suffix: string) =>
        captionScene("x").replace(
          'const CAPTION = "x";',
          `import { WORDS } from "./words.ts";\nconst CAPTION = WORDS + ${JSON.stringify(suffix)};`,
        );
      const project = makeProject({
        "caption.ts": scene(" (first)"),
        "words.ts": `export const WORDS = "words one";\n`,
      });
      if (kind === "ES modules") writeFileSync(path.join(project, "package.json"), '{ "type": "module" }\n');
      const running = await startStudio(project, ["scenes/caption.ts"]);
      const events = await collectEvents(running.base);
      try {
        let version = 0;
        const check = async (what: string) => {
          const scene = await until(
            () => events.events.find((e) => e.type === "scene" && (e.scene as { version: number }).version > version),
            what,
          );
          version = (scene.scene as { version: number }).version;
          const response = await fetch(`${running.base}/api/frame?${view("scenes/caption.ts")}&index=4`);
          const served = pixels(Buffer.from(await response.arrayBuffer()));
          assert.ok(
            served.data.equals(pixels(await renderFrame(project, "scenes/caption.ts", 4)).data),
            `${what}: the studio's frame is the file's`,
          );
          // Let the warm process come up and rehearse this version before the next edit.
          await new Promise((r) => setTimeout(r, 2500));
        };
        await fetch(`${running.base}/api/scene?${view("scenes/caption.ts")}`);
        await check("the first load");
        writeFileSync(path.join(project, "scenes/caption.ts"), scene(" (second)"));
        await check("the scene edited");
        writeFileSync(path.join(project, "scenes/words.ts"), `export const WORDS = "words two";\n`);
        await check("the imported file edited");
        writeFileSync(path.join(project, "scenes/caption.ts"), scene(" (third)"));
        await check("the scene edited again");
        // Saved as vim or sed -i save: a new file renamed over the old one, then in place again.
        writeFileSync(path.join(project, "scenes/.caption.ts.swp"), scene(" (fourth, renamed over)"));
        renameSync(path.join(project, "scenes/.caption.ts.swp"), path.join(project, "scenes/caption.ts"));
        await check("the scene replaced by a rename");
        writeFileSync(path.join(project, "scenes/caption.ts"), scene(" (fifth, in place)"));
        await check("the scene edited in place after the rename");
      } finally {
        events.close();
        await running.stop();
      }
    });
  });
}

describe("netreel studio (command line)", () => {
  test("a missing scene, a bad port and a port in use are one line and exit 2", async () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, "scripts/netreel.js"), "studio", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 30_000,
      });
    const missing = run(["scenes/nope.ts"]);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim(), "netreel studio: scene file scenes/nope.ts does not exist");
    const badPort = run(["--port", "99999"]);
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /--port must be a port number/);
    const blocker = net.createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const busy = run(["--port", String(port)]);
      assert.equal(busy.status, 2);
      assert.equal(
        busy.stderr.trim(),
        `netreel studio: port ${port} is in use; choose another with --port or leave it out`,
      );
    } finally {
      blocker.close();
    }
  });
});
