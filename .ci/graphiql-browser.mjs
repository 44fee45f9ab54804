// Opens GraphiQL in headless Chromium with every request to another host
// aborted, so that it passes only if GraphiQL works offline; then checks that
// the docs explorer lists the Query type's fields and that the default query
// shows the demo data. Usage: node graphiql-browser.mjs BASE_URL CHROMIUM
import { chromium } from "playwright-core";

const [baseUrl, executablePath] = process.argv.slice(2);
const origin = new URL(baseUrl).host;
const blocked = [];
const problems = [];

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
let failure = null;
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.host !== origin) {
      blocked.push(url.href);
      return route.abort();
    }
    return route.continue();
  });

  const step = async (what, action) => {
    try {
      await action();
      console.log(`ok: ${what}`);
    } catch (e) {
      throw new Error(`${what}: ${e.message.split("\n")[0]}${problems.length ? `\n  ${problems.join("\n  ")}` : ""}`);
    }
  };
  const timeout = 20000;

  await step("GraphiQL rendered", async () => {
    await page.goto(`${baseUrl}/graphql`);
    await page.locator(".graphiql-container").waitFor({ timeout });
  });
  await step("the docs explorer lists Query's fields (services)", async () => {
    await page.locator('button[aria-label="Show Documentation Explorer"]').click({ timeout });
    await page.locator(".graphiql-doc-explorer a.graphiql-doc-explorer-type-name", { hasText: "Query" }).first().click({ timeout });
    await page.locator(".graphiql-doc-explorer-field-name", { hasText: /^services$/ }).first().waitFor({ timeout });
  });
  await step("the default query shows the demo directory", async () => {
    await page.locator("button.graphiql-execute-button").click({ timeout });
    await page.locator(".result-window", { hasText: "Riverside Public Library" }).waitFor({ timeout });
  });
  if (problems.length) console.log(`browser console:\n  ${problems.join("\n  ")}`);
  if (blocked.length) console.log(`aborted requests to other hosts: ${blocked.join(", ")}`);
} catch (e) {
  failure = e;
} finally {
  await browser.close();
}
if (failure) {
  console.error(`GraphiQL browser check failed: ${failure.message}`);
  process.exit(1);
}
console.log("GraphiQL works offline");
