import { PolicyPack } from "@pulumi/policy";
import { POLICIES, POLICY_PACK_NAME } from "./policies";

// The pack entry for `pulumi preview --policy-pack policies`. Constructing a PolicyPack starts the analyzer's gRPC
// server, so nothing but the CLI may load this file: tests and `npm run plan` use ./policies and ./runner.
new PolicyPack(POLICY_PACK_NAME, { policies: [...POLICIES] });
