import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../repository/root";

function markdownPages(directory = "docs"): string[] {
  return readdirSync(path.join(REPO_ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
    const file = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return markdownPages(file);
    return entry.name.endsWith(".md") ? [file] : [];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(text: string): Set<string> {
  const headings = text
    .replace(/^(`{3,}|~{3,})[\s\S]*?^\1/gm, "")
    .split("\n")
    .filter((line) => /^#{1,6} /.test(line));
  return new Set(
    headings.map((line) =>
      line
        .replace(/^#+ /, "")
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/ /g, "-"),
    ),
  );
}

interface Link {
  readonly from: string;
  readonly target: string;
  readonly anchor: string | undefined;
}

function linksIn(file: string): Link[] {
  const text = readFileSync(path.join(REPO_ROOT, file), "utf8")
    .replace(/^(`{3,}|~{3,})[\s\S]*?^\1/gm, "")
    .replace(/(`+)[^`][\s\S]*?\1/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? "")
    .filter((href) => !/^[a-z]+:/.test(href))
    .map((href) => {
      const [target = "", anchor] = href.split("#");
      return {
        from: file,
        target: target === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), target)),
        anchor,
      };
    });
}

const pages = ["README.md", ...markdownPages()];

describe("the docs' links", () => {
  it.each(pages)("every relative link in %s reaches a file (and a heading) that exists", (page) => {
    for (const link of linksIn(page)) {
      expect(existsSync(path.join(REPO_ROOT, link.target)), `${page} → ${link.target}`).toBe(true);
      if (link.anchor && link.target.endsWith(".md")) {
        const anchors = anchorsOf(readFileSync(path.join(REPO_ROOT, link.target), "utf8"));
        expect(anchors.has(link.anchor), `${page} → ${link.target}#${link.anchor}`).toBe(true);
      }
    }
  });

  it("every page in docs/ is reachable from the README", () => {
    const reached = new Set(["README.md"]);
    const queue = ["README.md"];
    for (let page = queue.shift(); page !== undefined; page = queue.shift()) {
      for (const { target } of linksIn(page)) {
        if (target.endsWith(".md") && !reached.has(target) && existsSync(path.join(REPO_ROOT, target))) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    expect(markdownPages().filter((page) => !reached.has(page))).toEqual([]);
  });
});
