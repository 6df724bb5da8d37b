import { expect, type Locator, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import AxeBuilder from "@axe-core/playwright";

/** Fails the test on any console error, uncaught exception or CSP violation. */
export function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

/** WCAG 2.1 A and AA, as the eMAG asks of federal sites. */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`,
  );
  expect(summary, summary.join("\n")).toEqual([]);
}

/** The request form (an island: `data-hydrated` once it runs in the browser). */
export function requestForm(page: Page): Locator {
  return page.getByRole("form", { name: "Abertura de solicitação" });
}

/** The anti-robot check of a form (marked `data-hydrated` once it runs in the browser). */
export function captchaCheck(page: Page): Locator {
  return page.getByRole("group", { name: "Verificação anti-robô", exact: true });
}

/** The request's number on the success page ("Número da solicitação: …"). */
export function requestNumber(page: Page): Locator {
  return page.getByRole("paragraph").filter({ hasText: "Número da solicitação:" }).getByRole("strong");
}

/** The history page's line with the request's current status ("CNES · Situação: …"). */
export function currentStatus(page: Page): Locator {
  return page.getByRole("paragraph").filter({ hasText: /· Situação: / });
}

export async function openForm(page: Page) {
  await page.goto("/faq/cnes/chamado");
  await expect(requestForm(page)).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
}

/** Waits until the browser has solved the form's captcha ("Verificado"). */
export async function captchaSolved(page: Page) {
  await expect(page.getByRole("status").filter({ hasText: "Verificado" })).toBeVisible({ timeout: 20_000 });
}

/** Opens a request through the form with this CPF; returns its number. */
export async function openRequest(page: Page, cpf: string): Promise<string> {
  await openForm(page);
  await fillValid(page, cpf);
  await captchaSolved(page);
  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(requestNumber(page)).toHaveText(/^\d{12}$/, { timeout: 15_000 });
  return (await requestNumber(page).textContent()) ?? "";
}

export async function fillValid(page: Page, cpf = "52998224725") {
  await page.getByLabel("E-mail").fill("maria.silva@saude.gov.br");
  await page.getByLabel("Nome", { exact: true }).fill("Maria da Silva");
  await page.getByLabel("CPF", { exact: true }).fill(cpf);
  await page.getByLabel("Telefone").fill("61999998888");
  await page.getByLabel("UF", { exact: true }).selectOption({ label: "DF - Distrito Federal" });
  await page.getByLabel("Funcionalidade").selectOption({ label: "Transmissão de dados" });
  await page
    .getByLabel("Descrição da solicitação")
    .fill("Não consigo transmitir os dados do estabelecimento desde ontem à tarde.");
}

/** Waits (up to `seconds`) for the delivery job to write an e-mail about `number` that
 * also contains `also` (one text or all of several) into the mail folder; returns it with
 * quoted-printable undone where it matters for reading links. */
export async function mailWith(number: string, also: string | string[] = "", seconds = 10): Promise<string> {
  const dir = path.join(process.env.E2E_DATA_DIR ?? "", "mail");
  const wanted = [number, ...(Array.isArray(also) ? also : [also])];
  for (let i = 0; i < seconds * 10; i++) {
    if (fs.existsSync(dir)) {
      for (const name of fs.readdirSync(dir)) {
        const text = fs.readFileSync(path.join(dir, name), "utf8").replace(/=\r\n/g, "").replace(/=3D/g, "=");
        if (wanted.every((part) => text.includes(part))) return text;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no e-mail with ${wanted.join(", ")} in ${dir}`);
}

/** Looks request `number` up by its CPF, as a citizen does, and opens its history. */
export async function lookUp(page: Page, cpf: string, number: string) {
  await page.goto(`/acompanhar?numero=${number}`);
  await expect(captchaCheck(page)).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
  await page.getByLabel("CPF", { exact: true }).fill(cpf);
  await captchaSolved(page);
  await page.getByRole("button", { name: "Pesquisar" }).click();
  const table = page.getByRole("table", { name: "Suas solicitações" });
  await table.getByRole("link", { name: number }).click({ timeout: 15_000 });
  await expect(page.getByRole("heading", { level: 1, name: `Histórico da solicitação nº ${number}` })).toBeVisible();
}
