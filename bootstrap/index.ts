import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { bootstrapConfigSchema, CONFIG_NAMESPACE, parseBootstrapConfig } from "./config";
import { definePlatform } from "./platform";

// Pulumi entry (bootstrap/Pulumi.yaml `main: index.ts`): `pulumi up -s platform` in bootstrap/. The exports are the
// stack outputs: the repository variables to set, and the `gh` commands that set them.
const settings = new pulumi.Config(CONFIG_NAMESPACE);
const isObject = (key: string) =>
  bootstrapConfigSchema.shape[key as keyof typeof bootstrapConfigSchema.shape] instanceof z.ZodObject;
const read = (key: string): unknown => (isObject(key) ? settings.getObject(key) : settings.get(key));
export = definePlatform(parseBootstrapConfig(read, `bootstrap/Pulumi.${pulumi.getStack()}.yaml`));
