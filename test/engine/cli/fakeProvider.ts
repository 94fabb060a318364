import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { main, type Provider } from "@pulumi/pulumi/provider";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { loadFleet } from "../../../files/fleetReader";
import { todayUtc } from "../../../infra/model/dates";
import { SCHEDULE_TYPES } from "../../../infra/components/privilegedAccess";
import { AzureMocks, fleetDirectory } from "../../../plan/semantics/azureMocks";
import { isAtOrBelow, replacementRule } from "../../../plan/semantics/diff";

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

// @pulumi/pulumi/provider's server hides three things of the protocol from a provider; read them off the requests on
// the way in:
// - The provider's configuration (azure-native's subscriptionId) reaches a plugin only through Configure.
// - Previews. The real providers answer Create and Update with `preview: true` (ConfigureResponse.supportsPreview)
//   with their inputs in the outputs' shape and every other output unknown (pulumi-azure-native
//   provider/pkg/provider/provider.go Create and Update, `if req.GetPreview()`; convert PreviewOutputs: "adding
//   unknowns for all properties that are not defined in inputs"). A provider that does not support previews gets no
//   such call: the engine takes its inputs as its outputs (pulumi sdk/go/common/resource/plugin/provider_plugin.go
//   Create: "If the provider does not support previews, return the inputs as the state"), so a computed output inside
//   an input object (ManagedCluster oidcIssuerProfile.issuerURL beside the input `enabled`) reaches the program as
//   absent rather than unknown, and the program's apply on it runs during a preview where it never would on Azure.
// - Diffs. azure-native diffs the old *inputs* against the new (provider.go Diff: `parseCheckpointObject(req.OldInputs,
//   …)`, pulumi-azure-native commit 006a62af), where the server passes the old outputs; and the real providers report
//   what changed beside the verdict, which the server's DiffResult cannot carry. So Diff is answered here (diffOf).
let configuration: Inputs = {};
type Handler<Request> = (call: { request: Request }, callback: grpc.sendUnaryData<unknown>) => void;
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
  const handlers = implementation as Record<string, grpc.UntypedHandleCall>;
  const configure = handlers["configure"] as Handler<providerProto.ConfigureRequest>;
  handlers["configure"] = ((
    call: { request: providerProto.ConfigureRequest },
    callback: grpc.sendUnaryData<unknown>,
  ) => {
    configuration = call.request.getArgs()?.toJavaScript() ?? {};
    configure.call(implementation, call, (error, response) => {
      if (response instanceof providerProto.ConfigureResponse) response.setSupportspreview(true);
      callback(error, response);
    });
  }) as grpc.UntypedHandleCall;
  const create = handlers["create"] as Handler<providerProto.CreateRequest>;
  handlers["create"] = ((call: { request: providerProto.CreateRequest }, callback: grpc.sendUnaryData<unknown>) => {
    if (!call.request.getPreview()) return create.call(implementation, call, callback);
    const inputs = call.request.getProperties()?.toJavaScript() ?? {};
    const response = new providerProto.CreateResponse();
    response.setProperties(Struct.fromJavaScript(previewOutputs(call.request.getUrn(), inputs) as never));
    callback(null, response);
  }) as grpc.UntypedHandleCall;
  const update = handlers["update"] as Handler<providerProto.UpdateRequest>;
  handlers["update"] = ((call: { request: providerProto.UpdateRequest }, callback: grpc.sendUnaryData<unknown>) => {
    if (!call.request.getPreview()) return update.call(implementation, call, callback);
    const news = call.request.getNews()?.toJavaScript() ?? {};
    const olds = call.request.getOlds()?.toJavaScript() ?? {};
    // azure-native keeps "universally immutable" outputs of the old state in an update's preview (provider.go Update:
    // `stableOutputs := []string{"name", "location"}`).
    const stable = Object.fromEntries(["name", "location"].flatMap((key) => (key in olds ? [[key, olds[key]]] : [])));
    const response = new providerProto.UpdateResponse();
    response.setProperties(
      Struct.fromJavaScript({ ...previewOutputs(call.request.getUrn(), news), ...stable } as never),
    );
    callback(null, response);
  }) as grpc.UntypedHandleCall;
  handlers["diff"] = ((call: { request: providerProto.DiffRequest }, callback: grpc.sendUnaryData<unknown>) => {
    const olds = (call.request.getOldInputs() ?? call.request.getOlds())?.toJavaScript() ?? {};
    const news = call.request.getNews()?.toJavaScript() ?? {};
    callback(null, diffOf(parseUrn(call.request.getUrn()).type, olds, news));
  }) as grpc.UntypedHandleCall;
  addService.call(this, service, implementation);
};

const Kind = providerProto.PropertyDiff.Kind;
/** A changed path's kind in a detailed diff: [in place, replacing]. */
const DETAILED_KINDS = {
  add: [Kind.ADD, Kind.ADD_REPLACE],
  delete: [Kind.DELETE, Kind.DELETE_REPLACE],
  update: [Kind.UPDATE, Kind.UPDATE_REPLACE],
} as const;

/**
 * A diff as the real providers answer it: the verdict, what replaces (infra/changeRules.ts, the offline plan's tables)
 * and, beside them, the changed top-level keys (`diffs`) and a detailed diff per changed path (azure-native provider.go
 * Diff sets `Diffs`, `DetailedDiff` and `HasDetailedDiff`; so does the Terraform bridge that azuread is built on). The
 * engine applies a resource's `replaceOnChanges` to these (pulumi pkg/resource/deploy/step_generator.go
 * applyReplaceOnChanges): without them a PIM schedule's renewal, which the program marks `replaceOnChanges: ["*"]`,
 * would be an update here and a replacement on Azure.
 */
function diffOf(type: string, olds: Inputs, news: Inputs): providerProto.DiffResponse {
  const response = new providerProto.DiffResponse();
  const changes = changesBetween(olds, news);
  if (changes.length === 0) return response.setChanges(providerProto.DiffResponse.DiffChanges.DIFF_NONE);
  const replaces = [...new Set(changes.flatMap((change) => replacementRule(type, change.path)?.property ?? []))];
  response.setChanges(providerProto.DiffResponse.DiffChanges.DIFF_SOME);
  response.setReplacesList(replaces);
  // azure-native: "deleteBeforeReplace := len(replaces) > 0" for explicitly named resources (provider.go Diff); the
  // azuread bridge replaces create-before-delete unless a resource's schema says otherwise.
  response.setDeletebeforereplace(PACKAGE === "azure-native" && replaces.length > 0);
  response.setDiffsList([...new Set(changes.map((change) => change.path.split(".")[0] ?? change.path))]);
  response.setHasdetaileddiff(true);
  for (const change of changes) {
    const replaced = replaces.some((replace) => isAtOrBelow(change.path, replace));
    const propertyDiff = new providerProto.PropertyDiff();
    propertyDiff.setKind(DETAILED_KINDS[change.kind][replaced ? 1 : 0]);
    propertyDiff.setInputdiff(true);
    response.getDetaileddiffMap().set(change.path, propertyDiff);
  }
  return response;
}

/**
 * The repository a plugin serves: the engine starts plugins in the program's folder (Pulumi.yaml `main: infra/`), not
 * in the project's, so look up for Pulumi.yaml.
 */
function projectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml in ${start} or above it`);
  }
}

const CONFIGURED_PROVIDER = "configured";
let mocks: AzureMocks | undefined;

/** The shared mocks, bound to this provider's subscription, with the fleet's users as the tenant's directory. */
function azure(): AzureMocks {
  if (!mocks) {
    const root = projectRoot(process.cwd());
    const { fleet } = loadFleet(root, todayUtc());
    if (!fleet) throw new Error(`the fleet in ${root} does not validate`);
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

/**
 * What a create's preview reports: the outputs the mock tables compute, each known where the inputs hold it (objects
 * merged member by member) and unknown where only the provider would know it (ids, object ids, URIs, nested computed
 * members such as oidcIssuerProfile.issuerURL).
 */
function previewOutputs(urn: string, inputs: Inputs): Inputs {
  const { type, name } = parseUrn(urn);
  const { state } = azure().newResource({ type, name, inputs, provider: providerReference(), custom: true });
  return knownFromInputs(state, inputs);
}

function knownFromInputs(outputs: Inputs, inputs: Inputs): Inputs {
  const isObject = (value: unknown): value is Inputs =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  return Object.fromEntries(
    Object.entries(outputs).map(([key, output]) => {
      if (!(key in inputs)) return [key, unknownValue];
      const input = inputs[key];
      return [key, isObject(output) && isObject(input) ? knownFromInputs(output, input) : input];
    }),
  );
}

interface Change {
  readonly path: string;
  readonly kind: keyof typeof DETAILED_KINDS;
}

/** Every leaf path whose value differs (arrays compared whole), and whether it was added, deleted or updated. */
function changesBetween(olds: unknown, news: unknown, prefix = ""): Change[] {
  const isObject = (value: unknown): value is Inputs =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (isObject(olds) && isObject(news)) {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
    return keys.flatMap((key) => changesBetween(olds[key], news[key], prefix ? `${prefix}.${key}` : key));
  }
  if (JSON.stringify(olds) === JSON.stringify(news)) return [];
  return [{ path: prefix, kind: olds === undefined ? "add" : news === undefined ? "delete" : "update" }];
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
    const found = load(id);
    if (found && SCHEDULE_TYPES.has(parseUrn(found.urn).type)) {
      const endsAt = Date.parse(String(found.outputs["expirationDate"] ?? ""));
      // Graph refuses to remove a schedule Entra ID has already ended, and azuread passes only a 404 over (v3.8.0
      // privileged_access_group_assignment_schedule_resource.go 329-345, azuread #1445): the deploy forgets such
      // schedules first (npm run ended-schedules, pulumi state delete).
      if (!Number.isNaN(endsAt) && endsAt <= Date.now()) {
        throw new Error(
          `deleting ${id}: unexpected status 400 from Graph: RoleAssignmentDoesNotExist: the schedule ended at ${new Date(endsAt).toISOString()}`,
        );
      }
    }
    rmSync(storedPath(id), { force: true });
  },

  async invoke(token, inputs) {
    const outputs = azure().call({ token, inputs, provider: providerReference() } as pulumi.runtime.MockCallArgs);
    return { outputs };
  },
};

void main(provider, process.argv.slice(3));
