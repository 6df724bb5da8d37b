// An agent's day in the console, by its labels: finding a request by the citizen's name
// and by its number, the "mine" filter, a canned reply the citizen receives, an internal
// note the citizen never sees, a forward to level 2 whose agent is told by e-mail, and
// finalizing after confirming. axe checks each console page on the way.
import { test, expect, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, compose, createAdmin, inviteAndJoin, signIn } from "./console-helpers";
import { expectNoAxeViolations, mailWith, openRequest, watchForErrors } from "./helpers";

/** Types into the queue's search box and searches. */
async function search(page: Page, typed: string) {
  await page.goto("/atendimento");
  await page.getByRole("search", { name: "Buscar na fila" }).getByLabel("Buscar").fill(typed);
  await page.getByRole("button", { name: "Buscar", exact: true }).click();
  await expect(page.getByText(`na busca por “${typed}”`)).toBeVisible();
}

test("an agent's day: search, mine, a canned reply, a note, a forward told by e-mail, and a confirmed finalization", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const problems = watchForErrors(page);
  const number = await openRequest(page, "39053344705");

  // Every console page passes axe: the sign-in page here, the others on the way.
  await page.goto("/atendimento/entrar");
  await expectNoAxeViolations(page);
  createAdmin("chefe.dia@saude.gov.br");
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "chefe.dia@saude.gov.br", ADMIN_PASSWORD);
  const lia = await inviteAndJoin(admin, browser, "Lia Nível Um", "lia.dia@saude.gov.br", "Nível 01");
  const rui = await inviteAndJoin(admin, browser, "Rui Nível Dois", "rui.dia@saude.gov.br", "Nível 02");

  // Rui keeps being told of each arrival, on his profile.
  await rui.getByRole("link", { name: "Meu perfil" }).click();
  await expect(rui.getByRole("heading", { level: 1, name: "Meu perfil" })).toBeVisible();
  await expect(rui.getByLabel("A cada solicitação que entrar na minha fila")).toBeChecked();
  await expectNoAxeViolations(rui);
  await rui.getByRole("button", { name: "Salvar" }).click();
  await expect(rui.getByText("Preferências de aviso salvas.")).toBeVisible();
  await rui.getByRole("link", { name: "Alterar senha" }).first().click();
  await expect(rui.getByRole("heading", { level: 1, name: "Alterar senha" })).toBeVisible();
  await expectNoAxeViolations(rui);

  // Lia finds the request by the citizen's name, then by its number; the search stays
  // out of the address.
  await search(lia, "Maria da Silva");
  await expect(lia.getByRole("row").filter({ hasText: number })).toBeVisible();
  expect(lia.url()).not.toContain("Maria");
  await expectNoAxeViolations(lia);
  await search(lia, number);
  await expect(lia.getByText("1 solicitação encontrada")).toBeVisible();
  await lia.getByRole("row").filter({ hasText: number }).getByRole("link", { name: number }).click();
  await lia.getByRole("button", { name: "Assumir" }).click();
  await expect(lia.getByText("Você assumiu esta solicitação.")).toBeVisible();

  // "Atribuídas a mim" holds it, and only what Lia holds.
  await lia.goto("/atendimento");
  await lia.getByLabel("Responsável").selectOption({ label: "Atribuídas a mim" });
  await lia.getByRole("button", { name: "Filtrar" }).click();
  await expect(lia.getByText("1 solicitação encontrada")).toBeVisible();
  await lia.getByRole("row").filter({ hasText: number }).getByRole("link", { name: number }).click();

  // A canned reply fills only the composer; sent, the citizen receives it.
  await lia.getByLabel("Resposta pronta").selectOption({ label: "Desbloqueio de usuário" });
  await lia.getByRole("button", { name: "Usar resposta pronta" }).click();
  const composer = lia.getByRole("region", { name: "Escrever" });
  await expect(composer.getByLabel("Texto", { exact: true })).toHaveValue(/gestor municipal ou estadual/);
  await expectNoAxeViolations(lia);
  await composer.getByRole("radio", { name: /^Resposta ao cidadão/ }).check();
  await composer.getByRole("button", { name: "Enviar", exact: true }).click();
  await expect(lia.getByText("Resposta enviada ao cidadão.")).toBeVisible();
  const reply = await mailWith(number, "gestor municipal ou estadual no SCNES");
  const history = (reply.match(new RegExp(`https?://[^\\s"<]*/acompanhar/${number}\\?t=[0-9a-f.]+`)) ?? [""])[0];
  expect(history).not.toEqual("");

  // An internal note: in the console, never for the citizen.
  await compose(lia, /^Nota interna/, "Login conferido no SCNES; falta a base nacional.");
  await expect(lia.getByText("Nota interna registrada. O cidadão não a vê.")).toBeVisible();
  await page.goto(new URL(history).pathname + new URL(history).search);
  await expect(page.getByText("gestor municipal ou estadual no SCNES")).toBeVisible();
  await expect(page.getByText("Login conferido no SCNES")).toHaveCount(0);

  // Forwarded to level 2: Rui is told by e-mail, and opens it from there.
  await lia.getByRole("radio", { name: /^Encaminhar a outro nível/ }).check();
  await lia.getByLabel("Nível de destino (ao encaminhar)").selectOption({ label: "Nível 02" });
  await compose(lia, /^Encaminhar a outro nível/, "Precisa de acesso à base nacional.");
  await expect(lia.getByText(`Solicitação encaminhada ao outro nível. (nº ${number})`)).toBeVisible();
  const told = await mailWith(number, ["rui.dia@saude.gov.br", "Encaminhada ao N"], 40);
  const link = (told.match(new RegExp(`https?://[^\\s"<]*/atendimento/solicitacoes/${number}`)) ?? [""])[0];
  expect(link).not.toEqual("");
  await rui.goto(new URL(link).pathname);
  await expect(rui.getByText("Login conferido no SCNES; falta a base nacional.")).toBeVisible();

  // Rui finalizes, after confirming the final text.
  await compose(rui, /^Finalizar/, "Liberamos o acesso na base nacional; transmita novamente.");
  await expect(rui.getByRole("heading", { name: "Confirmar a finalização" })).toBeVisible();
  await expect(rui.getByText("Liberamos o acesso na base nacional; transmita novamente.")).toBeVisible();
  await expectNoAxeViolations(rui);
  await rui.getByRole("button", { name: "Confirmar e finalizar" }).click();
  await expect(rui.getByText("Solicitação finalizada. O cidadão recebeu a resposta por e-mail.")).toBeVisible();
  await mailWith(number, "Liberamos o acesso na base nacional");
  expect(problems).toEqual([]);
});
