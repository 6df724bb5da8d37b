// The server answers /healthz as soon as it listens; the first page render also needs
// the built site. Fail early, with a clear message, when the build is missing.
import * as fs from "node:fs";
import * as path from "node:path";

export default async function globalSetup() {
  const pkg = path.resolve(__dirname, "..", "target", "site", "pkg");
  if (!fs.existsSync(pkg) || !fs.readdirSync(pkg).some((f) => f.endsWith(".wasm"))) {
    throw new Error(`no built site in ${pkg}: run 'cargo leptos build' first (scripts/test does)`);
  }
}
