// Browser tests of `reckon serve` (issue 6) in Debian's headless Chromium, driven by
// playwright-core. Builds a synthetic demo project, adds an account, starts the server on a
// free loopback port, then: signs in, imports a list, searches across scripts, reviews a
// pair with the keyboard, opens a person, adds a burial site and finds it on the map,
// switches language. Every request must stay on the server's own host; any console error
// (a CSP violation, a script error) fails the test. Screenshots of the main pages go to
// target/browser-artifacts/.
//
// Usage: node run.mjs  (RECKON_BIN names the binary; default target/debug/reckon)
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.RECKON_BIN ?? path.join(root, "target/debug/reckon");
const artefacts = path.join(root, "target/browser-artifacts");
mkdirSync(artefacts, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), "reckon-browser-"));
const db = path.join(work, "demo/reckon.db");
const env = { ...process.env, RECKON_DB: db, RECKON_QUIET: "1" };

function check(condition, message) {
  if (!condition) throw new Error(`browser test failed: ${message}`);
}

execFileSync(bin, ["demo", "--dir", path.join(work, "demo"), "--quiet"], { env, stdio: "inherit" });
execFileSync(bin, ["user", "add", "documenter", "--role", "administrator"], {
  env,
  input: "synthetic password for the browser test\n",
});

// A synthetic list to import from the browser: common names, invented combinations.
const listFile = path.join(work, "synthetic-browser-list.csv");
writeFileSync(
  listFile,
  "name,sex,age,date,place,status\n" +
    "Кенжебаев Ерлан Серикович,M,34,2022-01-06,Алматы,погиб\n" +
    "Сейтказиева Айгуль,F,27,2022-01-07,Талдыкорган,погибла\n" +
    "Omarov Daniyar,M,19,2022-01-06,Almaty,killed\n",
);

const server = spawn(bin, ["serve", "--addr", "127.0.0.1:0"], { env, stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  let seen = "";
  server.stdout.on("data", (chunk) => {
    seen += chunk;
    const match = seen.match(/on (http:\/\/127\.0\.0\.1:\d+)/);
    if (match) resolve(match[1]);
  });
  server.on("exit", (code) => reject(new Error(`reckon serve exited with ${code}`)));
  setTimeout(() => reject(new Error("reckon serve did not start in 30 s")), 30000);
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const offHost = [];
const consoleErrors = [];
let step = "start";
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on("request", (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith("data:")) offHost.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`${step}: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`${step}: ${error.message}`));
  const shot = (name) => page.screenshot({ path: path.join(artefacts, `${name}.png`), fullPage: true });

  step = "sign in";
  await page.goto(`${base}/`);
  check(page.url().endsWith("/login"), "an anonymous visit goes to the sign-in page");
  await shot("01-login");
  await page.fill("#name", "documenter");
  await page.fill("#password", "not the password");
  await page.click("#sign-in");
  check((await page.textContent("#login-error")).includes("wrong"), "a wrong password is refused");
  await page.fill("#name", "documenter");
  await page.fill("#password", "synthetic password for the browser test");
  await page.click("#sign-in");
  await page.waitForURL(`${base}/`);
  check((await page.textContent("#whoami")).includes("documenter"), "signed in");
  check((await page.textContent(".banner")).includes("SYNTHETIC"), "the synthetic banner shows");
  check((await page.locator("svg").count()) > 0, "the dashboard has charts");
  await shot("02-dashboard");

  step = "import";
  await page.click("text=Import");
  await page.setInputFiles("#file", listFile);
  await page.fill("#source_name", "Browser list (synthetic)");
  await page.click("#import-submit");
  const imported = await page.textContent("#import-message");
  check(imported.includes("3 records imported"), `import: ${imported}`);
  await shot("03-import");

  step = "search across scripts";
  await page.goto(`${base}/search`);
  await page.fill("#q", "Kenzhebaev Erlan");
  await page.press("#q", "Enter");
  await page.waitForSelector("#hits");
  check((await page.textContent("#hits")).includes("Кенжебаев Ерлан Серикович"), "Latin finds Cyrillic");
  await page.fill("#q", "Омаров Данияр");
  await page.press("#q", "Enter");
  await page.waitForSelector("#hits");
  check((await page.textContent("#hits")).includes("Omarov Daniyar"), "Cyrillic finds Latin");
  await page.fill("#q", "Сейтказ");
  await page.press("#q", "Enter");
  await page.waitForSelector("#hits");
  check((await page.textContent("#hits")).includes("Сейтказиева Айгуль"), "part of a name finds it");
  await shot("04-search");

  step = "open a person";
  // A person whose records come from several lists: found through the API, opened from a search.
  const found = await page.evaluate(async (base) => {
    for (let number = 1; number <= 300; number++) {
      const person = await (await fetch(`${base}/api/v1/persons/${number}`)).json();
      if (person.records && person.records.length >= 3) return { number, name: person.records[0].fields.name };
    }
    return null;
  }, base);
  check(found !== null, "the demo has persons on three lists");
  await page.fill("#q", found.name);
  await page.press("#q", "Enter");
  await page.waitForSelector(`#hits a[href="/persons/${found.number}"]`);
  await page.click(`#hits a[href="/persons/${found.number}"] >> nth=0`);
  await page.waitForSelector("#side-by-side");
  check((await page.locator("#side-by-side th a").count()) >= 3, "the person's records are side by side");
  check((await page.locator("#links tr").count()) >= 2, "and why they are together");
  await shot("05-person");

  step = "review";
  await page.goto(`${base}/review`);
  const waiting = Number(await page.textContent("#n-waiting"));
  check(waiting > 0, "pairs wait for review");
  await shot("06-review");
  await page.fill("#reason", "same date and place; patronymic missing on one list");
  await page.locator("body").click({ position: { x: 5, y: 200 } });
  await page.keyboard.press("m");
  await page.waitForSelector("#review-message");
  const after = (await page.locator("#n-waiting").count()) ? Number(await page.textContent("#n-waiting")) : 0;
  check(after === waiting - 1, `the decision took one pair off the queue (${waiting} → ${after})`);

  step = "burial site on the map";
  await page.goto(`${base}/places`);
  await page.fill("#place-name", "Synthetic burial site A");
  await page.selectOption("#place-kind", "burial_site");
  await page.fill("#latitude", "43.35");
  await page.fill("#longitude", "77.05");
  await page.selectOption("#burial_kind", "undisclosed");
  await page.click("#add-place");
  check((await page.textContent("#place-message")).includes("added"), "the place was added");
  await page.goto(`${base}/map`);
  const marker = page.locator('circle[data-kind="burial_site"]');
  check((await marker.count()) === 1, "the burial site is on the map");
  check((await marker.locator("title").textContent()).includes("Synthetic burial site A"), "with its name");
  await shot("07-map");

  step = "document an incident";
  await page.click("header >> text=Document");
  await page.fill("#f-title", "Synthetic incident at a square");
  await page.fill("#f-starts_at", "2022-01-06T18:30");
  await page.selectOption("#f-time_precision", "hour");
  await page.click("#document-submit");
  check((await page.textContent("#document-message")).includes("Added as"), "the incident was added");
  await shot("09-document");

  step = "open a missing-person case";
  await page.click("header >> text=Missing persons");
  await page.fill("#sought", "Synthetic sought person");
  await page.fill("#told_what", "wait for news");
  await page.click("#open-case");
  check((await page.textContent("#case-message")).includes("opened"), "the case was opened");

  step = "timeline and language";
  await page.goto(`${base}/timeline`);
  check((await page.textContent("#incidents")).includes("Synthetic incident at a square"), "the incident is on the timeline");
  await shot("08-timeline");
  await page.click("text=RU");
  check((await page.textContent("header")).includes("Поиск"), "the interface switches to Russian");
  await page.click("text=KK");
  check((await page.textContent("header")).includes("Іздеу"), "and to Kazakh");
  await page.click("text=EN");

  step = "sign out";
  await page.click("#logout");
  await page.waitForURL(`${base}/login`);
  await page.goto(`${base}/review`);
  check(page.url().endsWith("/login"), "after signing out, pages need signing in again");

  check(offHost.length === 0, `requests left the server's host: ${offHost.join(", ")}`);
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(" | ")}`);
  console.log(`browser test passed: ${base}, screenshots in ${artefacts}`);
} catch (error) {
  console.error(`at step "${step}": ${error.message}`);
  if (page) {
    await page.screenshot({ path: path.join(artefacts, "failure.png"), fullPage: true }).catch(() => {});
    console.error(`page at failure: ${page.url()} (screenshot target/browser-artifacts/failure.png)`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
  server.kill("SIGINT");
}
