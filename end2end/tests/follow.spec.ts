import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { root, serverBin, serverEnv } from "../server-env";
import {
  captchaCheck,
  captchaSolved,
  currentStatus,
  expectNoAxeViolations,
  lookUp,
  mailWith,
  openRequest,
  watchForErrors,
} from "./helpers";

/** An agent's answer, through the server's command line on the same database. */
function finalize(number: string, answer: string) {
  execFileSync(serverBin, ["finalizar", "--numero", number, "--resposta", answer], {
    cwd: root,
    env: { ...process.env, ...serverEnv },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

function noCpfIn(url: string) {
  expect(url).not.toMatch(/529\.?982\.?247|52998224725|111\.?444\.?777|11144477735|40364478829/);
}

test("a citizen looks a request up, reads the timeline, contests the answer and sees it reopened", async ({ page }) => {
  const problems = watchForErrors(page);
  const number = await openRequest(page, "40364478829");
  await page.getByRole("main").getByRole("link", { name: "Acompanhar solicitação" }).click();
  await expect(page).toHaveURL(new RegExp(`/acompanhar\\?numero=${number}$`));
  await expect(captchaCheck(page)).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
  await expectNoAxeViolations(page);

  // A wrong CPF gets the one generic answer.
  await page.getByLabel("CPF", { exact: true }).fill("123.456.789-09");
  await captchaSolved(page);
  await page.getByRole("button", { name: "Pesquisar" }).click();
  await expect(page.getByRole("alert")).toContainText("Não encontramos solicitação com este CPF e este número");

  await page.getByLabel("CPF", { exact: true }).fill("403.644.788-29");
  await captchaSolved(page);
  await page.getByRole("button", { name: "Pesquisar" }).click();
  const table = page.getByRole("table", { name: "Suas solicitações" });
  await expect(table).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("***.644.788-**")).toBeVisible();
  const row = table.getByRole("row").filter({ hasText: number });
  await expect(row.getByText("Recebido")).toBeVisible();
  await expect(row.getByText("CNES")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Legenda" })).toBeVisible();
  noCpfIn(page.url());
  await expectNoAxeViolations(page);

  finalize(number, "Reinstale o transmissor na versão mais recente e transmita novamente.");
  await row.getByRole("link", { name: number }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Histórico da solicitação nº ${number}` })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Abertura - CNES - Nível 01" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Finalização - CNES - Nível 01" })).toBeVisible();
  await expect(page.getByText("Reinstale o transmissor na versão mais recente")).toBeVisible();
  await expect(page.getByText(/Criado em \d{2}-\d{2}-\d{4} \d{2}:\d{2}/).first()).toBeVisible();
  await expect(page.getByText("Sua solicitação foi atendida?")).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole("button", { name: "Não" }).click();
  const reason = page.getByLabel("Informe o motivo da reabertura");
  await reason.fill("curto");
  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(page.getByText("Descreva o motivo com pelo menos 10 caracteres.")).toBeVisible();
  await expect(reason).toHaveValue("curto");
  await expect(reason).toHaveAttribute("aria-invalid", "true");
  await expectNoAxeViolations(page);
  await reason.fill("O transmissor continua sem enviar os dados depois da reinstalação.");
  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(currentStatus(page).getByText("Reaberto")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Reabertura - CNES - Nível 01" })).toBeVisible();
  await expect(page.getByText("Sua solicitação foi atendida?")).toHaveCount(0);
  noCpfIn(page.url());

  // Finalized again: accept and rate it.
  finalize(number, "Corrigimos o cadastro do transmissor.");
  await page.reload();
  await page.getByRole("button", { name: "Sim" }).click();
  await page.getByRole("link", { name: "Avaliar atendimento" }).click();
  const rating = page.getByRole("group", { name: "Avaliação do atendimento" });
  for (const label of ["Muito insatisfeito", "Insatisfeito", "Indiferente", "Satisfeito", "Muito satisfeito"]) {
    await expect(rating.getByLabel(label, { exact: true })).toBeVisible();
  }
  await expectNoAxeViolations(page);
  await rating.getByLabel("Muito satisfeito").check();
  await page.getByLabel("Comentário (opcional)").fill("Resolvido, obrigado!");
  await page.getByRole("button", { name: "Enviar" }).click();
  await expect(currentStatus(page).getByText("Avaliado")).toBeVisible();
  await expect(page.getByText("Atendimento avaliado como “Muito satisfeito”.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Avaliação - CNES - Nível 01" })).toBeVisible();
  await page.goto("/acompanhar");
  await expect(page.getByRole("row").filter({ hasText: number }).getByText("Avaliado")).toBeVisible();
  // Two pages answer 422 on purpose (the wrong CPF, the too-short reason); nothing else may fail.
  expect(problems.filter((p) => !p.includes("status of 422"))).toEqual([]);
  expect(problems.filter((p) => p.includes("status of 422"))).toHaveLength(2);
});

test("the finalized e-mail's link opens the request, and Fechar ends it, with the keyboard alone", async ({ page }) => {
  const problems = watchForErrors(page);
  const number = await openRequest(page, "11144477735");
  finalize(number, "Cadastro de usuário liberado.");
  const mail = await mailWith(number, `/acompanhar/${number}?t`);
  expect(mail).not.toContain("11144477735");
  expect(mail).not.toContain("111.444.777-35");
  const link = (mail.match(new RegExp(`https?://[^\\s"<]*/acompanhar/${number}\\?t=[0-9a-f.]+`)) ?? [""])[0];
  expect(link).not.toEqual("");
  await page.goto(new URL(link).pathname + new URL(link).search);
  await expect(page.getByRole("heading", { level: 1, name: `Histórico da solicitação nº ${number}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/acompanhar/${number}$`));
  noCpfIn(page.url());

  // Keyboard only: Sim, then Fechar, which asks first.
  await page.getByRole("button", { name: "Sim" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Fechar" })).toBeVisible();
  await page.getByRole("link", { name: "Avaliar atendimento" }).focus();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Fechar" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Depois disso ela não poderá ser reaberta nem avaliada.")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Confirmar: fechar a solicitação" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Esta solicitação foi encerrada.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Encerramento - CNES - Nível 01" })).toBeVisible();
  await expect(page.getByText("Sua solicitação foi atendida?")).toHaveCount(0);
  await expectNoAxeViolations(page);
  expect(problems).toEqual([]);
});

test("the lookup works with the keyboard alone", async ({ page }) => {
  const number = await openRequest(page, "25524893033");
  await page.goto("/acompanhar");
  await expect(captchaCheck(page)).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
  await page.getByLabel("CPF", { exact: true }).focus();
  await page.keyboard.type("255.248.930-33");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Nº da solicitação")).toBeFocused();
  await page.keyboard.type(number);
  await captchaSolved(page);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("table", { name: "Suas solicitações" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("***.248.930-**")).toBeVisible();
  // "Nova pesquisa" ends the session.
  await page.getByRole("button", { name: "Nova pesquisa" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Pesquisar" })).toBeVisible();
  await page.goto(`/acompanhar/${number}`);
  await expect(page.getByRole("heading", { name: "Página não encontrada" })).toBeVisible();
});

test("every citizen page leads to 'Acompanhar solicitação': header, page and footer", async ({ page }) => {
  for (const path of ["/", "/faq/cnes"]) {
    await page.goto(path);
    for (const area of [page.getByRole("banner"), page.getByRole("main"), page.getByRole("contentinfo")]) {
      await expect(area.getByRole("link", { name: "Acompanhar solicitação" })).toHaveAttribute("href", "/acompanhar");
    }
  }
  await page.goto("/faq/cnes");
  await page.getByRole("banner").getByRole("link", { name: "Acompanhar solicitação" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Acompanhar solicitação" })).toBeVisible();
  await page.getByRole("contentinfo").getByRole("link", { name: "Central de atendimento" }).click();
  await expect(page).toHaveURL(/\/$/);
  // The public notices, from the footer; the shortcuts the accessibility statement lists.
  for (const [name, heading] of [
    ["Aviso de privacidade", "Aviso de privacidade"],
    ["Acessibilidade", "Acessibilidade"],
  ]) {
    await page.getByRole("contentinfo").getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expectNoAxeViolations(page);
  }
  await expect(page.getByRole("link", { name: "Ir para o rodapé [4]" })).toHaveAttribute("accesskey", "4");
  await expect(page.getByRole("main").getByText("Alt + Shift + número")).toBeVisible();
});

/** The page's width beyond the viewport, in CSS pixels (0: no horizontal scroll). */
async function overflow(page: import("@playwright/test").Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("every citizen page fits 320 and 360 pixels without horizontal scroll", async ({ page }) => {
  test.setTimeout(90_000);
  const number = await openRequest(page, "96271845860");
  const created = page.url();
  // The list and the history need a session: looked up as a citizen does.
  await lookUp(page, "962.718.458-60", number);
  const pages = [
    "/",
    "/faq/cnes",
    "/faq/cnes/chamado",
    new URL(created).pathname + new URL(created).search,
    "/acompanhar",
    `/acompanhar/${number}`,
    "/privacidade",
    "/acessibilidade",
  ];
  for (const width of [320, 360]) {
    await page.setViewportSize({ width, height: 740 });
    for (const path of pages) {
      await page.goto(path);
      expect(await overflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
  }
});
