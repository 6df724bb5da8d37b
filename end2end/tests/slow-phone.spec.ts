import { test, expect, type Page, type Route } from "@playwright/test";
import { captchaCheck, requestForm, watchForErrors } from "./helpers";

// A slow phone: the page arrives, the wasm takes its time. What the citizen types meanwhile
// must survive the island taking over, and a click on "Enviar" before it must not put
// personal data into an address or lose what was typed.

async function delayWasm(page: Page, ms: number) {
  await page.route("**/*.wasm", async (route: Route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

test("what is typed before the wasm arrives survives hydration, with the focus and caret", async ({ page }) => {
  const problems = watchForErrors(page);
  await delayWasm(page, 4_000);
  await page.goto("/faq/cnes/chamado", { waitUntil: "domcontentloaded" });
  const form = requestForm(page);
  await expect(form).toBeVisible();
  await expect(form).not.toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("E-mail").fill("maria.silva@saude.gov.br");
  await page.getByLabel("Nome", { exact: true }).fill("Maria da Silva");
  const cpf = page.getByLabel("CPF", { exact: true });
  await cpf.click();
  await cpf.pressSequentially("5299822");
  await expect(form).not.toHaveAttribute("data-hydrated", "true");

  await expect(form).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  await expect(page.getByLabel("E-mail")).toHaveValue("maria.silva@saude.gov.br");
  await expect(page.getByLabel("Nome", { exact: true })).toHaveValue("Maria da Silva");
  await expect(cpf).toHaveValue("5299822");
  await expect(cpf).toBeFocused();
  expect(await cpf.evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(7);
  // Typing goes on where it was, and the island now knows the whole value.
  await page.keyboard.type("4725");
  await cpf.blur();
  await expect(cpf).toHaveValue("529.982.247-25");
  expect(problems).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the form posts to the server and comes back with what was typed and a clear message", async ({ page }) => {
    const addresses: string[] = [];
    page.on("request", (r) => addresses.push(r.url()));
    await page.goto("/faq/cnes/chamado");
    await page.getByLabel("E-mail").fill("maria.silva@saude.gov.br");
    await page.getByLabel("Nome", { exact: true }).fill("Maria da Silva");
    await page.getByLabel("CPF", { exact: true }).fill("529.982.247-25");
    await page.getByLabel("Telefone").fill("(61) 99999-8888");
    await page.getByLabel("UF", { exact: true }).selectOption({ label: "DF - Distrito Federal" });
    await page.getByLabel("Funcionalidade").selectOption({ label: "Transmissão de dados" });
    await page.getByLabel("Descrição da solicitação").fill("Não consigo transmitir os dados </textarea> desde ontem.");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Enviar" }).click(),
    ]);
    expect(response.status()).toBe(422);
    expect(response.url()).toMatch(/\/faq\/cnes\/chamado$/);
    await expect(page.getByLabel("E-mail")).toHaveValue("maria.silva@saude.gov.br");
    await expect(page.getByLabel("CPF", { exact: true })).toHaveValue("529.982.247-25");
    await expect(page.getByLabel("UF", { exact: true })).toHaveValue("DF");
    await expect(page.getByLabel("Descrição da solicitação")).toHaveValue(
      "Não consigo transmitir os dados </textarea> desde ontem.",
    );
    // The check's status is described by its message (aria-describedby).
    await expect(captchaCheck(page).getByRole("status")).toHaveAccessibleDescription(
      /A verificação anti-robô não foi concluída/,
    );
    for (const address of addresses) {
      expect(address).not.toMatch(/529|maria|99999|cpf=|email=/i);
    }
  });
});
