// Where a config field is written: the place an error about it names.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fieldPath, jsonFieldPlace, sourceFieldPlace } from "../src/train/config-place.ts";

describe("config fields are placed where they are written", () => {
  test("a field's name as its path", () => {
    assert.deepEqual(fieldPath("epochs"), ["epochs"]);
    assert.deepEqual(fieldPath("data.X[3][1]"), ["data", "X", 3, 1]);
    assert.deepEqual(fieldPath("init.weights[0]"), ["init", "weights", 0]);
  });

  // Lines and columns counted by hand (1-based, as editors show them; checked with Python's str.index).
  const text = [
    "\uFEFF{", //                                   1
    '  "data": { "dataset": "circles",', //         2
    '            "note": "a } and a \\" inside",', // 3
    '            "X": [[0, 1], [2, 3e-2]] },', //   4
    '  "sizes": [2, 3, 1],', //                     5
    '  "epochs": -3', //                            6
    "}",
  ].join("\n");

  test("in a JSON file: keys, array elements, nested, and the deepest part that exists", () => {
    assert.deepEqual(jsonFieldPlace(text, ["epochs"]), { line: 6, column: 3 });
    assert.deepEqual(jsonFieldPlace(text, ["data", "dataset"]), { line: 2, column: 13 });
    assert.deepEqual(jsonFieldPlace(text, ["sizes", 2]), { line: 5, column: 19 });
    assert.deepEqual(jsonFieldPlace(text, ["data", "X", 1, 1]), { line: 4, column: 31 });
    assert.deepEqual(jsonFieldPlace(text, ["data", "note"]), { line: 3, column: 13 });
    // Missing: the object that lacks it (data's opening brace; the whole config's).
    assert.deepEqual(jsonFieldPlace(text, ["data", "moons"]), { line: 2, column: 11 });
    assert.deepEqual(
      jsonFieldPlace(text, ["learningRate"]),
      { line: 1, column: 1 },
      "the byte-order mark is no column",
    );
    // Past an array's end: the array.
    assert.deepEqual(jsonFieldPlace(text, ["sizes", 7]), { line: 5, column: 12 });
  });

  test("not JSON: no place", () => {
    assert.equal(jsonFieldPlace('{ "epochs": 3, }', ["epochs"]), undefined);
    assert.equal(jsonFieldPlace('{ "epochs": ', ["epochs"]), undefined);
  });

  test("in a scene's code: the property written once, else nothing", () => {
    const scene = [
      "export default defineScene({", //             1
      "  train: (seed) => ({", //                    2
      "    data: { dataset: 'moons', n: 200 },", //  3
      "    epochs: 0,", //                           4
      "    logEpochs: true,", //                     5
      "  }),", //                                    6
      "});",
    ].join("\n");
    assert.deepEqual(sourceFieldPlace(scene, ["epochs"]), { line: 4, column: 5 });
    assert.deepEqual(sourceFieldPlace(scene, ["data", "dataset"]), { line: 3, column: 13 });
    assert.deepEqual(sourceFieldPlace(scene, ["data", "n"]), { line: 3, column: 31 });
    assert.equal(sourceFieldPlace(scene, ["sizes"]), undefined, "not written: not guessed");
    assert.equal(sourceFieldPlace(`${scene}\nconst other = { epochs: 3 };`, ["epochs"]), undefined, "written twice");
    assert.deepEqual(sourceFieldPlace('{ "epochs" : 2 }', ["epochs"]), { line: 1, column: 3 });
  });
});
