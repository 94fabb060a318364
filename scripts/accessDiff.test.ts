import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { stringify } from "yaml";
import { ownerDocument } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { runCli } from "../cli/cli";
import { main } from "./accessDiff";

const USERS = [
  { upn: "kari@ai-dev.no", name: "Kari Nordmann" },
  { upn: "ola@ai-dev.no", name: "Ola Hansen" },
  { upn: "per@ai-dev.brreg.no", name: "Per Berg" },
];
const grant = (user: string, role: string, environment: string, expires?: string) => ({
  user,
  role,
  environment,
  ...(expires ? { expires } : {}),
});
const BASE_ACCESS = [
  grant("kari@ai-dev.no", "operations", "prod", "2027-06-30"),
  grant("kari@ai-dev.no", "developer", "prod", "2027-06-30"),
  grant("ola@ai-dev.no", "developer", "tt02"),
  grant("ola@ai-dev.no", "developer", "prod", "2027-01-31"),
  grant("per@ai-dev.brreg.no", "developer", "tt02"),
];

/** A real git repository whose HEAD holds owner "abc" with BASE_ACCESS; tests edit the working tree. */
function repository(): { root: string; write: (org: string, document: Record<string, unknown>) => void } {
  const root = writeRepository([]);
  const write = (org: string, document: Record<string, unknown>) =>
    writeFileSync(path.join(root, `stacks/${org}.yaml`), stringify(document));
  write("abc", ownerDocument("abc", { users: USERS, access: BASE_ACCESS }));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.no", ...args], { cwd: root });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  return { root, write };
}

const output = captureOutput();

const run = (root: string, ...extra: string[]) =>
  main(["--base", "HEAD", "--root", root, "--today", "2026-11-23", ...extra]);

describe("npm run access-diff", () => {
  it("lists gains, losses and expiry changes with names, prod first and marked", () => {
    const { root, write } = repository();
    write(
      "abc",
      ownerDocument("abc", {
        users: USERS,
        access: [
          ...BASE_ACCESS.filter((entry) => entry.user !== "per@ai-dev.brreg.no"),
          grant("per@ai-dev.brreg.no", "operations", "prod", "2027-06-30"),
        ].map((entry) =>
          entry.user === "ola@ai-dev.no" && entry.environment === "prod" ? { ...entry, expires: "2027-10-31" } : entry,
        ),
      }),
    );
    expect(run(root)).toBe(0);
    expect(output.stdout()).toBe(
      [
        "## Access changes",
        "",
        "### 🔴 PROD · abc",
        "",
        "| change | user | name | role | access | expires | lifetime | ticket | reason |",
        "|---|---|---|---|---|---|---|---|---|",
        "| ✏️ expiry | `ola@ai-dev.no` | Ola Hansen | Developer | PIM active | 2027-01-31 → 2027-10-31 | 342 day(s) |  |  |",
        "| ➕ gains | `per@ai-dev.brreg.no` | Per Berg | Operations | PIM eligible (just-in-time) | 2027-06-30 | 219 day(s) |  |  |",
        "",
        "### tt02 · abc",
        "",
        "| change | user | name | role | access | expires | lifetime | ticket | reason |",
        "|---|---|---|---|---|---|---|---|---|",
        "| ➖ loses | `per@ai-dev.brreg.no` | Per Berg | Developer | PIM active | never | no end |  |  |",
        "",
      ].join("\n"),
    );
    expect(output.stdout()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it("trips the guard on removing more than 25 % of an owner's grants, unless overridden", () => {
    const { root, write } = repository();
    write("abc", ownerDocument("abc", { users: USERS, access: BASE_ACCESS.slice(0, 3) }));
    expect(run(root)).toBe(1);
    expect(output.stdout()).toMatch(
      /### ⛔ Removal guard\n\n- abc loses 2 of its 5 active grants \\\(40 % &gt; 25 %\\\)/,
    );
    expect(output.stdout()).toMatch(/adds the `access-removal-approved` label/);
    output.clear();
    expect(run(root, "--allow-removals")).toBe(0);
    expect(output.stdout()).toMatch(/### Removal guard: overridden/);
  });

  it("trips the guard when prod loses its last Operations member", () => {
    const { root, write } = repository();
    write("abc", ownerDocument("abc", { users: USERS, access: BASE_ACCESS.slice(1) }));
    expect(run(root)).toBe(1);
    expect(output.stdout()).toMatch(/- abc would have no Operations member left in prod/);
  });

  it("names each grant's access kind: a member, a PIM active assignment or a PIM eligibility (just-in-time)", () => {
    const { root, write } = repository();
    const layer = path.join(root, "Pulumi.tt02.yaml");
    writeFileSync(
      layer,
      readFileSync(layer, "utf8").replace("altinn-apps:accessModel: pim", "altinn-apps:accessModel: membership"),
    );
    write(
      "abc",
      ownerDocument("abc", {
        users: USERS,
        access: [
          ...BASE_ACCESS,
          grant("per@ai-dev.brreg.no", "operations", "prod", "2027-06-30"),
          grant("per@ai-dev.brreg.no", "operations", "tt02"),
        ],
      }),
    );
    expect(run(root)).toBe(0);
    const kinds = output
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("| ➕"))
      .map((line) => line.split(" | ")[4]);
    expect(kinds).toEqual(["PIM eligible (just-in-time)", "member"]);
    write(
      "abc",
      ownerDocument("abc", { users: USERS, access: BASE_ACCESS.map((entry) => ({ ...entry, expires: "2027-08-31" })) }),
    );
    output.clear();
    expect(run(root)).toBe(0);
    expect(output.stdout()).toMatch(/\| Operations \| PIM eligible \(just-in-time\) \|/);
    expect(output.stdout()).toMatch(/\| Developer \| PIM active \|/);
  });

  it("does not count expired grants that are cleaned up", () => {
    const { root, write } = repository();
    // On 2027-02-01, ola's prod grant has expired: removing it is the expiry sweep, not a removal to guard.
    write(
      "abc",
      ownerDocument("abc", {
        users: USERS,
        access: BASE_ACCESS.filter((entry) => entry.user !== "ola@ai-dev.no" || entry.environment !== "prod"),
      }),
    );
    expect(main(["--base", "HEAD", "--root", root, "--today", "2027-02-01"])).toBe(0);
    expect(output.stdout()).toMatch(
      /\| ➖ loses \| `ola@ai-dev.no` \| Ola Hansen \| Developer \| PIM active \| 2027-01-31 \(already expired\) \| ended \|/,
    );
  });

  it("counts an expires moved to within 7 days as a removal: a deferred mass removal is still one", () => {
    const { root, write } = repository();
    const endingSoon = (expires: string) =>
      BASE_ACCESS.map((entry) => (entry.user === "kari@ai-dev.no" ? { ...entry, expires } : entry));
    write("abc", ownerDocument("abc", { users: USERS, access: endingSoon("2026-11-30") }));
    expect(run(root)).toBe(1);
    expect(output.stdout()).toMatch(
      /- abc loses 2 of its 5 active grants, 2 of them by an expiry moved to within 7 days \\\(40 % &gt; 25 %\\\)\n- abc would have no Operations member left in prod\n/,
    );
    expect(output.stdout()).toMatch(
      /\| ✏️ expiry \| `kari@ai-dev.no` \| Kari Nordmann \| Operations \| PIM eligible \(just-in-time\) \| 2027-06-30 → 2026-11-30 \| 7 day\(s\) \|/,
    );
    output.clear();
    write("abc", ownerDocument("abc", { users: USERS, access: endingSoon("2026-12-01") }));
    expect(run(root)).toBe(0);
    expect(output.stdout()).not.toMatch(/Removal guard/);
  });

  it("calls out added and removed owners and terms-of-use changes", () => {
    const { root, write } = repository();
    write(
      "xyz",
      ownerDocument("xyz", {
        environments: { tt02: { subscriptionId: "11111111-1111-4111-8111-111111111111" } },
        termsOfUse: undefined,
        access: [grant("dev.xyz@ai-dev.no", "developer", "tt02")],
      }),
    );
    write(
      "abc",
      ownerDocument("abc", {
        users: USERS,
        access: BASE_ACCESS,
        termsOfUse: { ...(ownerDocument("abc")["termsOfUse"] as object), version: "2026-1", acceptedAt: "2026-11-01" },
      }),
    );
    expect(run(root)).toBe(0);
    expect(output.stdout()).toMatch(/- ➕ added: \*\*xyz\*\* \(Agency xyz\), environments: tt02/);
    expect(output.stdout()).toMatch(
      /### tt02 · xyz\n[\s\S]*\| ➕ gains \| `dev.xyz@ai-dev.no` \| Dev Person \| Developer \| PIM active \| never \|/,
    );
    expect(output.stdout()).toMatch(
      /- \*\*abc\*\*: version `2025-1`, accepted 2025-02-03 by Kari Nordmann, 4\/4 confirmations → version `2026-1`, accepted 2026-11-01/,
    );
    rmSync(path.join(root, "stacks/abc.yaml"));
    output.clear();
    expect(run(root)).toBe(1);
    expect(output.stdout()).toMatch(/- ➖ removed: \*\*abc\*\* \(Agency abc\)/);
    expect(output.stdout()).toMatch(/abc loses 5 of its 5 active grants/);
  });

  it("exits 2 on a base that is not a commit, or that git could read as an option", async () => {
    const { root } = repository();
    expect(await runCli("accessDiff", main, ["--base", "no-such-ref", "--root", root])).toBe(2);
    expect(output.stderr()).toBe(`access-diff: "no-such-ref" is not a commit in ${root}\n`);
    output.clear();
    expect(await runCli("accessDiff", main, ["--base=--output=x", "--root", root])).toBe(2);
    expect(output.stderr()).toBe('access-diff: "--output=x" is not a git ref (a ref cannot start with "-")\n');
    expect(existsSync(path.join(root, "x"))).toBe(false);
    expect(main(["--root", root])).toBe(2);
  });

  it("escapes names from owner files in the markdown: no forged heading, comment or table column", () => {
    const { root, write } = repository();
    const users = [...USERS, { upn: "eve@ai-dev.no", name: "Eve <!-- | ### Approved" }];
    write(
      "abc",
      ownerDocument("abc", {
        users,
        access: [...BASE_ACCESS, { user: "eve@ai-dev.no", role: "developer", environment: "tt02" }],
      }),
    );
    expect(run(root)).toBe(0);
    const row =
      output
        .stdout()
        .split("\n")
        .find((line) => line.includes("eve@ai-dev.no")) ?? "";
    expect(row).toBe(
      "| ➕ gains | `eve@ai-dev.no` | Eve &lt;\\!\\-\\- \\| \\#\\#\\# Approved | Developer | PIM active | never | no end |  |  |",
    );
    expect(output.stdout()).not.toMatch(/<!--|^###.*Approved/m);
  });
});
