import * as path from "node:path";
import { test, expect } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, compose, createAdmin, inviteAndJoin, signIn } from "./console-helpers";
import {
  currentStatus,
  expectNoAxeViolations,
  lookUp,
  mailWith,
  openForm,
  openRequest,
  watchForErrors,
} from "./helpers";

test.beforeEach(() => {
  // Room for one delayed sign-in (see `signIn`).
  test.setTimeout(120_000);
});

test("agents take a request through the console and the citizen's contest brings it back", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const problems = watchForErrors(page);
  // The citizen opens a request.
  const number = await openRequest(page, "86288366757");

  // The administrator signs in and invites two agents.
  createAdmin();
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.getByRole("link", { name: "Administração" }).click();
  await expectNoAxeViolations(admin);
  await admin.getByRole("link", { name: "Atendentes" }).click();
  await expectNoAxeViolations(admin);
  const ana = await inviteAndJoin(admin, browser, "Ana Nível Um", "ana.e2e@saude.gov.br", "Nível 01");
  const beto = await inviteAndJoin(admin, browser, "Beto Nível Dois", "beto.e2e@saude.gov.br", "Nível 02");

  // Level 1: the queue, claim, an internal note, escalation with a reason.
  await expectNoAxeViolations(ana);
  const row = ana.getByRole("row").filter({ hasText: number });
  await expect(row.getByText("Recebido")).toBeVisible();
  await expect(row.getByText("hoje")).toBeVisible();
  await row.getByRole("link", { name: number }).click();
  await expect(ana.getByRole("heading", { level: 1, name: `Solicitação nº ${number}` })).toBeVisible();
  await expect(ana.getByText("***.883.667-**")).toBeVisible();
  await expectNoAxeViolations(ana);
  await ana.getByRole("button", { name: "Assumir" }).click();
  await expect(ana.getByText("Você assumiu esta solicitação.")).toBeVisible();
  await compose(ana, /^Nota interna/, "Verificar o cadastro no DATASUS antes de responder.");
  await expect(ana.getByText("Nota interna registrada. O cidadão não a vê.")).toBeVisible();
  await expect(ana.getByText("Verificar o cadastro no DATASUS antes de responder.")).toBeVisible();

  // A question to the citizen: it arrives by e-mail, and the e-mail's link opens the history.
  await compose(ana, /^Resposta ao cidadão/, "Qual a versao do SCNES instalada no municipio?");
  await expect(ana.getByText("Resposta enviada ao cidadão.")).toBeVisible();
  const question = await mailWith(number, "Qual a versao do SCNES instalada no municipio?");
  expect(question).not.toContain("DATASUS");
  const questionLink = (question.match(new RegExp(`https?://[^\\s"<]*/acompanhar/${number}\\?t=[0-9a-f.]+`)) ?? [""])[0];
  expect(questionLink).not.toEqual("");
  await page.goto(new URL(questionLink).pathname + new URL(questionLink).search);
  await expect(page.getByRole("heading", { level: 1, name: `Histórico da solicitação nº ${number}` })).toBeVisible();
  await expect(page.getByText("Qual a versao do SCNES instalada no municipio?")).toBeVisible();
  await expect(page.getByText("DATASUS")).toHaveCount(0);

  await ana.getByRole("radio", { name: /^Encaminhar a outro nível/ }).check();
  await ana.getByLabel("Nível de destino (ao encaminhar)").selectOption({ label: "Nível 02" });
  await compose(ana, /^Encaminhar a outro nível/, "Precisa de acesso à base nacional.");
  await expect(ana.getByText(`Solicitação encaminhada ao outro nível. (nº ${number})`)).toBeVisible();
  await expect(ana.getByRole("row").filter({ hasText: number })).toHaveCount(0);

  // Level 2 finalizes with an answer.
  await beto.reload();
  await beto.getByRole("row").filter({ hasText: number }).getByRole("link", { name: number }).click();
  await expect(beto.getByText("Verificar o cadastro no DATASUS antes de responder.")).toBeVisible();
  await compose(beto, /^Finalizar/, "Corrigimos o cadastro na base nacional; transmita novamente.");
  // Finalizing asks first, showing the final text.
  await expect(beto.getByRole("heading", { name: "Confirmar a finalização" })).toBeVisible();
  await expect(beto.getByText("Corrigimos o cadastro na base nacional; transmita novamente.")).toBeVisible();
  await expectNoAxeViolations(beto);
  await beto.getByRole("button", { name: "Confirmar e finalizar" }).click();
  await expect(beto.getByText("Solicitação finalizada. O cidadão recebeu a resposta por e-mail.")).toBeVisible();
  await expectNoAxeViolations(beto);

  // The citizen reads the answer from the e-mail, does not see the internal note, contests.
  const mail = await mailWith(number, "Corrigimos o cadastro na base nacional");
  const link = (mail.match(new RegExp(`https?://[^\\s"<]*/acompanhar/${number}\\?t=[0-9a-f.]+`)) ?? [""])[0];
  await page.goto(new URL(link).pathname + new URL(link).search);
  await expect(page.getByRole("heading", { level: 1, name: `Histórico da solicitação nº ${number}` })).toBeVisible();
  await expect(page.getByText("Corrigimos o cadastro na base nacional")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Encaminhamento - CNES - Nível 02" })).toBeVisible();
  await expect(page.getByText("DATASUS")).toHaveCount(0);
  await expect(page.getByText("Precisa de acesso à base nacional.")).toHaveCount(0);
  await page.getByRole("button", { name: "Não" }).click();
  await page.getByLabel("Informe o motivo da reabertura").fill("A transmissão continua falhando com o mesmo erro.");
  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(currentStatus(page).getByText("Reaberto")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Reabertura - CNES - Nível 02" })).toBeVisible();

  // Back at level 2, reopened.
  await beto.goto("/atendimento");
  await expect(beto.getByRole("row").filter({ hasText: number }).getByText("Reaberto")).toBeVisible();
  await expectNoAxeViolations(beto);
  expect(problems).toEqual([]);
});

test("the administration pages are accessible and keep what citizens read", async ({ page }) => {
  const problems = watchForErrors(page);
  createAdmin("auditoria.e2e@saude.gov.br");
  await signIn(page, "auditoria.e2e@saude.gov.br", ADMIN_PASSWORD);
  for (const [path, heading] of [
    ["/admin", "Administração"],
    ["/admin/sistemas", "Sistemas"],
    ["/admin/sistemas/cnes", "CNES — /faq/cnes"],
    ["/admin/calendario?ano=2026", "Pontos facultativos de 2026"],
    ["/admin/relatorios", "Relatórios"],
    ["/admin/configuracoes", "Configurações"],
    ["/admin/auditoria", "Log de auditoria"],
    ["/admin/avisos", "Avisos públicos"],
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectNoAxeViolations(page);
  }
  // A new system: created inactive, given a published question, activated; citizens
  // read the answer at once, rendered safely.
  await page.goto("/admin/sistemas");
  await page.getByLabel("Sigla no endereço").fill("sigtap");
  await page.getByLabel("Nome", { exact: true }).fill("SIGTAP");
  await page.getByLabel("Nome completo").fill("Tabela de Procedimentos do SUS");
  await page.getByRole("button", { name: "Criar sistema" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "SIGTAP — /faq/sigtap" })).toBeVisible();
  await page.getByLabel("Pergunta", { exact: true }).last().fill("Como consultar um procedimento?");
  await page.getByLabel("Resposta", { exact: true }).last().fill("Acesse **Consultar procedimentos** no portal.");
  await page.getByLabel("Publicar agora").check();
  await page.getByRole("button", { name: "Adicionar pergunta" }).click();
  await expect(page.getByText("Alterações salvas.")).toBeVisible();
  await page.getByLabel(/^Ativo/).check();
  await page.getByRole("button", { name: "Salvar sistema" }).click();
  await expect(page.getByText("Alterações salvas.")).toBeVisible();
  await expectNoAxeViolations(page);
  // Its logo: uploaded as a file, shown on the system's page and to citizens.
  await page.getByLabel("Nova imagem do logotipo").setInputFiles(path.join(__dirname, "..", "fixtures", "tela.png"));
  await page.getByRole("button", { name: "Enviar logotipo" }).click();
  await expect(page.getByText("Logotipo salvo.")).toBeVisible();
  await expect(page.getByRole("img", { name: "Logotipo atual do SIGTAP" })).toBeVisible();
  await page.goto("/faq/sigtap");
  // Beside the system's name, the logo is decorative (alt=""): presentation, not img.
  const logo = page.getByRole("region", { name: /^SIGTAP/ }).getByRole("presentation");
  await expect(logo).toHaveAttribute("src", /^\/logotipos\/sigtap-[0-9a-f]{16}\.png$/);
  expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await page.getByText("Como consultar um procedimento?").click();
  await expect(
    page
      .getByRole("region", { name: "Como consultar um procedimento?", exact: true })
      .getByRole("strong")
      .filter({ hasText: "Consultar procedimentos" }),
  ).toBeVisible();

  // Settings: a value out of range is refused beside its field, focus on it, nothing saved
  // (other tests run against the same portal, so the values in force stay as they are).
  await page.goto("/admin/configuracoes");
  const windowField = page.getByLabel("Prazo para contestar a resposta (dias úteis)");
  await expect(windowField).toHaveValue("3");
  await windowField.fill("0");
  const before = problems.length;
  await page.getByRole("button", { name: "Salvar configurações" }).click();
  await expect(page.getByText("Informe um número de dias úteis entre 1 e 10.")).toBeVisible();
  // The refused post answers 422, which Chromium reports on the console: expected here.
  expect(problems.splice(before)).toEqual([expect.stringContaining("status of 422")]);
  await expect(windowField).toHaveAttribute("aria-invalid", "true");
  await expect(windowField).toBeFocused();
  await expect(windowField).toHaveValue("0");
  await expectNoAxeViolations(page);
  expect(problems).toEqual([]);
});

test("the citizen complements an open request with an image, and the agent sees it", async ({ page, browser }) => {
  const problems = watchForErrors(page);
  const number = await openRequest(page, "25524893033");
  await lookUp(page, "255.248.930-33", number);
  const form = page.getByRole("region", { name: "Complementar solicitação" });
  await expect(form).toBeVisible();
  await expectNoAxeViolations(page);
  await form.getByLabel("Complemento").fill("curto");
  await form.getByRole("button", { name: "Enviar complemento" }).click();
  await expect(page.getByText("Escreva o complemento com pelo menos 10 caracteres.")).toBeVisible();
  await expect(form.getByLabel("Complemento")).toHaveValue("curto");
  await form.getByLabel("Complemento").fill("A versão instalada é a 7.2.1; a tela do erro vai em anexo.");
  await form.getByLabel("Adicionar arquivo").setInputFiles(path.join(__dirname, "..", "fixtures", "tela.png"));
  await form.getByRole("button", { name: "Enviar complemento" }).click();
  await expect(page.getByText("Complemento enviado. A equipe de atendimento já pode vê-lo.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Complemento - CNES - Nível 01" })).toBeVisible();
  await expect(page.getByRole("link", { name: "tela.png" })).toBeVisible();
  await expectNoAxeViolations(page);

  // The team sees it on the request page, with its image (its place at the top of the queue is
  // checked by the server tests: here other tests open requests at the same time).
  const email = "chefe.complemento@saude.gov.br";
  createAdmin(email);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, email, ADMIN_PASSWORD);
  await admin.goto(`/atendimento/solicitacoes/${number}`);
  await expect(admin.getByText("A versão instalada é a 7.2.1; a tela do erro vai em anexo.")).toBeVisible();
  await expect(admin.getByRole("link", { name: /tela\.png/ }).first()).toBeVisible();
  expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
});

test("a suggestion is shown while the description is typed, opened, marked helpful, and the report counts it", async ({ page, browser }) => {
  const problems = watchForErrors(page);
  await openForm(page);
  await page.getByLabel("Descrição da solicitação").fill("Não consigo fazer a instalação do SCNES no computador novo");
  const suggestions = page.getByRole("complementary", { name: "Estas respostas podem ajudar" });
  await expect(suggestions).toBeVisible({ timeout: 10_000 });
  await suggestions.getByText("Como instalar o SCNES?").click();
  await expect(suggestions.getByText("Baixe o instalador da versão mais recente")).toBeVisible();
  await expectNoAxeViolations(page);
  await suggestions.getByRole("group").filter({ hasText: "Como instalar o SCNES?" }).getByRole("button", { name: "Sim" }).click();
  await expect(suggestions.getByText("Que bom! Se a dúvida foi resolvida, não é preciso enviar a solicitação.")).toBeVisible();

  // The administrator's report counts it (other tests may add to the same counts).
  const email = "chefe.relatorio@saude.gov.br";
  createAdmin(email);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, email, ADMIN_PASSWORD);
  await admin.goto("/admin/relatorios?sistema=cnes");
  const table = admin.getByRole("table", { name: "Perguntas frequentes: sugestões no formulário e respostas úteis" });
  const cells = table.getByRole("row", { name: /^CNES/ }).getByRole("cell");
  for (const column of [0, 1, 2]) {
    expect(Number(await cells.nth(column).textContent())).toBeGreaterThanOrEqual(1);
  }
  await expectNoAxeViolations(admin);
  expect(problems).toEqual([]);
});

test("the queue and the reports fit a phone: wide tables scroll in their own box", async ({ page }) => {
  createAdmin("chefe.celular@saude.gov.br");
  await signIn(page, "chefe.celular@saude.gov.br", ADMIN_PASSWORD);
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of ["/atendimento", "/admin/relatorios"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page);
  }
});
