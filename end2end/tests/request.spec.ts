import { test, expect, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  captchaSolved,
  expectNoAxeViolations,
  fillValid,
  mailWith,
  openForm,
  requestForm,
  requestNumber,
  watchForErrors,
} from "./helpers";

// A real 32×24 PNG screenshot stand-in.
const PNG = fs.readFileSync(path.join(__dirname, "..", "fixtures", "tela.png"));

test("a citizen opens a request with a screenshot and gets the number on screen and by e-mail", async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto("/faq/cnes");
  await page.getByRole("link", { name: "Quero abrir um chamado" }).click();
  await expect(page).toHaveURL(/\/faq\/cnes\/chamado$/);
  await expect(requestForm(page)).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
  await expect(page.getByText("Obrigatório")).toBeVisible();
  await expect(page.getByLabel("E-mail")).toHaveAttribute("aria-required", "true");
  await expect(page.getByLabel("CNS")).not.toHaveAttribute("aria-required", "true");

  await fillValid(page);
  await page.getByLabel("Adicionar arquivo").setInputFiles({ name: "tela.png", mimeType: "image/png", buffer: PNG });
  const chosen = page.getByRole("list", { name: "Arquivos escolhidos" });
  await expect(chosen.getByText("tela.png")).toBeVisible();
  // The preview beside the file's name is decorative (alt=""): presentation, not img.
  await expect(chosen.getByRole("presentation")).toHaveAttribute("src", /^blob:/);
  await expect(page.getByRole("button", { name: "Remover tela.png" })).toBeVisible();
  await captchaSolved(page);
  // Valid values are shown formatted once the field is left.
  await expect(page.getByLabel("CPF", { exact: true })).toHaveValue("529.982.247-25");
  await expect(page.getByLabel("Telefone")).toHaveValue("(61) 99999-8888");
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Enviar" }).click();
  const heading = page.getByRole("heading", { level: 1, name: /^Solicitação nº \d{12} foi criada com sucesso!$/ });
  await expect(heading).toBeVisible({ timeout: 15_000 });
  const number = (await requestNumber(page).textContent()) ?? "";
  expect(number).toMatch(/^\d{12}$/);
  expect(page.url()).not.toContain("529");
  await expect(page.getByRole("main").getByRole("link", { name: "Acompanhar solicitação" })).toHaveAttribute(
    "href",
    `/acompanhar?numero=${number}`,
  );
  await expect(page.getByRole("button", { name: "Copiar número" })).toBeVisible();
  await expectNoAxeViolations(page);

  const mail = await mailWith(number);
  expect(mail).toContain("Prezado(a) Maria");
  expect(mail).not.toContain("52998224725");
  expect(mail).not.toContain("529.982.247-25");
  expect(problems).toEqual([]);
});

test("the same request can be sent with the keyboard alone", async ({ page }) => {
  const problems = watchForErrors(page);
  await openForm(page);
  // Tab from the top of the page to the first field.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    if ((await page.evaluate(() => document.activeElement?.id)) === "email") break;
  }
  await expect(page.getByLabel("E-mail")).toBeFocused();
  await page.keyboard.type("joao.souza@saude.mg.gov.br");
  await page.keyboard.press("Tab");
  await page.keyboard.type("João de Souza");
  await page.keyboard.press("Tab");
  await page.keyboard.type("111.444.777-35");
  await page.keyboard.press("Tab"); // CNS (optional): its hint is read, nothing typed
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Telefone")).toBeFocused();
  await page.keyboard.type("(31) 3333-4444");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("UF", { exact: true })).toBeFocused();
  await page.keyboard.type("MG");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Funcionalidade")).toBeFocused();
  await page.keyboard.type("Gerar");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Descrição da solicitação")).toBeFocused();
  await page.keyboard.type("Preciso gerar o número CNES de um novo estabelecimento.");
  await captchaSolved(page);
  // Past the file field to the button.
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("Tab");
    if (await page.getByRole("button", { name: "Enviar" }).evaluate((b) => b === document.activeElement)) break;
  }
  await expect(page.getByRole("button", { name: "Enviar" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: /foi criada com sucesso!$/ })).toBeVisible({ timeout: 15_000 });
  expect(problems).toEqual([]);
});

test("a wrong CPF shows its message beside the field and nothing is sent", async ({ page }) => {
  const problems = watchForErrors(page);
  const posts: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().includes("/api/chamados/")) posts.push(r.url());
  });
  await openForm(page);
  await fillValid(page);
  const cpf = page.getByLabel("CPF", { exact: true });
  await cpf.fill("123.456.789-00");
  await cpf.blur();
  // The field's description is its hint, then its message (aria-describedby).
  const hint = "Somente números ou no formato 000.000.000-00.";
  await expect(cpf).toHaveAccessibleDescription(`${hint} CPF inválido. Confira os números digitados.`);
  await expect(cpf).toHaveAttribute("aria-invalid", "true");
  await expect(cpf).toHaveAttribute("aria-describedby", /cpf-erro/);
  await captchaSolved(page);

  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(cpf).toBeFocused();
  await expect(page.getByLabel("E-mail")).toHaveValue("maria.silva@saude.gov.br"); // typed values stay
  await expectNoAxeViolations(page);
  expect(posts).toEqual([]);

  // Fixing it clears the message as one types.
  await cpf.fill("529.982.247-25");
  await expect(cpf).toHaveAccessibleDescription(hint);
  await expect(cpf).not.toHaveAttribute("aria-invalid", "true");
  expect(problems).toEqual([]);
});

test("three refused files give three messages; images can be dropped onto the file area", async ({ page }) => {
  await openForm(page);
  const input = page.getByLabel("Adicionar arquivo");
  // After the island takes over, a pt-BR control replaces the browser's own text.
  await expect(page.getByRole("button", { name: "Escolher arquivos" })).toBeVisible();
  await expect(page.getByText("Nenhum arquivo escolhido")).toBeVisible();
  await input.setInputFiles([
    { name: "planilha.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("PK\x03\x04 planilha") },
    { name: "programa.png", mimeType: "image/png", buffer: Buffer.from("MZ\x90\x00 not an image") },
    { name: "tela.png", mimeType: "image/png", buffer: PNG },
    { name: "texto.gif", mimeType: "image/gif", buffer: Buffer.from("apenas texto") },
  ]);
  // One message per refused file, each naming the file and the rule (the field's description).
  for (const name of ["planilha.xlsx", "programa.png", "texto.gif"]) {
    await expect(input).toHaveAccessibleDescription(new RegExp(`O arquivo “${name.replace(".", "\\.")}” não é permitido`));
  }
  await expect(input).not.toHaveAccessibleDescription(/tela\.png/);
  const chosen = page.getByRole("list", { name: "Arquivos escolhidos" });
  await expect(chosen.getByRole("listitem")).toHaveCount(1);
  await expect(page.getByText("1 arquivo escolhido")).toBeVisible();

  // Dropped onto the area: taken like a chosen file.
  const transfer = await page.evaluateHandle((bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], "arrastada.png", { type: "image/png" }));
    return data;
  }, [...PNG]);
  await page.getByText("ou arraste as imagens para esta área").dispatchEvent("drop", { dataTransfer: transfer });
  await expect(chosen.getByText("arrastada.png")).toBeVisible();
  await expect(page.getByText("2 arquivos escolhidos")).toBeVisible();
  await expectNoAxeViolations(page);
});

test("a file that is not an image is refused in the browser with its name", async ({ page }) => {
  await openForm(page);
  const input = page.getByLabel("Adicionar arquivo");
  // The field's description is its hint (the limits in force), then its message.
  const hint = (await page.getByText(/^Tipos de arquivos permitidos: /).textContent()) ?? "";
  await input.setInputFiles({
    name: "programa.png",
    mimeType: "image/png",
    buffer: Buffer.from("MZ\x90\x00 not an image"),
  });
  await expect(input).toHaveAccessibleDescription(
    `${hint} O arquivo “programa.png” não é permitido: envie imagens jpg, jpeg, gif ou png.`,
  );
  await expect(page.getByRole("list", { name: "Arquivos escolhidos" }).getByRole("listitem")).toHaveCount(0);
  // The refused file was never added: the request can still be sent without it.
  await fillValid(page);
  await captchaSolved(page);
  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /foi criada com sucesso!$/ })).toBeVisible({ timeout: 15_000 });
});
