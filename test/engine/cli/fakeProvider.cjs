// Loads the TypeScript fake provider through tsx (resolved from this repository's node_modules, wherever the engine
// starts the plugin).
require("tsx/cjs");
require("./fakeProvider.ts");
