// The import floor: a cold process that loads only the Pulumi SDK and the provider modules the program uses, as the
// CLIs load them (the SDK's closure serializer deferred). Needs dist/, which any earlier `npm run` compiled.
require("../dist/runtime/deferClosureSerializer.js");
require("@pulumi/pulumi");
for (const module of [
  "applicationinsights",
  "authorization",
  "containerservice",
  "keyvault",
  "monitor",
  "network",
  "operationalinsights",
  "provider",
  "resources",
]) {
  require(`@pulumi/azure-native/${module}`);
}
for (const module of ["getUsers", "group", "provider"]) require(`@pulumi/azuread/${module}`);
