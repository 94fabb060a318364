import { spawn, type ChildProcess } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as analyzerService from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import * as engineService from "@pulumi/pulumi/proto/engine_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { AnalyzedResource, NotApplicable, PolicyViolation } from "../../policies/runner/runner";
import { engineServer, serve, type EngineLog } from "../engine/grpc";
import { toWire } from "../engine/wire";
import {
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
  type AnalyzerPolicyConfig,
  type AnalyzerPolicyInfo,
  type EnforcementLevel,
} from "./policyConfig";

export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly supportsConfig: boolean;
  readonly policies: readonly AnalyzerPolicyInfo[];
  readonly initialConfig: Record<string, AnalyzerPolicyConfig>;
}

export interface AnalysisResult {
  readonly violations: readonly PolicyViolation[];
  readonly notApplicable: readonly NotApplicable[];
}

const LEVELS: Record<analyzerProto.EnforcementLevel, EnforcementLevel> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};

function levelToProto(level: EnforcementLevel): analyzerProto.EnforcementLevel {
  const entry = Object.entries(LEVELS).find(([, name]) => name === level);
  return Number(entry?.[0]) as analyzerProto.EnforcementLevel;
}

function call<Request, Response>(
  method: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown,
  request: Request,
): Promise<Response> {
  return new Promise((resolve, reject) =>
    method(request, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

/** The port the pack prints on its first line of stdout (@pulumi/policy server.ts `serve`). */
function portOf(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((candidate) => /^\d+$/.test(candidate.trim()));
      if (line) resolve(Number(line.trim()));
    });
    child.on("error", reject);
    child.on("close", (code) =>
      reject(new Error(`the policy pack exited (${code}) before serving:\n${stdout}${stderr()}`)),
    );
  });
}

/**
 * A policy pack served as the Pulumi CLI serves it: `node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack>` in the
 * pack's directory (sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin for kind analyzer: the engine address
 * as the argument, the program directory last, cwd the pack, PULUMI_NODEJS_TYPESCRIPT from PulumiPolicy.yaml's
 * `typescript: true`, the stack's identity in PULUMI_NODEJS_* and PULUMI_*), then driven over the Analyzer service
 * in the engine's order (sdk/go/common/resource/plugin/analyzer_plugin.go, pkg/engine/update.go): Handshake,
 * ConfigureStack, GetAnalyzerInfo, Configure with the reconciled and validated config, Analyze, AnalyzeStack.
 */
export class PolicyPackProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: analyzerService.AnalyzerClient,
    private readonly engine: grpc.Server,
    readonly info: AnalyzerInfo,
    readonly logs: readonly EngineLog[],
  ) {}

  static async start(packDirectory: string, stack: { project: string; stack: string; dryRun: boolean }) {
    const logs: EngineLog[] = [];
    const engine = new grpc.Server();
    engine.addService(engineService.EngineService, engineServer(logs));
    const engineAddress = await serve(engine);
    const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDirectory] });
    const identity = {
      PULUMI_NODEJS_PROJECT: stack.project,
      PULUMI_NODEJS_STACK: stack.stack,
      PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
      PULUMI_PROJECT: stack.project,
      PULUMI_STACK: stack.stack,
      PULUMI_DRY_RUN: String(stack.dryRun),
    };
    const child = spawn(process.execPath, [runPath, engineAddress, packDirectory], {
      cwd: packDirectory,
      env: { ...process.env, ...identity, PULUMI_CONFIG: "{}", PULUMI_NODEJS_TYPESCRIPT: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const port = await portOf(child, () => stderr);
      const client = new analyzerService.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      await handshake(client, packDirectory, engineAddress);
      await call(
        client.configureStack.bind(client),
        new analyzerProto.AnalyzerStackConfigureRequest()
          .setStack(stack.stack)
          .setProject(stack.project)
          .setDryRun(stack.dryRun),
      );
      const info = analyzerInfo(await call(client.getAnalyzerInfo.bind(client), new Empty()));
      return new PolicyPackProcess(child, client, engine, info, logs);
    } catch (error) {
      child.kill();
      engine.forceShutdown();
      throw error;
    }
  }

  /**
   * Configure as `--policy-pack-config` would: the file's JSON parsed, reconciled with the defaults and validated
   * against GetAnalyzerInfo's schemas; the CLI's error lines instead, when it would refuse to run.
   */
  async configure(document: Record<string, unknown>): Promise<readonly string[]> {
    let parsed: Record<string, AnalyzerPolicyConfig>;
    try {
      parsed = parsePolicyPackConfig(document);
    } catch (error) {
      return [error instanceof Error ? error.message : String(error)];
    }
    const reconciled = reconcilePolicyPackConfig(this.info, this.info.initialConfig, parsed);
    if ("errors" in reconciled) return reconciled.errors;
    const request = new analyzerProto.ConfigureAnalyzerRequest();
    for (const [name, config] of Object.entries(reconciled.config)) {
      if (!config.enforcementLevel) continue;
      request
        .getPolicyconfigMap()
        .set(
          name,
          new analyzerProto.PolicyConfig()
            .setEnforcementlevel(levelToProto(config.enforcementLevel))
            .setProperties(Struct.fromJavaScript((config.properties ?? {}) as never)),
        );
    }
    await call(this.client.configure.bind(this.client), request);
    return [];
  }

  /** Analyze each resource as the engine does before it steps it, the inputs marshalled with unknowns and secrets. */
  async analyze(resources: readonly AnalyzedResource[]): Promise<AnalysisResult> {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const violations: PolicyViolation[] = [];
    const notApplicable: NotApplicable[] = [];
    for (const resource of resources) {
      const request = new analyzerProto.AnalyzeRequest()
        .setUrn(resource.urn)
        .setType(resource.type)
        .setName(resource.name)
        .setProperties(Struct.fromJavaScript(toWire(resource.inputs) as never))
        .setOptions(
          new analyzerProto.AnalyzerResourceOptions().setProtect(resource.protect).setParent(resource.parent ?? ""),
        );
      const provider = resource.provider ? byUrn.get(resource.provider) : undefined;
      if (provider) {
        request.setProvider(
          new analyzerProto.AnalyzerProviderResource()
            .setUrn(provider.urn)
            .setType(provider.type)
            .setName(provider.name)
            .setProperties(Struct.fromJavaScript(toWire(provider.inputs) as never)),
        );
      }
      const response = await call<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>(
        this.client.analyze.bind(this.client),
        request,
      );
      violations.push(...response.getDiagnosticsList().map((diagnostic) => violationOf(diagnostic, resource.urn)));
      notApplicable.push(
        ...response
          .getNotApplicableList()
          .map((entry) => ({ policy: entry.getPolicyName(), urn: resource.urn, reason: entry.getReason() })),
      );
    }
    return { violations, notApplicable };
  }

  /** AnalyzeStack at the end of the run, with every resource and its dependencies. */
  async analyzeStack(resources: readonly (AnalyzedResource & { dependencies: readonly string[] })[]) {
    const request = new analyzerProto.AnalyzeStackRequest().setResourcesList(
      resources.map((resource) =>
        new analyzerProto.AnalyzerResource()
          .setUrn(resource.urn)
          .setType(resource.type)
          .setName(resource.name)
          .setProperties(Struct.fromJavaScript(toWire(resource.inputs) as never))
          .setOptions(new analyzerProto.AnalyzerResourceOptions().setProtect(resource.protect))
          .setParent(resource.parent ?? "")
          .setDependenciesList([...resource.dependencies]),
      ),
    );
    const response = await call<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>(
      this.client.analyzeStack.bind(this.client),
      request,
    );
    return response.getDiagnosticsList().map((diagnostic) => violationOf(diagnostic, ""));
  }

  close(): Promise<void> {
    this.client.close();
    this.engine.forceShutdown();
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.on("close", () => resolve());
      this.child.kill();
    });
  }
}

/** The CLI calls Handshake first and carries on when a pack does not implement it (@pulumi/policy does not). */
async function handshake(client: analyzerService.AnalyzerClient, directory: string, engineAddress: string) {
  const request = new analyzerProto.AnalyzerHandshakeRequest()
    .setEngineAddress(engineAddress)
    .setRootDirectory(directory)
    .setProgramDirectory(directory);
  try {
    await call(client.handshake.bind(client), request);
  } catch (error) {
    if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw error;
  }
}

function analyzerInfo(response: analyzerProto.AnalyzerInfo): AnalyzerInfo {
  return {
    name: response.getName(),
    version: response.getVersion(),
    supportsConfig: response.getSupportsconfig(),
    policies: response.getPoliciesList().map((policy) => {
      const schema = policy.getConfigschema();
      return {
        name: policy.getName(),
        description: policy.getDescription(),
        enforcementLevel: LEVELS[policy.getEnforcementlevel()],
        ...(schema
          ? {
              configSchema: {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                required: schema.getRequiredList(),
              },
            }
          : {}),
      };
    }),
    initialConfig: Object.fromEntries(
      response
        .getInitialconfigMap()
        .getEntryList()
        .map(([name]) => {
          const config = response.getInitialconfigMap().get(name);
          return [
            name,
            {
              enforcementLevel: config ? LEVELS[config.getEnforcementlevel()] : undefined,
              properties: config?.getProperties()?.toJavaScript(),
            },
          ];
        }),
    ),
  };
}

/**
 * A diagnostic as the in-process runner reports it: @pulumi/policy prefixes a violation's message with the policy's
 * description (makeReportViolationFun); "can't run during preview" diagnostics carry the message alone.
 */
function violationOf(diagnostic: analyzerProto.AnalyzeDiagnostic, urn: string): PolicyViolation {
  const description = diagnostic.getDescription();
  const message = diagnostic.getMessage();
  const level = LEVELS[diagnostic.getEnforcementlevel()];
  return {
    policy: diagnostic.getPolicyname(),
    level: level === "advisory" ? "advisory" : "mandatory",
    message: description && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message,
    urn: diagnostic.getUrn() || urn,
  };
}
