// A module whose default export is not a scene.
export default { name: "plain object" };
