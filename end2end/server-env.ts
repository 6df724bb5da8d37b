// The server's environment for browser tests, shared by the Playwright config (which
// starts the server) and the tests that run the server's command line on the same data
// (`server finalizar`, standing in for an agent until the console exists).
import * as path from "node:path";

export const port = Number(process.env.E2E_PORT ?? 3117);
// scripts/cluster: the instances' ports behind nginx, which listens on `port` (empty: one
// instance, on `port` itself).
export const instancePorts = (process.env.E2E_INSTANCE_PORTS ?? "").split(",").filter(Boolean).map(Number);
export const root = path.resolve(__dirname, "..");
// Computed once in the runner and inherited by the workers, which read the mail folder.
process.env.E2E_DATA_DIR ??= path.join(__dirname, ".data", `run-${process.pid}`);
export const dataDir = process.env.E2E_DATA_DIR;
export const serverBin = process.env.E2E_SERVER_BIN ?? path.join(root, "target", "debug", "server");

export const serverEnv: Record<string, string> = {
  LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
  LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
  WEBATEND_DATA_DIR: dataDir,
  // scripts/cluster: a PostgreSQL database shared by the instances (which share the data
  // folder too, so that their mail lands where the tests read it).
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? `sqlite://${dataDir}/e2e.db`,
  WEBATEND_LOG: "warn",
  // Real challenges, solved by the browser; easier than in production so that the
  // unoptimised debug build solves them in well under a second.
  WEBATEND_CAPTCHA_MAX_NUMBER: "20000",
  // Every test opens and looks up requests from 127.0.0.1 with the same few CPFs.
  WEBATEND_RATE_PER_IP: "10000",
  WEBATEND_RATE_PER_CPF: "10000",
  WEBATEND_LOOKUP_RATE_PER_IP: "10000",
  WEBATEND_LOOKUP_RATE_PER_CPF: "10000",
};
