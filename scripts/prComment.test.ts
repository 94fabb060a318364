import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { ownerDocument, ownerYaml } from "../test/support/fleet";
import { captureOutput } from "../test/support/output";
import { committedRepository } from "../test/support/repository";
import { main } from "./prComment";

const output = captureOutput();
const ARGS = ["--base", "main", "--today", "2026-11-23", "--workers", "1", "--no-cache"];

const HOSTILE_NAME = "Eve <img src=x onerror=alert(1)> | [pwn](https://evil.example) <!--";
// One line: a line break in a text field is refused by validation (see infra/model/hostileInput.test.ts).
const HOSTILE_REASON = "needed ## ✅ Approved by the platform team <!-- the rest is hidden";

describe("npm run pr-comment", () => {
  it("writes the access diff (ticket, reason, expiry), then the plan diff, then validation, with every value inert", async () => {
    const root = committedRepository([ownerYaml("abc")]);
    const document = ownerDocument("abc");
    writeFileSync(
      path.join(root, "stacks/abc.yaml"),
      stringify({
        ...document,
        users: [...(document["users"] as unknown[]), { upn: "eve@ai-dev.no", name: HOSTILE_NAME }],
        access: [
          ...(document["access"] as unknown[]),
          {
            user: "eve@ai-dev.no",
            role: "operations",
            environment: "prod",
            ticket: "ALTINN-`9`",
            reason: HOSTILE_REASON,
            expires: "2027-03-31",
          },
        ],
      }),
    );
    expect(await main([...ARGS, "--root", root])).toBe(0);
    const comment = output.stdout();
    const headings = comment.split("\n").filter((line) => line.startsWith("#"));
    expect(headings).toEqual([
      "# Pull request check: ✅ pass",
      "## Access changes",
      "### 🔴 PROD · abc",
      "## Plan: ✅ pass",
      "### Changes",
      "#### `abc-prod`",
      "## Validation",
    ]);
    expect(comment).toContain(
      "| ➕ gains | `eve@ai-dev.no` | Eve &lt;img src\\=x onerror\\=alert\\(1\\)&gt; \\| \\[pwn\\]\\(https\\://evil\\.example\\) &lt;\\!\\-\\- | Operations | PIM eligible (just-in-time) | 2027-03-31 | 128 day(s) | ALTINN\\-\\`9\\` | needed \\#\\# ✅ Approved by the platform team &lt;\\!\\-\\- the rest is hidden |",
    );
    // In the plan diff, the PIM schedule's justification (ticket and reason) is a code span that cannot be closed from inside.
    expect(comment).toContain(
      "``stacks/abc.yaml: ALTINN-`9`: needed ## ✅ Approved by the platform team <!-- the rest is hidden``",
    );
    // The schedule's group and principal are ids the mocks invented: each is marked, and the note says what that means.
    expect(comment).toMatch(/\| `groupId` \| — \| `[0-9a-f-]{36}` \(simulated\) \|/);
    expect(comment).toMatch(/\| `principalId` \| — \| `[0-9a-f-]{36}` \(simulated\) \|/);
    expect(comment).toContain("_(simulated): an id the mocks invented");
    const outsideCodeSpans = comment.replace(/(`+)[^`].*?\1/g, "");
    expect(outsideCodeSpans).not.toMatch(/<img|<!--|\]\(https|^## ✅/m);
  });

  it("is written whole when validation and the plan fail, and exits 1", async () => {
    const root = committedRepository([ownerYaml("abc")]);
    writeFileSync(path.join(root, "stacks/abc.yaml"), stringify(ownerDocument("abc", { contact: "not-an-address" })));
    expect(await main([...ARGS, "--root", root])).toBe(1);
    const comment = output.stdout();
    expect(comment).toMatch(/^# Pull request check: ❌ fail \(the plan, validation\)/);
    expect(comment).toMatch(/## Access changes\n\nNo role grants change\./);
    expect(comment).toMatch(/## Plan: ❌ fail/);
    expect(comment).toMatch(/\| stacks\/abc\\\.yaml \| \d+ \| contact \| must be an e\\-mail address \|/);
    // The command that shows the same problems locally, rules over time included.
    expect(comment).toContain("1 problem(s); run `npm run validate -- --base main` locally");
  });

  it("fails on the removal guard unless it is approved; a removed grant that had expired is marked", async () => {
    const root = committedRepository([
      ownerYaml("abc"),
      ownerYaml("xyz", {
        access: [
          { user: "dev.xyz@ai-dev.no", role: "developer", environment: "tt02", expires: "2026-11-01", ticket: "T-1" },
        ],
      }),
    ]);
    writeFileSync(path.join(root, "stacks/xyz.yaml"), stringify(ownerDocument("xyz", { access: [] })));
    writeFileSync(path.join(root, "stacks/abc.yaml"), stringify(ownerDocument("abc", { access: [] })));
    // The base's program warns about xyz's expired grant (Pulumi's log, on the console): asserted, not printed.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await main([...ARGS, "--root", root])).toBe(1);
    const logged = [warn, log, error].flatMap((spy) => spy.mock.calls.map((call) => call.join(" "))).join("\n");
    expect(logged).toMatch(/xyz\.yaml:.*access\[0\]\.expires: the date 2026-11-01 is in the past/);
    expect(output.stdout()).toMatch(
      /\| ➖ loses \| `dev\.xyz@ai-dev\.no` \| Dev Person \| Developer \| PIM active \| 2026-11-01 \(already expired\) \| ended \| T\\-1 \| {2}\|/,
    );
    expect(output.stdout()).toMatch(/^# Pull request check: ❌ fail \(the removal guard\)/);
    output.clear();
    expect(await main([...ARGS, "--root", root, "--allow-removals"])).toBe(0);
    expect(output.stdout()).toMatch(/### Removal guard: overridden/);
  });

  it("exits 2 on a base that is not a commit, still writing a comment", async () => {
    const root = committedRepository([ownerYaml("abc")]);
    expect(await main(["--base", "nope", "--root", root])).toBe(2);
    expect(output.stdout()).toMatch(
      /^# Pull request check: ❌ fail\n\nThe check could not run: "nope" is not a commit/,
    );
  });
});
