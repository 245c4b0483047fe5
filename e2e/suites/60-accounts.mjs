// Accounts: personal access tokens on the account page (created, shown
// once, used as a Bearer token, read-only refusing writes, revoked) and the
// audit page naming people, roles and units — as the county administrator.
import { expectText, fail, password, shot } from "../lib.mjs";

let token = "";

export const steps = [
  ["log in as admin", async (page, base) => {
    await page.goto(base + "/login");
    await page.fill("input[name=username]", "admin");
    await page.fill("input[name=password]", password);
    await page.click("form[action='/login'] button[type=submit]");
    await page.waitForURL((u) => new URL(u).pathname === "/");
  }],
  ["create a read-only token on the account page", async (page, base) => {
    await page.goto(base + "/account#tokens");
    await page.fill("#tokens input[name=name]", "省平台同步");
    await page.click("#tokens button[type=submit].primary");
    await expectText(page.locator("[data-testid=new-token]"), "wjt_", "the new token");
    token = (await page.locator("[data-testid=new-token]").innerText()).trim();
    await expectText(page.locator("#tokens table"), "省平台同步", "the token in the list");
    await page.locator("#tokens").scrollIntoViewIfNeeded();
    await shot(page, "60-token-created");
  }],
  ["the token reads the API and cannot write", async (page, base) => {
    const api = page.context().request;
    const headers = { Authorization: "Bearer " + token };
    const me = await api.get(base + "/api/v1/me", { headers, failOnStatusCode: false });
    if (me.status() !== 200) fail(`GET /api/v1/me with the token: ${me.status()}`);
    if ((await me.json()).username !== "admin") fail("the token is not admin's");
    const write = await api.post(base + "/api/v1/users/2/unlock", { headers, failOnStatusCode: false });
    if (write.status() !== 403) fail(`a write with a read-only token: ${write.status()}, want 403`);
  }],
  ["revoke it", async (page, base) => {
    page.once("dialog", (d) => d.accept());
    await page.click("#tokens form[action$='/revoke'] button");
    await page.waitForURL(/ok=revoked/);
    await expectText(page.locator("#tokens table"), "尚未创建令牌", "the list after revoking");
    const api = page.context().request;
    const me = await api.get(base + "/api/v1/me", { headers: { Authorization: "Bearer " + token }, failOnStatusCode: false });
    if (me.status() !== 401) fail(`a revoked token: ${me.status()}, want 401`);
  }],
  ["the audit page names people and shows the token's use", async (page, base) => {
    await page.goto(base + "/audit");
    await expectText(page.locator("table.list"), "创建访问令牌", "token creation in the log");
    await expectText(page.locator("table.list"), "卫健委管理员（admin）", "the actor by name");
    await shot(page, "61-audit");
  }],
];
