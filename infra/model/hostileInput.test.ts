import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fleetSourcesAt, assertCommit } from "../../repository/git";
import {
  ACCEPTED_TERMS,
  fleetOf,
  ownerDocument,
  ownerSource,
  ownerYaml,
  REPO_SOURCES,
  TODAY,
} from "../../test/support/fleet";
import { commitAll, writeRepository } from "../../test/support/repository";
import { loadFleet } from "../../files/fleetReader";
import { validateFleet } from "./fleet";
import { MAX_FILE_BYTES } from "./inputFiles";
import type { Problem } from "./problem";

const problemsOf = (overrides: Record<string, unknown>): Problem[] =>
  validateFleet(fleetOf(ownerYaml("abc", overrides)), TODAY).problems;
const pathsAndMessages = (problems: readonly Problem[]) =>
  problems.map((problem) => `${problem.path}: ${problem.message}`);

describe("free text", () => {
  const user = (name: string) => ({ users: [{ upn: "dev.abc@ai-dev.no", name }], access: [] });
  it.each([
    ["a zero-width space", "Kari\u200bNordmann", "U+200B at position 5"],
    ["a right-to-left override", "Kari \u202eNordmann", "U+202E at position 6"],
    ["a newline", "Kari\nNordmann", "U+000A at position 5"],
    ["a Hangul filler (renders as nothing)", "\u3164", "U+3164 at position 1"],
    ["a no-break space", "Kari\u00a0Nordmann", "U+00A0 at position 5"],
    ["a private-use character", "Kari \ue000", "U+E000 at position 6"],
  ])("refuses %s in a person's name", (_what, name, where) => {
    expect(pathsAndMessages(problemsOf(user(name)))).toEqual([
      `users[0].name: contains an invisible or control character (${where}): retype the text`,
    ]);
  });

  it("requires a letter in a person's name, and no surrounding spaces", () => {
    expect(pathsAndMessages(problemsOf(user("-- .")))).toEqual([
      "users[0].name: must name a person: it contains no letter",
    ]);
    expect(pathsAndMessages(problemsOf(user(" Kari")))).toEqual(["users[0].name: must not start or end with spaces"]);
  });

  it("refuses a terms acceptance by an invisible person, and invisible characters in every text field", () => {
    const problems = problemsOf({
      name: { nb: "Etat\u200d", en: "Agency" },
      termsOfUse: { ...ACCEPTED_TERMS, acceptedBy: "\u2800\u200b", reference: "x\u2028y" },
      access: [
        {
          user: "dev.abc@ai-dev.no",
          role: "developer",
          environment: "tt02",
          ticket: "ALTINN-1\u00ad",
          reason: "ok\r\nsecond line",
        },
      ],
    });
    expect(problems.map((problem) => problem.path).sort()).toEqual([
      "access[0].reason",
      "access[0].ticket",
      "name.nb",
      "termsOfUse.acceptedBy",
      "termsOfUse.reference",
    ]);
  });

  it("normalises to NFC: a decomposed é is the same name as a composed one", () => {
    const { fleet } = validateFleet(fleetOf(ownerYaml("abc", user("Rene\u0301 Nordmann"))), TODAY);
    expect(fleet.owners[0]?.owner.users[0]?.name).toBe("Ren\u00e9 Nordmann");
  });
});

describe("numbers where text is meant", () => {
  const quote = /must be text: YAML read this as the number .*, so put the value in quotes/;
  it.each([
    ["termsOfUse.version", "termsOfUse:\n  version: 2025.10", "2025.1"],
    ["orgNumber", "orgNumber: 0x3b1c4a83", "991709827"],
    ["orgNumber", "orgNumber: 0991825827", "991825827"],
    [
      "access[0].ticket",
      "access:\n  - { user: dev.abc@ai-dev.no, role: developer, environment: tt02, ticket: 1234 }",
      "1234",
    ],
  ])("refuses %s written as a number (%s)", (field, yaml, read) => {
    const document = ownerDocument("abc");
    const text = `${stringify({ ...document, [field.split(/[.[]/)[0] ?? ""]: undefined })}${yaml}\n`;
    const fields =
      field === "termsOfUse.version"
        ? text.replace(
            "termsOfUse:\n  version: 2025.10",
            `termsOfUse:\n  version: 2025.10\n${stringify(ACCEPTED_TERMS)
              .replace(/^version.*\n/m, "")
              .replace(/^/gm, "  ")
              .trimEnd()}`,
          )
        : text;
    const problems = validateFleet(fleetOf(ownerSource("abc", fields)), TODAY).problems;
    expect(problems.find((problem) => problem.path === field)?.message).toMatch(quote);
    expect(problems.find((problem) => problem.path === field)?.message).toContain(read);
  });

  it("refuses a Kubernetes version and zones written as numbers in a layer", () => {
    const text = (REPO_SOURCES.layers.prod.text ?? "")
      .replace('kubernetesVersion: "1.33"', "kubernetesVersion: 1.30")
      .replace('availabilityZones: ["1", "2", "3"]', "availabilityZones: [1, 2, 3]");
    const problems = validateFleet(
      { ...fleetOf(), layers: { ...REPO_SOURCES.layers, prod: { file: "Pulumi.prod.yaml", text } } },
      TODAY,
    ).problems;
    expect(pathsAndMessages(problems)).toEqual([
      'config.altinn-apps:cluster.kubernetesVersion: must be text: YAML read this as the number 1.3, so put the value in quotes ("…")',
      ...[0, 1, 2].map(
        (index) =>
          `config.altinn-apps:cluster.availabilityZones[${index}]: must be text: YAML read this as the number ${index + 1}, so put the value in quotes ("…")`,
      ),
    ]);
  });
});

describe("what sits in stacks/", () => {
  function repositoryWith(setup: (stacks: string) => void): Problem[] {
    const root = writeRepository([ownerYaml("abc")]);
    setup(path.join(root, "stacks"));
    return loadFleet(root, TODAY).problems;
  }
  const outside = path.join(mkdirTemp(), "elsewhere.yaml");
  writeFileSync(outside, stringify(ownerDocument("evil")));

  it.each([
    [
      "a directory named x.yaml",
      (stacks: string) => mkdirSync(path.join(stacks, "xyz.yaml")),
      "stacks/xyz.yaml",
      /is a directory/,
    ],
    [
      "a symlink to /dev/zero",
      (stacks: string) => symlinkSync("/dev/zero", path.join(stacks, "zero.yaml")),
      "stacks/zero.yaml",
      /symbolic link/,
    ],
    [
      "a symlink to a file outside",
      (stacks: string) => symlinkSync(outside, path.join(stacks, "evil.yaml")),
      "stacks/evil.yaml",
      /symbolic link/,
    ],
    [
      "a .yml file",
      (stacks: string) => writeFileSync(path.join(stacks, "def.yml"), "org: def\n"),
      "stacks/def.yml",
      /rename it to def.yaml/,
    ],
    ["a subfolder", (stacks: string) => mkdirSync(path.join(stacks, "more")), "stacks/more", /subfolders are not read/],
    [
      "a file larger than the limit",
      (stacks: string) => writeFileSync(path.join(stacks, "big.yaml"), `# ${"x".repeat(MAX_FILE_BYTES)}\n`),
      "stacks/big.yaml",
      /over the limit/,
    ],
    [
      "a file that is not UTF-8",
      (stacks: string) => writeFileSync(path.join(stacks, "bin.yaml"), Buffer.from([0x6f, 0x72, 0x67, 0xff])),
      "stacks/bin.yaml",
      /not valid UTF-8/,
    ],
    [
      "a README",
      (stacks: string) => writeFileSync(path.join(stacks, "README.md"), "hi"),
      "stacks/README.md",
      /not an owner file/,
    ],
    [
      "a Pulumi file that is no stack file",
      (stacks: string) => writeFileSync(path.join(stacks, "Pulumi.abc.yaml"), ""),
      "stacks/Pulumi.abc.yaml",
      /not a Pulumi stack file/,
    ],
  ])("refuses %s", (_what, setup, file, message) => {
    expect(repositoryWith(setup)).toEqual([
      { file, line: 0, column: 0, path: "", message: expect.stringMatching(message) },
    ]);
  });

  it("accepts Pulumi's own stack files beside the owner files", () => {
    expect(
      repositoryWith((stacks) => writeFileSync(path.join(stacks, "Pulumi.abc-prod.yaml"), "encryptionsalt: x\n")),
    ).toEqual([]);
  });

  it("applies the same rules to the files of a git commit", () => {
    const root = writeRepository([ownerYaml("abc")]);
    symlinkSync("/dev/zero", path.join(root, "stacks/zero.yaml"));
    writeFileSync(path.join(root, "stacks/def.yml"), "org: def\n");
    commitAll(root);
    const sources = fleetSourcesAt(root, assertCommit(root, "HEAD"));
    expect(validateFleet(sources, TODAY).problems).toEqual([
      { file: "stacks/def.yml", line: 0, column: 0, path: "", message: expect.stringMatching(/rename/) },
      { file: "stacks/zero.yaml", line: 0, column: 0, path: "", message: expect.stringMatching(/symbolic link/) },
    ]);
  });
});

describe("what a reviewer cannot see", () => {
  const owner = (text: string) => validateFleet(fleetOf(ownerSource("abc", text)), TODAY).problems;
  const valid = ownerYaml("abc").text ?? "";

  it.each([
    ["a NUL byte in a comment", `# note\u0000hidden\n${valid}`, "U+0000"],
    ["a terminal escape sequence in a comment", `${valid}# \u001b[2K\u001b[1Aall good\n`, "U+001B"],
    ["a backspace in a value", valid.replace("Dev Person", "Dev\bPerson"), "U+0008"],
    ["a C1 control in a comment", `# \u009b31m\n${valid}`, "U+009B"],
    ["a DEL in a comment", `# a\u007f\n${valid}`, "U+007F"],
  ])("refuses %s, naming line and column", (_case, text, code) => {
    const offset = text.indexOf(String.fromCodePoint(Number.parseInt(code.slice(2), 16)));
    const line = text.slice(0, offset).split("\n").length;
    expect(owner(text)).toEqual([
      {
        file: "stacks/abc.yaml",
        line,
        column: offset - text.lastIndexOf("\n", offset - 1),
        path: "",
        message: `a control character (${code}) is not allowed anywhere in the file, comments included: remove it`,
      },
    ]);
  });

  it("accepts tabs in comments and CRLF line ends", () => {
    expect(owner(`#\tnote\r\n${valid.replace(/\n/g, "\r\n")}`)).toEqual([]);
  });

  it("refuses the same in an environment layer", () => {
    const layers = {
      ...REPO_SOURCES.layers,
      prod: { ...REPO_SOURCES.layers.prod, text: `# \u001b]8;;x\u0007\n${REPO_SOURCES.layers.prod.text ?? ""}` },
    };
    expect(
      validateFleet({ layers, owners: [] }, TODAY).problems.map((problem) => [problem.file, problem.message]),
    ).toEqual([
      [
        "Pulumi.prod.yaml",
        "a control character (U+001B) is not allowed anywhere in the file, comments included: remove it",
      ],
    ]);
  });

  it.each([
    ["!!js/function", "contact: !!js/function post@abc.no", "!!js/function"],
    ["an unknown tag", "contact: !mine post@abc.no", "!mine"],
    ["a standard tag", "orgNumber: !!str 991825827", "!!str"],
    ["a tag on a mapping", "name: !!map { nb: Etat abc, en: Agency abc }", "!!map"],
  ])("refuses a YAML tag: %s", (_case, line, tag) => {
    const key = line.slice(0, line.indexOf(":"));
    const text = valid.replace(new RegExp(`^${key}:.*(\\n  .*)*$`, "m"), line);
    expect(text).toContain(line);
    expect(owner(text).map((problem) => problem.message)).toEqual([
      `YAML tags (here ${tag}) are not allowed: write the value without it`,
    ]);
  });

  it("refuses stacks/ as a symbolic link to a folder outside the repository, in the working tree and in git", () => {
    const outside = mkdirTemp();
    writeFileSync(path.join(outside, "abc.yaml"), valid);
    const root = writeRepository([]);
    rmSync(path.join(root, "stacks"), { recursive: true });
    symlinkSync(outside, path.join(root, "stacks"));
    const expected = [
      {
        file: "stacks",
        line: 0,
        column: 0,
        path: "",
        message: "is a symbolic link: stacks/ must be a real directory in the repository",
      },
    ];
    expect(loadFleet(root, TODAY).problems).toEqual(expected);
    commitAll(root);
    expect(validateFleet(fleetSourcesAt(root, assertCommit(root, "HEAD")), TODAY).problems).toEqual(expected);
  });
});

function mkdirTemp(): string {
  const directory = path.join(tmpdir(), `outside-${process.pid}-${Date.now()}`);
  mkdirSync(directory, { recursive: true });
  return directory;
}

describe("network ranges in the layers", () => {
  const withRanges = (apiServer: string[], keyVault: string[] = ["192.0.2.0/24"], extra = "") => {
    const text = (REPO_SOURCES.layers.prod.text ?? "")
      .replace(
        /altinn-apps:keyVaultAllowedIpRanges:\n(\s+- .*\n)+/,
        `altinn-apps:keyVaultAllowedIpRanges: ${JSON.stringify(keyVault)}\n`,
      )
      .replace(
        /altinn-apps:apiServerAuthorizedIpRanges:\n(\s+- .*\n)+/,
        `altinn-apps:apiServerAuthorizedIpRanges: ${JSON.stringify(apiServer)}\n${extra}`,
      );
    const layers = { ...REPO_SOURCES.layers, prod: { file: "Pulumi.prod.yaml", text } };
    return pathsAndMessages(validateFleet({ ...fleetOf(), layers }, TODAY).problems);
  };
  const API = "config.altinn-apps:apiServerAuthorizedIpRanges";

  it("accepts narrow ranges and single addresses", () => {
    expect(withRanges(["192.0.2.0/24", "198.51.100.7"])).toEqual([]);
  });
  it.each([
    [["10.1.2.3/16"], `${API}[0]: "10.1.2.3/16" has host bits set: the network is 10.1.0.0/16`],
    [["0.0.0.0/1", "128.0.0.0/1"], `${API}: together the ranges admit every IPv4 address: the whole internet`],
    [["1.2.3.4/0"], `${API}[0]: "1.2.3.4/0" has host bits set: the network is 0.0.0.0/0`],
    [
      ["10.0.0.0/8"],
      `${API}: together the ranges admit 10.0.0.0/8, wider than the allowed /16 (10.0.0.0-10.255.255.255)`,
    ],
    [
      ["10.0.0.0/16", "10.1.0.0/16"],
      `${API}: together the ranges admit 10.0.0.0/15, wider than the allowed /16 (10.0.0.0-10.1.255.255)`,
    ],
    [["10.0.0.0/33"], `${API}[0]: "10.0.0.0/33" is not an IPv4 address or CIDR range like 192.0.2.0/24`],
    [["010.0.0.0/24"], `${API}[0]: "010.0.0.0/24" is not an IPv4 address or CIDR range like 192.0.2.0/24`],
  ])("refuses %j", (ranges, message) => {
    expect(withRanges(ranges)).toEqual([message]);
  });
  it("checks the Key Vault allow-list the same way, against the layer's own narrower limit", () => {
    expect(withRanges(["192.0.2.0/24"], ["192.0.2.0/24"], "  altinn-apps:widestIpRangePrefix: 24\n")).toEqual([]);
    expect(withRanges(["192.0.2.0/24"], ["10.0.0.0/23"], "  altinn-apps:widestIpRangePrefix: 24\n")).toEqual([
      "config.altinn-apps:keyVaultAllowedIpRanges: together the ranges admit 10.0.0.0/23, wider than the allowed /24 (10.0.0.0-10.0.1.255)",
    ]);
    expect(withRanges(["192.0.2.0/24"], ["192.0.2.0/24"], "  altinn-apps:widestIpRangePrefix: 8\n")).toEqual([
      "config.altinn-apps:widestIpRangePrefix: Too small: expected number to be >=16",
    ]);
  });
});

describe("errors people can act on", () => {
  it("suggests the key a typo meant, without also calling that field missing", () => {
    const problems = problemsOf({
      access: [{ user: "dev.abc@ai-dev.no", role: "developer", enviroment: "tt02" }],
    });
    expect(pathsAndMessages(problems)).toEqual([
      'access[0].enviroment: unknown key "enviroment" (did you mean "environment"?)',
    ]);
  });

  it("suggests the allowed value a typo meant, and says when a value is empty", () => {
    const problems = problemsOf({
      orgNumber: null,
      access: [{ user: "dev.abc@ai-dev.no", role: "operation", environment: "tt02" }],
    });
    expect(pathsAndMessages(problems)).toEqual([
      "orgNumber: is empty: write a value, or remove the key",
      'access[0].role: must be one of developer, operations (did you mean "operations"?)',
    ]);
  });

  it("suggests a registered UPN for a near miss", () => {
    const problems = problemsOf({ access: [{ user: "dev.abd@ai-dev.no", role: "developer", environment: "tt02" }] });
    expect(pathsAndMessages(problems)).toEqual([
      "access[0].user: dev.abd@ai-dev.no is not registered in this owner's users (did you mean dev.abc@ai-dev.no?)",
    ]);
  });

  it("reports a YAML syntax error once per line, in plain words", () => {
    const text = "org: abc\nusers:\n  - upn: a@ai-dev.no\n   name: A\naccess: [\n";
    const problems = validateFleet(fleetOf(ownerSource("abc", text)), TODAY).problems;
    expect(problems.map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
      '4: the indentation is wrong here, or a "-", ":" or closing bracket is missing',
      "6: the indentation is wrong here: line it up with the other entries at the same level",
    ]);
  });

  it("reports input nested too deeply to read, instead of overflowing the stack", () => {
    const text = `org: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`;
    expect(validateFleet(fleetOf(ownerSource("abc", text)), TODAY).problems).toEqual([
      expect.objectContaining({ line: 1, message: "nested too deeply to read" }),
    ]);
  });

  it("warns, without failing, when an owner accepted another terms version than prod requires", () => {
    const result = validateFleet(
      fleetOf(ownerYaml("abc", { termsOfUse: { ...ACCEPTED_TERMS, version: "2024-2" } })),
      TODAY,
    );
    expect(result.problems).toEqual([]);
    expect(pathsAndMessages(result.warnings)).toEqual([
      'termsOfUse.version: version "2024-2" is not the version prod requires: the owner must accept version "2025-1" before its next prod deploy (until then prod-requires-accepted-terms refuses it)',
    ]);
  });
});
