import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import { main, type DiffResult, type Provider } from "@pulumi/pulumi/provider";
import { loadFleet, todayUtc } from "../../../infra/model";
import { AzureMocks, fleetDirectory } from "../../../plan/semantics/azureMocks";
import { replacementRule } from "../../../plan/semantics/diff";

/**
 * A fake `pulumi-resource-<package>` plugin for the engine tests: the real Pulumi engine drives it over the provider
 * protocol (served by @pulumi/pulumi/provider's main), and it answers from the tables the offline plan uses:
 * plan/semantics/azureMocks.ts computes ids and outputs and answers invokes, infra/changeRules.ts decides what is a replacement.
 * "Azure" is a folder of JSON files (FAKE_AZURE_DIR), one per resource id, so that the state survives between CLI runs
 * and `refresh` reads back what `up` created.
 */

const PACKAGE = process.argv[2] ?? "";
const CLOUD = process.env["FAKE_AZURE_DIR"] ?? "";
if (!PACKAGE || !CLOUD) {
  console.error("usage: FAKE_AZURE_DIR=<dir> fakeProvider <azure-native|azuread> <engine address>");
  process.exit(2);
}

type Inputs = Record<string, unknown>;

interface StoredResource {
  readonly urn: string;
  readonly id: string;
  readonly inputs: Inputs;
  readonly outputs: Inputs;
}

function storedPath(id: string): string {
  return path.join(CLOUD, `${createHash("sha256").update(id).digest("hex").slice(0, 32)}.json`);
}

function load(id: string): StoredResource | undefined {
  try {
    return JSON.parse(readFileSync(storedPath(id), "utf8")) as StoredResource;
  } catch {
    return undefined;
  }
}

function store(resource: StoredResource): void {
  mkdirSync(CLOUD, { recursive: true });
  writeFileSync(storedPath(resource.id), JSON.stringify(resource, null, 2));
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>` → type and name. */
function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return { type: qualifiedType.split("$").at(-1) ?? "", name: parts.slice(3).join("::") };
}

// The provider's configuration (azure-native's subscriptionId) reaches a plugin only through Configure, which
// @pulumi/pulumi/provider's server answers without telling the provider: read it off the request on the way in.
// azure-native diffs the old *inputs* against the new (provider.go Diff: `parseCheckpointObject(req.OldInputs, …)`,
// pulumi-azure-native commit 006a62af); the server passes the old outputs as `olds`, so hand it the old inputs.
let configuration: Inputs = {};
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
  const handlers = implementation as Record<string, grpc.UntypedHandleCall>;
  const configure = handlers["configure"] as (call: { request: ConfigureRequest }, callback: unknown) => void;
  handlers["configure"] = ((call: { request: ConfigureRequest }, callback: unknown) => {
    configuration = call.request.getArgs()?.toJavaScript() ?? {};
    configure.call(implementation, call, callback);
  }) as grpc.UntypedHandleCall;
  const diff = handlers["diff"] as (call: { request: DiffRequest }, callback: unknown) => void;
  handlers["diff"] = ((call: { request: DiffRequest }, callback: unknown) => {
    const oldInputs = call.request.getOldInputs();
    if (oldInputs) call.request.getOlds = () => oldInputs;
    diff.call(implementation, call, callback);
  }) as grpc.UntypedHandleCall;
  addService.call(this, service, implementation);
};

interface JsStruct {
  toJavaScript(): Inputs;
}
interface ConfigureRequest {
  getArgs(): JsStruct | undefined;
}
interface DiffRequest {
  getOlds(): JsStruct | undefined;
  getOldInputs(): JsStruct | undefined;
}

const CONFIGURED_PROVIDER = "configured";
let mocks: AzureMocks | undefined;

/** The shared mocks, bound to this provider's subscription, with the fleet's users as the tenant's directory. */
function azure(): AzureMocks {
  if (!mocks) {
    const { fleet } = loadFleet(process.cwd(), todayUtc());
    if (!fleet) throw new Error(`the fleet in ${process.cwd()} does not validate`);
    mocks = new AzureMocks(fleetDirectory(fleet));
    mocks.newResource({
      type: `pulumi:providers:${PACKAGE}`,
      name: CONFIGURED_PROVIDER,
      inputs: configuration,
      custom: true,
    });
  }
  return mocks;
}

function providerReference(): string {
  return `urn:pulumi:fake::fake::pulumi:providers:${PACKAGE}::${CONFIGURED_PROVIDER}::id`;
}

function provision(urn: string, inputs: Inputs): { id: string; outputs: Inputs } {
  const { type, name } = parseUrn(urn);
  const { id, state } = azure().newResource({ type, name, inputs, provider: providerReference(), custom: true });
  return { id: id ?? `${name}-id`, outputs: state };
}

/** Every leaf path whose value differs (arrays compared whole). */
function changedPaths(olds: unknown, news: unknown, prefix = ""): string[] {
  const isObject = (value: unknown): value is Inputs =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (isObject(olds) && isObject(news)) {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
    return keys.flatMap((key) => changedPaths(olds[key], news[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(olds) === JSON.stringify(news) ? [] : [prefix];
}

/** The fake stands in for the provider version this repository installs (the engine wants a semantic version). */
const INSTALLED_VERSION = (
  JSON.parse(readFileSync(require.resolve(`@pulumi/${PACKAGE}/package.json`), "utf8")) as { version: string }
).version;

const provider: Provider = {
  version: INSTALLED_VERSION,

  async check(_urn, _olds, news) {
    return { inputs: news };
  },

  async diff(_id, urn, olds, news): Promise<DiffResult> {
    const { type } = parseUrn(urn);
    const changed = changedPaths(olds, news);
    const rules = changed.flatMap((change) => replacementRule(type, change) ?? []);
    const replaces = [...new Set(rules.map((rule) => rule.property))];
    return {
      changes: changed.length > 0,
      replaces,
      // azure-native: "deleteBeforeReplace := len(replaces) > 0" for explicitly named resources (provider.go Diff);
      // the azuread bridge replaces create-before-delete unless a resource's schema says otherwise.
      deleteBeforeReplace: PACKAGE === "azure-native" && replaces.length > 0,
    };
  },

  async create(urn, inputs) {
    const { id, outputs } = provision(urn, inputs);
    if (load(id)) throw new Error(`cannot create already existing resource "${id}"`);
    store({ urn, id, inputs, outputs });
    return { id, outs: outputs };
  },

  async read(id) {
    const found = load(id);
    if (!found) return {};
    return { id: found.id, props: found.outputs, inputs: found.inputs };
  },

  async update(id, urn, _olds, news) {
    const { outputs } = provision(urn, news);
    store({ urn, id, inputs: news, outputs });
    return { outs: outputs };
  },

  async delete(id) {
    rmSync(storedPath(id), { force: true });
  },

  async invoke(token, inputs) {
    const outputs = azure().call({ token, inputs, provider: providerReference() } as pulumi.runtime.MockCallArgs);
    return { outputs };
  },
};

void main(provider, process.argv.slice(3));
