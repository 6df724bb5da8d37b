// What the console's browser tests share: an administrator made by the command line,
// signing in, inviting a member who joins from the e-mail's link, and the request page's
// one composer.
import { expect, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { root, serverBin, serverEnv } from "../server-env";
import { expectNoAxeViolations, mailWith } from "./helpers";

export const ADMIN_EMAIL = "chefe.e2e@saude.gov.br";
export const ADMIN_PASSWORD = "frase longa do chefe do suporte";

/** An administrator, made the documented way: `server create-admin`, password on stdin. */
export function createAdmin(email = ADMIN_EMAIL) {
  execFileSync(serverBin, ["create-admin", "--email", email, "--nome", "Chefe do Suporte"], {
    cwd: root,
    env: { ...process.env, ...serverEnv },
    input: `${ADMIN_PASSWORD}\n`,
    stdio: ["pipe", "ignore", "pipe"],
  });
}

/** The request page's one composer: what the text becomes, the text, "Enviar". */
export async function compose(page: Page, mode: RegExp, text: string) {
  const composer = page.getByRole("region", { name: "Escrever" });
  await composer.getByRole("radio", { name: mode }).check();
  await composer.getByLabel("Texto", { exact: true }).fill(text);
  await composer.getByRole("button", { name: "Enviar", exact: true }).click();
}

/** Signs in from the sign-in page. In one full run out of five, one sign-in of this file
 * (all from 127.0.0.1, two at a time) was refused with the generic message; the cause is
 * not found yet (see issue 15's note). A refused try is made again once, after the sign-in
 * throttle's first delay; a second refusal fails the test. */
export async function signIn(page: Page, email: string, password: string) {
  const queue = page.getByRole("heading", { level: 1, name: "Fila de atendimento" });
  for (const wait of [0, 16_000]) {
    await page.waitForTimeout(wait);
    await page.goto("/atendimento/entrar");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Senha").fill(password);
    await page.getByRole("button", { name: "Entrar" }).click();
    await expect(queue.or(page.getByRole("alert"))).toBeVisible();
    if (await queue.isVisible()) return;
  }
  await expect(queue).toBeVisible();
}

/** An administrator invites a member; the member sets a password from the e-mail's link
 * and signs in, in a browser context of their own. */
export async function inviteAndJoin(admin: Page, browser: Browser, name: string, email: string, level: string) {
  await admin.goto("/admin/atendentes");
  const form = admin.getByRole("region", { name: "Convidar atendente" });
  await form.getByLabel("Nome").fill(name);
  await form.getByLabel("E-mail").fill(email);
  await form.getByLabel("Nível").selectOption({ label: level });
  await form.getByLabel("CNES").check();
  await form.getByRole("button", { name: "Convidar" }).click();
  await expect(admin.getByText("Convite enviado por e-mail.")).toBeVisible();
  await expect(admin.getByRole("row").filter({ hasText: email }).getByText("Convite pendente")).toBeVisible();
  const mail = await mailWith(email, "/atendimento/convite/");
  const link = (mail.match(/https?:\/\/[^\s"<]*\/atendimento\/convite\/[A-Za-z0-9_-]{43}/) ?? [""])[0];
  expect(link).not.toEqual("");
  const context = await browser.newContext();
  const page = await context.newPage();
  const password = `senha longa de ${email}`;
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole("heading", { name: "Criar senha" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("Nova senha", { exact: true }).fill(password);
  await page.getByLabel("Confirme a nova senha").fill(password);
  await page.getByRole("button", { name: "Criar senha" }).click();
  // Signed in at once, into the queue.
  await expect(page.getByText("Senha criada. Você já entrou no atendimento.")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Fila de atendimento" })).toBeVisible();
  return page;
}

