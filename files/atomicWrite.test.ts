import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runWithFileSizeLimit } from "../test/support/faults";
import { FileWriteError, writeFileAtomic } from "./atomicWrite";

const folder = () => mkdtempSync(path.join(tmpdir(), "atomic-write-"));

describe("writeFileAtomic", () => {
  it("replaces a file's content and keeps its permissions, leaving nothing else behind", () => {
    const directory = folder();
    const file = path.join(directory, "a.yaml");
    writeFileSync(file, "old\n");
    chmodSync(file, 0o640);
    writeFileAtomic(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(directory)).toEqual(["a.yaml"]);
  });

  it("on a full disk names the file, keeps its old content and removes the partial copy", () => {
    const directory = folder();
    const file = path.join(directory, "a.yaml");
    const old = `${"kept: line\n".repeat(20)}`;
    writeFileSync(file, old);
    const child = runWithFileSizeLimit(
      `try { require("./files/atomicWrite").writeFileAtomic(${JSON.stringify(file)}, "x".repeat(4096)); }` +
        " catch (error) { process.stdout.write(error.name + ': ' + error.message); }",
      2,
    );
    expect(child.stdout).toBe(`FileWriteError: cannot write ${file} (EFBIG: file too large); it was left as it was`);
    expect(readFileSync(file, "utf8")).toBe(old);
    expect(readdirSync(directory)).toEqual(["a.yaml"]);
  });

  it("replaces a symbolic link by the file, never writing through it", () => {
    const directory = folder();
    writeFileSync(path.join(directory, "target"), "target\n");
    symlinkSync(path.join(directory, "target"), path.join(directory, "link"));
    writeFileAtomic(path.join(directory, "link"), "mine\n");
    expect(readFileSync(path.join(directory, "target"), "utf8")).toBe("target\n");
    expect(readFileSync(path.join(directory, "link"), "utf8")).toBe("mine\n");
  });

  it("exclusive: creates a new file but never replaces one that is there", () => {
    const directory = folder();
    const file = path.join(directory, "new.yaml");
    writeFileAtomic(file, "first\n", { exclusive: true });
    expect(() => writeFileAtomic(file, "second\n", { exclusive: true })).toThrow(FileWriteError);
    expect(readFileSync(file, "utf8")).toBe("first\n");
    expect(readdirSync(directory)).toEqual(["new.yaml"]);
  });
});
