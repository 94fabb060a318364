import { spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as engineService from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as monitorService from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AzureMocks, type Directory } from "../../plan/semantics/azureMocks";
import { PROJECT, type RegisteredResource } from "../../plan/semantics/evaluate";
import { engineServer, serve, unary, unimplemented, type EngineLog } from "./grpc";
import { fromWire, type Canonical } from "./wire";

/** A resource as the engine recorded its RegisterResource request: what the in-process evaluation reports. */
export type WireResource = Omit<RegisteredResource, "inputs" | "computed"> & {
  readonly inputs: Record<string, Canonical>;
};

export interface EngineRun {
  readonly resources: readonly WireResource[];
  readonly invokes: readonly string[];
  readonly logs: readonly EngineLog[];
  /** The stack's outputs as the program registered them. */
  readonly outputs: Record<string, Canonical>;
  /** The runner's exit code: 0 on success, 32 when it failed after logging the error to the engine. */
  readonly exitCode: number | null;
  readonly stderr: string;
}

export interface EngineRunOptions {
  /** The repository whose Pulumi project runs (Pulumi.yaml `main: infra/`). */
  readonly root: string;
  readonly stack: string;
  readonly directory: Directory;
  /** A first preview of a new stack: the mocks know nothing computed yet. */
  readonly firstPreview?: boolean;
  /** Skip ts-node's type check (`PULUMI_NODEJS_TRANSPILE_ONLY`, which the runner honours like the tsconfig's `noCheck`). */
  readonly transpileOnly?: boolean;
}

// Mirrors pkg/resource/deploy/source_eval.go supportsFeatureID: what a current engine tells the SDK it supports.
const ENGINE_FEATURES = new Set([
  "secrets",
  "resourceReferences",
  "outputValues",
  "aliasSpecs",
  "replacementTrigger",
  "deletedWith",
  "replaceWith",
  "transforms",
  "invokeTransforms",
  "parameterization",
  "resourceHooks",
  "errorHooks",
  "sendsOptionsToHooks",
]);

/** A URN as the engine builds it (sdk/go/common/resource/urn: the parent's qualified type, unless it is the stack). */
function engineUrn(stack: string, parent: string, type: string, name: string): string {
  const parentType = parent ? (parent.split("::")[2] ?? "") : "";
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${PROJECT}::${qualified}::${name}`;
}

/**
 * Run the Pulumi program the way `pulumi preview` runs it: a resource monitor and an engine served over
 * gRPC, and Pulumi's own Node.js runner (`@pulumi/pulumi/cmd/run`, TypeScript through its ts-node with type checking)
 * started with the language host's arguments and environment. Registrations are answered by the same mocks the
 * in-process evaluation uses.
 */
export async function runProgramOverGrpc(options: EngineRunOptions): Promise<EngineRun> {
  const { root, stack, directory, firstPreview = false, transpileOnly = false } = options;
  const mocks = new AzureMocks(directory, () => undefined, firstPreview);
  const resources: WireResource[] = [];
  const invokes: string[] = [];
  const logs: EngineLog[] = [];
  let outputs: Record<string, Canonical> = {};

  const monitor: monitorService.IResourceMonitorServer = {
    supportsFeature: unary((request: resourceProto.SupportsFeatureRequest) =>
      new resourceProto.SupportsFeatureResponse().setHassupport(ENGINE_FEATURES.has(request.getId())),
    ),
    registerResource: unary(async (request: resourceProto.RegisterResourceRequest) => {
      const wireInputs = request.getObject()?.toJavaScript() ?? {};
      const urn = engineUrn(stack, request.getParent(), request.getType(), request.getName());
      resources.push({
        urn,
        type: request.getType(),
        name: request.getName(),
        custom: request.getCustom(),
        inputs: fromWire(wireInputs) as Record<string, Canonical>,
        parent: request.getParent() || undefined,
        provider: request.getProvider() ? request.getProvider().split("::").slice(0, -1).join("::") : undefined,
        protect: request.getProtect() ?? false,
        dependencies: [...request.getDependenciesList()].sort(),
        ignoreChanges: request.getIgnorechangesList(),
        replaceOnChanges: request.getReplaceonchangesList(),
        deleteBeforeReplace: request.getDeletebeforereplace(),
      });
      // Components are not sent to providers: the engine answers with the URN alone.
      const response = new resourceProto.RegisterResourceResponse().setUrn(urn);
      if (!request.getCustom()) return response;
      const result = await mocks.newResource({
        type: request.getType(),
        name: request.getName(),
        inputs: wireInputs,
        provider: request.getProvider(),
        custom: true,
      });
      return response.setId(result.id ?? "").setObject(Struct.fromJavaScript(result.state as never));
    }),
    registerResourceOutputs: unary((request: resourceProto.RegisterResourceOutputsRequest) => {
      const registered = resources.find((resource) => resource.urn === request.getUrn());
      if (registered?.type === "pulumi:pulumi:Stack") {
        outputs = fromWire(request.getOutputs()?.toJavaScript() ?? {}) as Record<string, Canonical>;
      }
      return new Empty();
    }),
    invoke: unary(async (request: resourceProto.ResourceInvokeRequest) => {
      invokes.push(request.getTok());
      const result = await mocks.call({
        token: request.getTok(),
        inputs: request.getArgs()?.toJavaScript() ?? {},
        provider: request.getProvider(),
      });
      return new providerProto.InvokeResponse().setReturn(Struct.fromJavaScript(result as never));
    }),
    registerPackage: unary((request: resourceProto.RegisterPackageRequest) =>
      new resourceProto.RegisterPackageResponse().setRef(`${request.getName()}@${request.getVersion()}`),
    ),
    signalAndWaitForShutdown: unary(() => new Empty()),
    // What this program never asks for: refused loudly, so a new call shows up as a failing run.
    getDeploymentInfo: unimplemented("GetDeploymentInfo"),
    call: unimplemented("Call"),
    readResource: unimplemented("ReadResource"),
    registerStackTransform: unimplemented("RegisterStackTransform"),
    registerStackInvokeTransform: unimplemented("RegisterStackInvokeTransform"),
    registerResourceHook: unimplemented("RegisterResourceHook"),
    registerErrorHook: unimplemented("RegisterErrorHook"),
  };

  const server = new grpc.Server();
  server.addService(monitorService.ResourceMonitorService, monitor);
  server.addService(engineService.EngineService, engineServer(logs));
  const address = await serve(server);
  try {
    const { exitCode, stderr } = await runRunner(root, stack, address, transpileOnly);
    return { resources, invokes, logs, outputs, exitCode, stderr };
  } finally {
    server.forceShutdown();
  }
}

/**
 * Start `@pulumi/pulumi/cmd/run` as pulumi-language-nodejs does (sdk/nodejs/cmd/pulumi-language-nodejs/main.go,
 * constructArguments and execRuntime): `node <run> --monitor --engine --project --root-directory --stack --pwd
 * --dry-run --parallel <main>`, PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS from the stack's config (this project
 * keeps none in Pulumi's config: the owner files and layers are read by the program) and PULUMI_NODEJS_TYPESCRIPT
 * from Pulumi.yaml's `typescript: true`. The working directory and entry point follow pkg/engine/project.go
 * getPwdMain: `main: infra/` is a directory, so pwd is <root>/infra and the entry point ".".
 */
function runRunner(
  root: string,
  stack: string,
  address: string,
  transpileOnly: boolean,
): Promise<{ exitCode: number | null; stderr: string }> {
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [root] });
  const args = [
    runPath,
    "--monitor",
    address,
    "--engine",
    address,
    "--project",
    PROJECT,
    "--root-directory",
    root,
    "--stack",
    stack,
    "--pwd",
    path.join(root, "infra"),
    "--dry-run",
    "--parallel",
    "4",
    ".",
  ];
  const env = {
    ...process.env,
    PULUMI_CONFIG: "{}",
    PULUMI_CONFIG_SECRET_KEYS: "[]",
    PULUMI_NODEJS_TYPESCRIPT: "true",
    ...(transpileOnly ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ exitCode, stderr }));
  });
}
