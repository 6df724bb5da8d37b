// The data subject's rights in the browser: the citizen downloads their own data from a
// follow-up session; an administrator finds the person by CPF, exports their data and
// anonymises it after confirming. axe checks each page.
import * as fs from "node:fs";
import { test, expect } from "@playwright/test";
import { ADMIN_PASSWORD, createAdmin, signIn } from "./console-helpers";
import { expectNoAxeViolations, lookUp, openRequest, watchForErrors } from "./helpers";

test("the citizen downloads their data; an administrator exports and anonymises it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const problems = watchForErrors(page);
  const number = await openRequest(page, "71460238001");
  await lookUp(page, "714.602.380-01", number);
  await expectNoAxeViolations(page);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "arquivo JSON" }).first().click(),
  ]);
  const mine = fs.readFileSync((await download.path()) ?? "", "utf8");
  expect(mine).toContain(number);

  createAdmin("chefe.lgpd@saude.gov.br");
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "chefe.lgpd@saude.gov.br", ADMIN_PASSWORD);
  await admin.goto("/admin");
  await admin.getByRole("link", { name: "Titulares de dados (LGPD)" }).click();
  await admin.getByLabel("CPF do titular").fill("714.602.380-01");
  await admin.getByRole("button", { name: "Buscar" }).click();
  await expect(admin.getByRole("row").filter({ hasText: number })).toBeVisible();
  expect(admin.url()).not.toContain("71460238001");
  await expectNoAxeViolations(admin);

  const [zip] = await Promise.all([
    admin.waitForEvent("download"),
    admin.getByRole("button", { name: "Exportar dados (ZIP)" }).click(),
  ]);
  expect(zip.suggestedFilename()).toBe("dados-do-titular.zip");

  await admin.getByRole("region", { name: "Anonimizar" }).getByRole("button", { name: "Anonimizar" }).click();
  const confirm = admin.getByRole("region", { name: "Anonimizar todas as solicitações deste CPF?" });
  await expect(confirm).toBeVisible();
  await expectNoAxeViolations(admin);
  await confirm.getByRole("button", { name: "Anonimizar" }).click();
  await expect(admin.getByText(/^Dados anonimizados: 1 solicitação/)).toBeVisible();
  // The CPF finds nothing any more.
  await admin.getByLabel("CPF do titular").fill("714.602.380-01");
  await admin.getByRole("button", { name: "Buscar" }).click();
  await expect(admin.getByText("Nenhuma solicitação com este CPF.")).toBeVisible();
  await expectNoAxeViolations(admin);
  expect(problems).toEqual([]);
});
