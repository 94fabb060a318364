import * as grpc from "@grpc/grpc-js";
import * as engineService from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

export type Handler<Request, Response> = grpc.handleUnaryCall<Request, Response>;

/** Answer a unary call from an async function; a thrown error becomes the call's gRPC error, as the engine does. */
export function unary<Request, Response>(
  handle: (request: Request) => Response | Promise<Response>,
): Handler<Request, Response> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handle(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) =>
          callback({ code: grpc.status.UNKNOWN, details: error instanceof Error ? error.message : String(error) }),
      );
  };
}

/** What a harness never expects to be asked: refused loudly, so a new call shows up as a failing run. */
export function unimplemented(method: string): Handler<unknown, never> {
  return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} is not expected` });
}

/** Serve on a free local port, as the engine and its plugins do; returns the address. */
export function serve(server: grpc.Server): Promise<string> {
  return new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(`127.0.0.1:${port}`),
    ),
  );
}

export interface EngineLog {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  readonly urn: string;
}

const SEVERITIES: Record<engineProto.LogSeverity, EngineLog["severity"]> = {
  [engineProto.LogSeverity.DEBUG]: "debug",
  [engineProto.LogSeverity.INFO]: "info",
  [engineProto.LogSeverity.WARNING]: "warning",
  [engineProto.LogSeverity.ERROR]: "error",
};

/** The engine service a program or plugin talks to: logs, and the root (stack) resource. */
export function engineServer(logs: EngineLog[]): engineService.IEngineServer {
  let rootUrn = "";
  return {
    log: unary((request: engineProto.LogRequest) => {
      logs.push({ severity: SEVERITIES[request.getSeverity()], message: request.getMessage(), urn: request.getUrn() });
      return new Empty();
    }),
    getRootResource: unary(() => new engineProto.GetRootResourceResponse().setUrn(rootUrn)),
    setRootResource: unary((request: engineProto.SetRootResourceRequest) => {
      rootUrn = request.getUrn();
      return new engineProto.SetRootResourceResponse();
    }),
    requirePulumiVersion: unimplemented("RequirePulumiVersion"),
    startDebugging: unimplemented("StartDebugging"),
  };
}
