import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFleet, readFleetSources } from "../../files/fleetReader";
import { parseIsoDate } from "../../infra/model/dates";
import { REPO_ROOT } from "../../repository/root";
import { writeAccessReport } from "../../report/site";
import { ownerYaml } from "../support/fleet";
import { writeRepository } from "../support/repository";
import { chromiumExecutable } from "../support/chromium";

/** Pinned so that digdir's 2027-03-31 grant is 16 days from expiry and the 2027-06-30 ones are not close. */
const TODAY = parseIsoDate("2027-03-15");
const GENERATED_AT = new Date("2027-03-15T08:00:00Z");
/** Kept by CI as an artifact: one screenshot per page the test visits. */
const SCREENSHOTS = path.join(REPO_ROOT, "test-results", "report");
const MARKUP_NAME = `<img src=x onerror="window.__injected=1">Eve <script>window.__injected=2</script>&amp; "Co"`;
const MARKUP_OWNER = `<b>Etat</b> <script>window.__injected=3</script>`;

const CONTENT_TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".png": "image/png" };

/** A static host for the site: 127.0.0.1 on a free port, files under `directory` only. */
async function serve(directory: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const file = path.join(directory, pathname.endsWith("/") ? `${pathname}index.html` : pathname);
    if (!file.startsWith(directory + path.sep)) return void response.writeHead(403).end();
    try {
      const body = readFileSync(file);
      response.writeHead(200, { "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function generate(root: string): string {
  const outDir = mkdtempSync(path.join(tmpdir(), "report-site-"));
  const result = writeAccessReport({
    root,
    sources: readFleetSources(root),
    outDir,
    today: TODAY,
    generatedAt: GENERATED_AT,
  });
  if (!result.ok) throw new Error(`report not written: ${JSON.stringify(result.problems)}`);
  return outDir;
}

/** A fleet that is valid but hostile: markup in a person's name, an owner's name and a reason; no terms for prod. */
function hostileRepository(): string {
  return writeRepository([
    ownerYaml("evil", {
      name: { nb: MARKUP_OWNER, en: "Agency evil" },
      termsOfUse: undefined,
      users: [{ upn: "eve@ai-dev.no", name: MARKUP_NAME }],
      access: [
        {
          user: "eve@ai-dev.no",
          role: "operations",
          environment: "prod",
          expires: "2027-12-31",
          reason: "</td></tr><b>bold</b>",
        },
      ],
    }),
    // An owner with no one registered yet: its tables say so instead of showing bare headers.
    ownerYaml("none", { users: [], access: [] }),
  ]);
}

/**
 * Headers whose words the browser split across lines, and count columns whose header does not line up with its
 * numbers (right edges more than a pixel apart), on the page as laid out now.
 */
async function tableLayoutFaults(page: Page): Promise<string[]> {
  // Runs in the page (this project compiles without the DOM's types): plain script text, as the report's own.
  return page.evaluate<string[]>(`(() => {
    const faults = [];
    const rightEdge = (node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return Math.max(...[...range.getClientRects()].map((rect) => rect.right));
    };
    for (const header of document.querySelectorAll("thead th")) {
      const text = header.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) continue;
      for (const match of text.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (lines.size > 1) faults.push('"' + match[0] + '" in the header "' + header.textContent.trim() + '" is split');
      }
    }
    for (const table of document.querySelectorAll("table")) {
      [...table.querySelectorAll("thead th")].forEach((header, column) => {
        if (!header.classList.contains("num")) return;
        for (const row of table.querySelectorAll("tbody tr")) {
          const cell = row.children[column];
          if (!cell || !cell.firstChild) continue;
          const headerEdge = rightEdge(header);
          const cellEdge = rightEdge(cell);
          if (Math.abs(headerEdge - cellEdge) > 1)
            faults.push('"' + header.textContent.trim() + '" ends at ' + headerEdge + ", its number at " + cellEdge);
        }
      });
    }
    return faults;
  })()`);
}

/** One owner with more grants than the table shows at once. */
function largeRepository(): string {
  const users = Array.from({ length: 30 }, (_, index) => ({ upn: `user${index}@ai-dev.no`, name: `User ${index}` }));
  const access = users.flatMap(({ upn }) =>
    (["tt02", "prod"] as const).flatMap((environment) =>
      (["developer", "operations"] as const).map((role) => ({ user: upn, role, environment, expires: "2027-12-31" })),
    ),
  );
  return writeRepository([ownerYaml("big", { users, access })]);
}

describe("the access report in a real browser", () => {
  let browser: Browser;
  let context: BrowserContext;
  const servers: Server[] = [];
  const requests: string[] = [];
  const problems: string[] = [];
  let sample: string;
  let hostile: string;
  let large: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumExecutable(), headless: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: "Europe/Oslo" });
    context.on("request", (request) => requests.push(request.url()));
    context.on("weberror", (error) => problems.push(error.error().message));
    context.on("console", (message) => {
      // A blocked inline script or style (a Content-Security-Policy violation) is reported as a console error.
      if (message.type() === "error") problems.push(message.text());
    });
    const sampleSite = await serve(generate(REPO_ROOT));
    const hostileSite = await serve(generate(hostileRepository()));
    const largeSite = await serve(generate(largeRepository()));
    servers.push(sampleSite.server, hostileSite.server, largeSite.server);
    large = largeSite.origin;
    sample = sampleSite.origin;
    hostile = hostileSite.origin;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) server.close();
  });

  async function open(url: string, screenshot: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(url);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${screenshot}.png`), fullPage: true });
    return page;
  }

  const visibleGrantRows = (page: Page) => page.locator("#grants tbody tr:visible");

  it("lists every sample owner on the fleet page, each linking to its own page", async () => {
    const orgs = loadFleet(REPO_ROOT, TODAY).fleet.owners.map(({ owner }) => owner.org);
    expect(orgs.length).toBeGreaterThan(0);
    const page = await open(`${sample}/`, "fleet");
    await expect(page.locator("#owners tbody th a").allTextContents()).resolves.toEqual([...orgs].sort());
    for (const org of orgs) {
      const ownerPage = await open(`${sample}/owners/${org}.html`, `owner-${org}`);
      await expect(ownerPage.locator("h1").textContent()).resolves.toContain(`(${org})`);
      await ownerPage.close();
    }
    await page.close();
  });

  it("shows exactly one person's grants when searching for that person", async () => {
    const { fleet } = loadFleet(REPO_ROOT, TODAY);
    const all = fleet.owners.flatMap(({ owner }) => owner.access);
    const upn = "kari.nordmann@ai-dev.no";
    const expected = all.filter((grant) => grant.user === upn);
    const page = await open(`${sample}/`, "fleet-unfiltered");
    await expect(visibleGrantRows(page).count()).resolves.toBe(all.length);

    await page.getByLabel("Filter grants by person, owner, role or environment").fill("Kari Nordmann");
    const rows = visibleGrantRows(page);
    await expect(rows.count()).resolves.toBe(expected.length);
    for (const text of await rows.locator("th").allTextContents()) expect(text).toContain(upn);
    await expect(page.locator("#grant-search-status").textContent()).resolves.toBe(
      `Showing ${expected.length} of ${all.length} grants.`,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, "fleet-search-person.png"), fullPage: true });

    await page.getByLabel("Filter grants by person, owner, role or environment").fill("kari prod operations");
    await expect(rows.count()).resolves.toBe(
      expected.filter((grant) => grant.environment === "prod" && grant.role === "operations").length,
    );
    await page.close();
  });

  it("highlights a grant that expires within 30 days, and not one that expires later", async () => {
    const page = await open(`${sample}/owners/digdir.html`, "owner-digdir-expiring");
    const expiring = page.locator("#grants tbody tr", { hasText: "jonas.lie@ai-dev.no" });
    const later = page.locator("#grants tbody tr", { hasText: "Incident follow-up in production logs" });
    await expect(expiring.getAttribute("class")).resolves.toBe("expiring");
    await expect(expiring.textContent()).resolves.toMatch(/Expires soon\s*16 days left/);
    await expect(later.getAttribute("class")).resolves.toBe("active");
    // Runs in the page; this project's TypeScript has no DOM library, hence the narrow type for the page's global.
    type PageGlobal = { getComputedStyle(element: unknown): { backgroundColor: string } };
    const background = (row: typeof later) =>
      row.evaluate((element) => (globalThis as unknown as PageGlobal).getComputedStyle(element).backgroundColor);
    await expect(background(expiring)).resolves.not.toBe(await background(later));
    await page.close();
  });

  it("shows what is missing for an owner without terms of use", async () => {
    const page = await open(`${sample}/`, "fleet-terms");
    const nav = page.locator("#owner-nav");
    await expect(nav.locator(".missing").textContent()).resolves.toContain("no termsOfUse record");

    const evil = await open(`${hostile}/owners/evil.html`, "hostile-owner");
    const terms = evil.locator("section", { has: evil.getByRole("heading", { name: "Terms of use for prod" }) });
    await expect(terms.textContent()).resolves.toMatch(/Missing:\s*no termsOfUse record/);
    await evil.close();
    await page.close();
  });

  it.each([1280, 1024])(
    "at %i px, breaks no header mid-word and lines up the role counts with their headers",
    async (width) => {
      for (const url of [`${sample}/`, `${sample}/owners/digdir.html`]) {
        const page = await context.newPage();
        await page.setViewportSize({ width, height: 900 });
        await page.goto(url);
        await page.screenshot({
          path: path.join(SCREENSHOTS, `layout-${width}-${url.endsWith("/") ? "fleet" : "digdir"}.png`),
          fullPage: true,
        });
        await expect(tableLayoutFaults(page)).resolves.toEqual([]);
        await page.close();
      }
    },
  );

  it("says so instead of showing an empty table", async () => {
    const page = await open(`${hostile}/owners/none.html`, "empty-owner");
    await expect(page.locator("#users-heading + p").textContent()).resolves.toBe("No registered users.");
    await expect(page.locator("#grants-heading + p").textContent()).resolves.toBe("No grants.");
    await expect(page.locator("table tbody:empty").count()).resolves.toBe(0);
    await page.close();
  });

  it("shows a name containing markup as text, and runs none of it", async () => {
    for (const [url, screenshot] of [
      [`${hostile}/`, "hostile-fleet"],
      [`${hostile}/owners/evil.html`, "hostile-owner-page"],
    ] as const) {
      const page = await open(url, screenshot);
      await expect(page.locator("#grants tbody th").first().textContent()).resolves.toContain(MARKUP_NAME);
      await expect(page.locator("#grants tbody td", { hasText: "</td></tr><b>bold</b>" }).count()).resolves.toBe(1);
      await expect(page.getByText(MARKUP_OWNER).first().isVisible()).resolves.toBe(true);
      await expect(page.locator(`img, main b, main script:not([type="application/json"])`).count()).resolves.toBe(0);
      await expect(page.evaluate("window.__injected")).resolves.toBeUndefined();
      await page.close();
    }
  });

  it("keeps at most 50 rows in the table until all are asked for", async () => {
    const page = await open(`${large}/`, "large-fleet");
    const status = page.locator("#grant-search-status");
    await expect(visibleGrantRows(page).count()).resolves.toBe(50);
    await expect(status.textContent()).resolves.toBe("Showing the first 50 of 120 grants.");
    await page.getByRole("button", { name: "Show all 120 matching grants" }).click();
    await expect(visibleGrantRows(page).count()).resolves.toBe(120);
    await expect(status.textContent()).resolves.toBe("Showing all 120 grants.");
    await expect(page.locator("#grant-show-all").isHidden()).resolves.toBe(true);
    await page.getByLabel("Filter grants by person, owner, role or environment").fill("user1");
    // user1 and user10-19: 11 people with 4 grants each.
    await expect(status.textContent()).resolves.toBe("Showing 44 of 120 grants.");
    await page.close();
  });

  it("says history is unavailable outside a git repository", async () => {
    const page = await open(`${hostile}/`, "hostile-fleet-history");
    await expect(page.locator(".notice").textContent()).resolves.toContain("Git history is unavailable");
    await page.close();
  });

  it("works opened from the file system", async () => {
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(generate(REPO_ROOT), "index.html")).href);
    await page.getByLabel("Filter grants by person, owner, role or environment").fill("nav");
    await expect(page.locator("#grant-search-status").textContent()).resolves.toMatch(/^Showing \d+ of \d+ grants\.$/);
    await page.close();
  });

  it("made no request beyond the local site, and the browser reported no error (no blocked script or style)", () => {
    expect(requests.length).toBeGreaterThan(0);
    const local = requests.filter(
      (url) => [sample, hostile, large].some((origin) => url.startsWith(`${origin}/`)) || url.startsWith("file:///"),
    );
    expect(requests).toEqual(local);
    expect(problems).toEqual([]);
  });
});
