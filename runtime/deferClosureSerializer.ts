/**
 * Importing `@pulumi/pulumi` loads its closure serializer (TypeScript's compiler) and its code-path finder (npm's
 * Arborist): about 0.6 s of a 1 s import, measured with `node bench/importFloor.cjs`. Both serve only
 * `serializeFunction`, dynamic providers and packaging a program's code, none of which an in-process evaluation
 * under mocks uses. Deferred here, they load on first use instead, exactly as they would have.
 *
 * Imported for this effect alone, before anything loads the SDK: scripts/run.mjs and the planning worker do. An SDK
 * whose files moved is left alone: the import is then slow again, never wrong.
 */
import Module from "node:module";

/** The SDK's closure modules, and the functions `@pulumi/pulumi/runtime` copies from them while it loads. */
const DEFERRED: Readonly<Record<string, readonly string[]>> = {
  "@pulumi/pulumi/runtime/closure/serializeClosure": ["serializeFunction", "serializeFunctionAsync"],
  "@pulumi/pulumi/runtime/closure/codePaths": ["computeCodePaths"],
};

const requireFromHere = Module.createRequire(__filename);

function resolved(request: string): string | undefined {
  try {
    return requireFromHere.resolve(request);
  } catch {
    return undefined;
  }
}

function defer(filename: string, functions: readonly string[]): void {
  let loaded: Record<string | symbol, unknown> | undefined;
  let loading = false;
  const load = (): Record<string | symbol, unknown> => {
    // A call back into the placeholder while the real module loads gets what it has exported so far, as require would.
    if (loading) return requireFromHere.cache[filename]?.exports as Record<string | symbol, unknown>;
    if (!loaded) {
      loading = true;
      try {
        Reflect.deleteProperty(requireFromHere.cache, filename);
        loaded = requireFromHere(filename) as Record<string | symbol, unknown>;
      } finally {
        loading = false;
      }
    }
    return loaded;
  };
  const callLater = (name: string) =>
    function (this: unknown, ...args: unknown[]) {
      return (load()[name] as (...args: unknown[]) => unknown).apply(this, args);
    };
  const wrappers = new Map(functions.map((name) => [name, callLater(name)]));
  // Anything but the named functions (another export a newer SDK reads, a debugger listing keys) loads the module.
  const exports = new Proxy({} as Record<string | symbol, unknown>, {
    get: (_target, key) => (typeof key === "string" && wrappers.get(key)) || load()[key],
    has: (_target, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
  const placeholder = new Module(filename);
  placeholder.filename = filename;
  placeholder.loaded = true;
  placeholder.exports = exports;
  requireFromHere.cache[filename] = placeholder;
}

for (const [request, functions] of Object.entries(DEFERRED)) {
  const filename = resolved(request);
  // Already loaded (the SDK was imported first): nothing left to save.
  if (filename && !requireFromHere.cache[filename]) defer(filename, functions);
}
