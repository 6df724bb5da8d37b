// Browser tests against the real server binary (built by `cargo leptos build`), on a
// fresh SQLite database, in Debian's Chromium. No browser is downloaded. Under
// scripts/cluster, two instances on PostgreSQL behind nginx, which listens on `port`.
import { defineConfig } from "@playwright/test";
// Importing it also fixes E2E_DATA_DIR once for the runner and its workers.
import { instancePorts, port, root, serverBin, serverEnv } from "./server-env";

const instance = (listen: number) => ({
  command: serverBin,
  cwd: root,
  url: `http://127.0.0.1:${listen}/healthz`,
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: "ignore" as const,
  stderr: "pipe" as const,
  env: { ...serverEnv, LEPTOS_SITE_ADDR: `127.0.0.1:${listen}` },
});

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
  webServer: instancePorts.length > 0 ? instancePorts.map(instance) : instance(port),
});
