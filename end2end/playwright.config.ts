// Browser tests against the real server binary (built by `cargo leptos build`), on a
// fresh SQLite database, in Debian's Chromium. No browser is downloaded.
import { defineConfig } from "@playwright/test";
import * as path from "node:path";

const port = Number(process.env.E2E_PORT ?? 3117);
const root = path.resolve(__dirname, "..");
// Computed once in the runner and inherited by the workers, which read the mail folder.
process.env.E2E_DATA_DIR ??= path.join(__dirname, ".data", `run-${process.pid}`);
const dataDir = process.env.E2E_DATA_DIR;
const serverBin = process.env.E2E_SERVER_BIN ?? path.join(root, "target", "debug", "server");

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    locale: "pt-BR",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: serverBin,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
      WEBATEND_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      WEBATEND_LOG: "warn",
      // Real challenges, solved by the browser; easier than in production so that the
      // unoptimised debug build solves them in well under a second.
      WEBATEND_CAPTCHA_MAX_NUMBER: "20000",
      // Every test opens requests from 127.0.0.1 with the same few CPFs.
      WEBATEND_RATE_PER_IP: "10000",
      WEBATEND_RATE_PER_CPF: "10000",
    },
  },
});
