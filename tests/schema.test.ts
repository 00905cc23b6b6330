// One schema per input format: the committed JSON Schemas are the ones the zod schemas
// generate, real files validate against them with an independent validator (ajv), and
// validation, data loading and network building are separate steps.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { buildNetwork, loadDataset, planTraining, train, validateConfig } from "../src/train/index.ts";
import { jsonSchemas } from "../src/train/schema.ts";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
const committed = (name: string) => JSON.parse(readFileSync(path.join(root, "schemas", name), "utf8"));

describe("JSON Schemas (schemas/*.json)", () => {
  test("the committed files are what the zod schemas generate (run npm run schemas after changing one)", () => {
    const generated = jsonSchemas();
    assert.deepEqual(readdirSync(path.join(root, "schemas")).sort(), Object.keys(generated).sort());
    for (const [name, schema] of Object.entries(generated)) assert.deepEqual(committed(name), schema, name);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const config = ajv.compile(committed("train-config.schema.json"));
  const run = ajv.compile(committed("run.schema.json"));

  test("every example config validates, and so does a config naming its schema", () => {
    for (const file of readdirSync(path.join(root, "examples")).filter((f) => f.endsWith(".json"))) {
      const example = JSON.parse(readFileSync(path.join(root, "examples", file), "utf8"));
      assert.ok(config(example), `${file}: ${JSON.stringify(config.errors)}`);
    }
    const named = {
      $schema: "../schemas/train-config.schema.json",
      sizes: [2, 3, 1],
      data: { dataset: "xor" },
      epochs: 1,
      batchSize: 10,
      learningRate: 1,
    };
    assert.ok(config(named), JSON.stringify(config.errors));
    assert.doesNotThrow(() => validateConfig(named));
  });

  test("what netreel refuses, the schema refuses too: an unknown field, an unknown data-set option, a bad activation", () => {
    const good = { sizes: [2, 3, 1], data: { dataset: "circles", n: 20 }, epochs: 1, batchSize: 5, learningRate: 1 };
    for (const bad of [
      { ...good, learningrate: 1 },
      { ...good, data: { dataset: "circles", nosie: 0.1 } },
      { ...good, activation: "swish" },
      { ...good, epochs: -1 },
      { ...good, sizes: [2] },
    ]) {
      assert.equal(config(bad), false, JSON.stringify(bad));
      assert.throws(() => validateConfig(bad));
    }
  });

  test("a run netreel writes validates against the run schema", () => {
    const written: { snapshots: { loss: unknown }[] } = JSON.parse(
      JSON.stringify(
        train({ sizes: [2, 3, 1], data: { dataset: "moons", n: 30 }, epochs: 2, batchSize: 10, learningRate: 1 }),
      ),
    );
    assert.ok(run(written), JSON.stringify(run.errors));
    (written.snapshots[1] as { loss: unknown }).loss = "low";
    assert.equal(run(written), false);
  });
});

describe("validation, data loading and network building are separate steps", () => {
  const config = {
    sizes: [2, 4, 1],
    data: { dataset: "circles", n: 1_000_000_000 },
    epochs: 1,
    batchSize: 10,
    learningRate: 1,
    seed: 5,
  };

  test("validateConfig only checks and fills in defaults: a billion examples are not generated", () => {
    const valid = validateConfig(config);
    assert.equal(valid.activation, "sigmoid");
    assert.equal(valid.outputActivation, "sigmoid");
    assert.deepEqual(valid.snapshot, { layers: [1], preActivations: false });
    assert.deepEqual(valid.init, { scheme: "normal" });
    assert.throws(
      () => loadDataset(valid),
      /^ConfigError: config: the run would hold about .* GB of data \(1000000000 examples/,
    );
  });

  test("the three steps give what planTraining gives", () => {
    const small = { ...config, data: { dataset: "circles", n: 50 } };
    const plan = planTraining(small);
    const valid = validateConfig(small);
    assert.deepEqual(loadDataset(valid), plan.data);
    assert.deepEqual(buildNetwork(valid).toPlain(), plan.network.toPlain());
  });
});
