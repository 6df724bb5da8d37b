import { test, expect, type Page } from "@playwright/test";
import { expectNoAxeViolations, watchForErrors } from "./helpers";

const CNES_QUESTIONS = [
  "O que é o CNES?",
  "Como cadastrar um usuário",
  "Como cadastrar um estabelecimento de saúde",
  "Como desbloquear um usuário",
  "O que é o CNES Autocadastro",
  "Como consultar o sumário de cargas?",
  "Qual a diferença do SCNES completo para o simplificado?",
  "O que é o ElastiCNES?",
  "Como instalar o SCNES?",
];

/** The questions' entries: the list's items that hold a question (answers may hold lists of their own). */
function questionItems(page: Page) {
  return page
    .getByRole("list", { name: "Perguntas frequentes" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("group") });
}

test("home lists the systems and leads to a FAQ", async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Central de atendimento" })).toBeVisible();
  await page.getByRole("link", { name: /CNES/ }).click();
  await expect(page).toHaveURL(/\/faq\/cnes$/);
  await expect(page.getByRole("heading", { level: 2, name: "Perguntas frequentes" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("a question opens and closes by mouse, one at a time", async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto("/faq/cnes");
  // Each question is a <details>: a group holding its summary.
  const first = page.getByRole("group").filter({ has: page.getByText("O que é o CNES?", { exact: true }) });
  const last = page.getByRole("group").filter({ has: page.getByText("Como instalar o SCNES?", { exact: true }) });
  const firstAnswer = first.getByText(/sistema de informação oficial de cadastramento/);
  await expect(firstAnswer).toBeHidden();

  await page.getByText("O que é o CNES?", { exact: true }).click();
  await expect(firstAnswer).toBeVisible();
  await expect(first).toHaveAttribute("open", "");

  await page.getByText("Como instalar o SCNES?", { exact: true }).click();
  await expect(last.getByText(/Baixe o instalador/)).toBeVisible();
  await expect(firstAnswer).toBeHidden(); // opening one closes the other

  await page.getByText("Como instalar o SCNES?", { exact: true }).click();
  await expect(last.getByText(/Baixe o instalador/)).toBeHidden();
  expect(problems).toEqual([]);
});

test("the FAQ works with the keyboard alone", async ({ page }) => {
  await page.goto("/faq/cnes");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Ir para o conteúdo" })).toBeFocused();
  await page.keyboard.press("Enter");
  // Tab through to the first question: header link, search field, search button, question.
  const question = page.getByText("O que é o CNES?", { exact: true });
  for (let i = 0; i < 10 && !(await question.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(question).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByText(/sistema de informação oficial de cadastramento/)).toBeVisible();
  await page.keyboard.press("Space");
  await expect(page.getByText(/sistema de informação oficial de cadastramento/)).toBeHidden();
  await page.keyboard.press("Tab");
  await expect(page.getByText("Como cadastrar um usuário", { exact: true })).toBeFocused();
});

test("the FAQ page loads no script, and its search filters on the server", async ({ page }) => {
  const problems = watchForErrors(page);
  const scripts: string[] = [];
  page.on("request", (request) => {
    if (/\.(js|wasm)(\?|$)/.test(request.url())) scripts.push(request.url());
  });
  await page.goto("/faq/cnes");
  const items = questionItems(page);
  await expect(items.filter({ visible: true })).toHaveCount(CNES_QUESTIONS.length);

  const search = page.getByLabel("Buscar nas perguntas frequentes");
  await search.fill("sumario");
  await search.press("Enter");
  await expect(page).toHaveURL(/\/faq\/cnes\?q=sumario$/);
  await expect(items.filter({ visible: true })).toHaveCount(1);
  await expect(items.filter({ visible: true })).toContainText("Como consultar o sumário de cargas?");
  await expect(page.getByRole("status")).toHaveText("1 pergunta encontrada.");
  await expect(page.getByLabel("Buscar nas perguntas frequentes")).toHaveValue("sumario");

  await page.getByLabel("Buscar nas perguntas frequentes").fill("xyzabc");
  await page.getByRole("button", { name: "Buscar" }).click();
  await expect(items.filter({ visible: true })).toHaveCount(0);
  await expect(page.getByRole("status")).toContainText("Nenhuma pergunta encontrada");
  expect(scripts).toEqual([]);
  expect(problems).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("every answer is in the page and opens", async ({ page }) => {
    await page.goto("/faq/cnes");
    for (const question of CNES_QUESTIONS) {
      const summary = page.getByText(question, { exact: true });
      await summary.click();
      const details = page.getByRole("group").filter({ has: summary });
      await expect(details).toHaveAttribute("open", "");
      const answer = details.getByRole("region", { name: question, exact: true });
      await expect(answer).toBeVisible();
      await expect(answer).not.toBeEmpty();
    }
  });

  test("the search form filters on the server", async ({ page }) => {
    await page.goto("/faq/cnes");
    await page.getByLabel("Buscar nas perguntas frequentes").fill("elasticnes");
    await page.getByRole("button", { name: "Buscar" }).click();
    await expect(page).toHaveURL(/\?q=elasticnes$/);
    await expect(questionItems(page).filter({ visible: true })).toHaveCount(1);
    await expect(page.getByRole("status")).toHaveText("1 pergunta encontrada.");
  });
});

test("an unknown system answers 404 with a page", async ({ page }) => {
  const response = await page.goto("/faq/sistema-que-nao-existe");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Página não encontrada" })).toBeVisible();
});

test("pages fit a 360 px wide phone", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of ["/", "/faq/cnes"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});

for (const path of ["/", "/faq/cnes", "/faq/saps", "/faq/cnes?q=zzzz", "/pagina-inexistente"]) {
  test(`axe finds no WCAG 2.1 AA violation on ${path}`, async ({ page }) => {
    await page.goto(path);
    await expectNoAxeViolations(page);
  });
}

test("axe finds no violation with a question open and a search typed", async ({ page }) => {
  await page.goto("/faq/cnes?q=usuario");
  await page.getByText("Como cadastrar um usuário", { exact: true }).click();
  await page.getByLabel("Buscar nas perguntas frequentes").fill("usuario cadastro");
  await expectNoAxeViolations(page);
});
