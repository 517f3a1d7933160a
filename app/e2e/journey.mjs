// The LP journey in a real browser (Debian's Chromium through playwright-core) against a
// local sandbox this script starts: connect, deposit, request a withdrawal, wait for the
// delay, claim, and see an over-balance deposit refused in words. Screenshots go to
// app/e2e/artifacts/. Usage: node e2e/journey.mjs (after `vite build`).

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { extname, join } from "node:path";
import { tmpdir } from "node:os";
import net from "node:net";
import { chromium } from "playwright-core";

const here = new URL(".", import.meta.url).pathname;
const appDir = join(here, "..");
const dist = join(appDir, "dist");
const artifacts = join(here, "artifacts");
const targetDir = process.env.CARGO_TARGET_DIR || join(process.env.HOME, ".cache/hedge-vault/target");
const sandboxBin = process.env.HEDGE_SANDBOX_BIN || join(targetDir, "debug/hedge-sandbox");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

function fail(msg) {
  console.error(`e2e: ${msg}`);
  process.exitCode = 1;
  throw new Error(msg);
}

async function freePortPair() {
  for (let i = 0; i < 50; i++) {
    const p = 20000 + Math.floor(Math.random() * 40000);
    const ok = await Promise.all([p, p + 1].map((x) => new Promise((res) => {
      const s = net.createServer().once("error", () => res(false)).listen(x, "127.0.0.1", () => s.close(() => res(true)));
    })));
    if (ok.every(Boolean)) return p;
  }
  fail("no free port pair");
}

function serveDist(port) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = join(dist, path === "/" ? "index.html" : path);
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((res) => server.listen(port, "127.0.0.1", () => res(server)));
}

async function waitFor(check, what, ms = 90_000) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    try {
      const v = await check();
      if (v) return v;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`timed out waiting for ${what}`);
}

const amount = (text) => Number(String(text).replace(/,/g, ""));

/** A full-page screenshot, patient with a loaded machine: Chromium waits for a stable
 *  frame, which a busy 2-core CI runner (sandbox, keeper and browser together) can delay
 *  past Playwright's 30 s default; one retry after a pause. */
async function shot(page, name) {
  const options = { path: join(artifacts, name), fullPage: true, animations: "disabled", timeout: 90_000 };
  try {
    await page.screenshot(options);
  } catch (e) {
    console.error(`e2e: screenshot ${name} failed once (${e.message.split("\n")[0]}), retrying`);
    await new Promise((r) => setTimeout(r, 2_000));
    await page.screenshot(options);
  }
}

async function main() {
  if (!existsSync(join(dist, "index.html"))) fail("app/dist is missing: run `npm run build` first");
  if (!existsSync(sandboxBin)) fail(`${sandboxBin} is missing: run \`cargo build -p hedge-sandbox\` first`);
  if (!existsSync(chromiumPath)) fail(`${chromiumPath} is missing: install Debian's chromium`);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const port = await freePortPair();
  const wallets = join(tmpdir(), `hedge-e2e-${port}`);
  const sandbox = spawn(
    sandboxBin,
    ["--port", String(port), "--wallet-dir", wallets, "--withdraw-delay-s", "8",
      "--no-trader", "--metrics-addr", "127.0.0.1:0", "--summary-every-s", "3600"],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "error" } },
  );
  let server;
  let browser;
  let page;
  try {
    const rpc = `http://127.0.0.1:${port}`;
    await waitFor(async () => {
      const r = await fetch(rpc, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }),
      });
      return r.ok && existsSync(join(wallets, "sandbox.json"));
    }, "the sandbox");
    const world = JSON.parse(readFileSync(join(wallets, "sandbox.json"), "utf8"));
    const lpSecret = JSON.parse(readFileSync(join(wallets, "lp.json"), "utf8"));

    const webPort = (await freePortPair()) + 0;
    server = await serveDist(webPort);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    page.on("console", (m) => m.type() === "warning" && console.error("page:", m.text()));
    await page.addInitScript((secret) => {
      window.__HEDGE_DEV_KEYPAIR__ = secret;
    }, lpSecret);
    await page.goto(`http://127.0.0.1:${webPort}/?rpc=${encodeURIComponent(rpc)}&vault=${world.vault}`);
    await page.getByTestId("overview").waitFor({ timeout: 60_000 });

    // 1. Connect with the dev keypair wallet (offered because the endpoint is local).
    await page.getByRole("button", { name: /select wallet/i }).click();
    await page.getByRole("button", { name: /Sandbox keypair \(dev\)/ }).first().click();
    await page.getByTestId("my-shares").waitFor({ timeout: 30_000 });
    await shot(page, "overview.png");
    const shares0 = amount(await page.getByTestId("my-shares").textContent());
    const quote0 = amount(await page.getByTestId("my-quote").textContent());
    const nav0 = await page.getByTestId("ov-nav-per-share").textContent();

    // 2. Deposit 1,000, with the program's own preview, and see shares and NAV update.
    await page.getByTestId("deposit-amount").fill("1000");
    await waitFor(async () => /You receive/.test(await page.getByTestId("deposit-help").textContent()), "the deposit preview")
      .catch(async (e) => {
        console.error("deposit help:", await page.getByTestId("deposit-help").textContent());
        throw e;
      });
    await page.getByTestId("deposit-submit").click();
    await waitFor(async () => (await page.getByTestId("tx-status").first().getAttribute("data-stage")) === "done", "the deposit to land");
    await waitFor(async () => amount(await page.getByTestId("my-shares").textContent()) > shares0, "shares to update");
    const shares1 = amount(await page.getByTestId("my-shares").textContent());
    const nav1 = await page.getByTestId("ov-nav-per-share").textContent();
    if (!(shares1 > shares0)) fail(`shares did not grow: ${shares0} → ${shares1}`);
    if (!nav0 || !nav1) fail("NAV per share is not shown");

    // 3. Request a withdrawal of half the shares.
    await page.locator("section", { has: page.getByTestId("withdraw-amount") }).getByRole("button", { name: "50%" }).click();
    await waitFor(async () => /shares, worth about/.test(await page.getByTestId("withdraw-help").textContent()), "the withdrawal preview")
      .catch(async (e) => {
        console.error("withdraw help:", await page.getByTestId("withdraw-help").textContent());
        throw e;
      });
    await page.getByTestId("withdraw-submit").click();
    await page.getByTestId("my-request").waitFor({ timeout: 30_000 });
    const quote1 = amount(await page.getByTestId("my-quote").textContent());

    // 4. Wait for the sandbox's short delay, then 5. claim and see the balance back.
    await waitFor(async () => await page.getByTestId("claim").isEnabled(), "the withdrawal to become claimable", 60_000);
    await page.getByTestId("claim").click();
    await waitFor(async () => (await page.getByTestId("my-request").count()) === 0, "the claim to land");
    await waitFor(async () => amount(await page.getByTestId("my-quote").textContent()) > quote1, "the quote balance to come back");
    const quote2 = amount(await page.getByTestId("my-quote").textContent());
    if (!(quote2 > quote1)) fail(`the claim paid nothing: ${quote0} → ${quote1} → ${quote2}`);

    // 6. A deposit above the balance is refused, in words, before anything is sent.
    // A whole number: quote2 + 1e6 in floating point can grow a 7th decimal, refused first.
    await page.getByTestId("deposit-amount").fill(String(Math.ceil(quote2) + 1_000_000));
    await waitFor(async () => /more than your wallet balance/.test(await page.getByTestId("deposit-help").textContent()), "the over-balance message");
    if (await page.getByTestId("deposit-amount").getAttribute("aria-invalid") !== "true") fail("the field is not marked invalid");
    await shot(page, "deposit-error.png");

    // A phone-width view stays usable.
    await page.setViewportSize({ width: 390, height: 1600 });
    await shot(page, "phone.png");
    console.log(`e2e journey: ok (shares ${shares0} → ${shares1}; quote ${quote0} → ${quote1} → ${quote2}); screenshots in ${artifacts}`);
  } catch (e) {
    // Say what the page said (a failed transaction names the program's error) and keep a picture.
    if (page) {
      const statuses = await page.getByTestId("tx-status").allTextContents().catch(() => []);
      for (const t of statuses) console.error("e2e: transaction status on the page:", t);
      await page.screenshot({ path: join(artifacts, "failure.png"), fullPage: true }).catch(() => {});
    }
    throw e;
  } finally {
    await browser?.close();
    server?.close();
    sandbox.kill("SIGINT");
    await new Promise((r) => sandbox.once("exit", r));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
