// The LP and trader journeys in a real browser (Debian's Chromium through playwright-core)
// against a local sandbox this script starts, each wallet in its own browser context:
// - trader 2 buys the short-dated series early (it expires SHORT_SERIES_S after start);
// - the LP connects, deposits, requests a withdrawal, waits for the delay, claims, and
//   sees an over-balance deposit refused in words;
// - trader 1 sees the chain, is refused a buy past the open-interest cap in words, buys
//   with the preview and a slippage limit, waits for the price to move, sells back;
// - trader 2 waits past expiry until the keeper settles, exercises and sees the payout.
// Screenshots go to app/e2e/artifacts/. Usage: node e2e/journey.mjs (after `vite build`).

import { spawn, spawnSync } from "node:child_process";
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
/** The short series' life: long enough for trader 2 to buy before the cutoff on a busy
 *  machine, short enough that the LP and trader 1 journeys cover the wait. */
const SHORT_SERIES_S = 120;
const TRADE_CUTOFF_S = 10;

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

/** Buys `size` contracts of `series` on a trader's Trade page: the program's preview,
 *  a 1% limit, sent and landed. Returns the preview's words. */
async function buy(p, series, size) {
  await p.getByTestId(`buy-${series}`).click();
  await p.getByTestId("ticket-size").fill(size);
  await p.getByTestId("ticket-tolerance").fill("1");
  await waitFor(async () => (await p.getByTestId("ticket-preview").getAttribute("data-state")) === "ok", `the buy preview of #${series}`)
    .catch(async (e) => {
      console.error("buy preview:", await p.getByTestId("ticket-preview").textContent());
      throw e;
    });
  const preview = await p.getByTestId("ticket-preview").textContent();
  if (!/You pay at most/.test(preview)) fail(`no premium limit in the preview: ${preview}`);
  await p.getByTestId("ticket-submit").click();
  await waitFor(async () => (await p.getByTestId("ticket").getByTestId("tx-status").getAttribute("data-stage")) === "done", `the buy of #${series} to land`);
  await p.getByTestId(`position-${series}`).waitFor({ timeout: 30_000 });
  return preview;
}

async function main() {
  if (!existsSync(join(dist, "index.html"))) fail("app/dist is missing: run `npm run build` first");
  if (!existsSync(sandboxBin)) fail(`${sandboxBin} is missing: run \`cargo build -p hedge-sandbox\` first`);
  if (!existsSync(chromiumPath)) fail(`${chromiumPath} is missing: install Debian's chromium`);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const port = await freePortPair();
  const wallets = join(tmpdir(), `hedge-e2e-${port}`);
  // A sandbox from before the trader journeys has neither flag: its LP journey still runs.
  const help = spawnSync(sandboxBin, ["--help"], { encoding: "utf8" }).stdout ?? "";
  const flags = [];
  if (help.includes("--short-series-s")) {
    flags.push("--short-series-s", String(SHORT_SERIES_S), "--trade-cutoff-s", String(TRADE_CUTOFF_S));
  }
  if (help.includes("--app-dir")) flags.push("--app-dir", dist);
  const sandbox = spawn(
    sandboxBin,
    ["--port", String(port), "--wallet-dir", wallets, "--withdraw-delay-s", "8",
      "--no-trader", "--metrics-addr", "127.0.0.1:0", "--summary-every-s", "3600", ...flags],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "error" } },
  );
  let server;
  let browser;
  let page;
  const pages = [];
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
    const secret = (name) => JSON.parse(readFileSync(join(wallets, `${name}.json`), "utf8"));

    // The sandbox serves the built dApp itself when it can: its bare URL finds the endpoint
    // and vault in /sandbox.json. Otherwise this script serves app/dist and names both.
    let appUrl;
    if (world.app_url) {
      appUrl = world.app_url;
    } else {
      const webPort = await freePortPair();
      server = await serveDist(webPort);
      appUrl = `http://127.0.0.1:${webPort}/?rpc=${encodeURIComponent(rpc)}&vault=${world.vault}`;
    }
    console.log(`e2e: the dApp at ${appUrl}`);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    /** A page in its own browser context (its own storage) whose dev wallet holds `name`'s
     *  keypair, opened at `hash` and connected. */
    async function walletPage(name, hash, ready) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
      const p = await context.newPage();
      pages.push(p);
      p.on("pageerror", (e) => console.error(`page error (${name}):`, e.message));
      p.on("console", (m) => m.type() === "warning" && console.error(`page (${name}):`, m.text()));
      await p.addInitScript((s) => {
        window.__HEDGE_DEV_KEYPAIR__ = s;
      }, secret(name));
      await p.goto(`${appUrl}${hash}`);
      await p.getByTestId(ready).waitFor({ timeout: 60_000 });
      // Connect with the dev keypair wallet (offered because the endpoint is local).
      await p.getByRole("button", { name: /select wallet/i }).click();
      await p.getByRole("button", { name: /Sandbox keypair \(dev\)/ }).first().click();
      return p;
    }

    // Trader 2 buys the short series first, while it still trades.
    const short = world.short_series;
    let trader2;
    if (short !== undefined && short !== null) {
      trader2 = await walletPage("trader-2", "#trade", "chain");
      await buy(trader2, short, "1");
      console.log(`e2e: trader 2 bought 1 of short series #${short}`);
    }

    page = await walletPage("lp", "", "overview");
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
    console.log(`e2e: LP ok (shares ${shares0} → ${shares1}; quote ${quote0} → ${quote1} → ${quote2})`);

    // Trader 1 (who holds the sandbox's opening trade in the first series) opens the chain.
    const trader1 = await walletPage("trader", "#trade", "chain");
    const [held, fresh] = world.series;
    await waitFor(async () => /^\d/.test(await trader1.getByTestId(`ask-${fresh}`).textContent()), "the program's ask in the chain");
    await waitFor(async () => /^\d/.test(await trader1.getByTestId(`bid-${fresh}`).textContent()), "the program's bid in the chain");
    await shot(trader1, "chain.png");

    // Past the open-interest cap (the series holds 20 of 1,000): refused in words, nothing sent.
    await trader1.getByTestId(`buy-${held}`).click();
    await trader1.getByTestId("ticket-size").fill("1000");
    await waitFor(async () => (await trader1.getByTestId("ticket-preview").getAttribute("data-state")) === "error", "the refusal");
    const refusal = await trader1.getByTestId("ticket-preview").textContent();
    if (!/open-interest cap/.test(refusal)) fail(`unexpected refusal: ${refusal}`);
    if (await trader1.getByTestId("ticket-submit").isEnabled()) fail("the refused buy can still be sent");
    await shot(trader1, "trade-refused.png");

    // Buy one contract of a fresh series with the preview and a 1% limit.
    const quoteBefore = amount(await trader1.getByTestId("trade-quote").textContent());
    const premium = await buy(trader1, fresh, "1");
    await waitFor(async () => amount(await trader1.getByTestId("trade-quote").textContent()) < quoteBefore, "the premium to leave the wallet");
    await shot(trader1, "positions-before.png");

    // The price moves (the page shows a newer oracle price), then sell it back.
    const spot = async () => (await trader1.getByTestId("trade-spot").textContent()).split(" ")[0];
    const spotAtBuy = await spot();
    await waitFor(async () => (await spot()) !== spotAtBuy, "the oracle price to move");
    await trader1.getByTestId(`sell-${fresh}`).click();
    await trader1.getByRole("button", { name: /^All/ }).click();
    await waitFor(async () => (await trader1.getByTestId("ticket-preview").getAttribute("data-state")) === "ok", "the sale preview")
      .catch(async (e) => {
        console.error("sale preview:", await trader1.getByTestId("ticket-preview").textContent());
        throw e;
      });
    const salePreview = await trader1.getByTestId("ticket-preview").textContent();
    const quoteMid = amount(await trader1.getByTestId("trade-quote").textContent());
    await trader1.getByTestId("ticket-submit").click();
    await waitFor(async () => (await trader1.getByTestId("ticket").getByTestId("tx-status").getAttribute("data-stage")) === "done", "the sale to land");
    await waitFor(async () => (await trader1.getByTestId(`position-${fresh}`).count()) === 0, "the position to close");
    await waitFor(async () => amount(await trader1.getByTestId("trade-quote").textContent()) > quoteMid, "the proceeds to arrive");
    const quoteAfter = amount(await trader1.getByTestId("trade-quote").textContent());
    await shot(trader1, "positions-after.png");
    console.log(`e2e: trader 1 ok (spot ${spotAtBuy} → ${await spot()}; ${premium} ${salePreview} Quote ${quoteBefore} → ${quoteMid} → ${quoteAfter})`);

    // Trader 2: past expiry the keeper settles the series; exercise pays the payout.
    if (!trader2) fail("trader 2's expiry journey did not run: this sandbox has no --short-series-s (rebuild it)");
    await waitFor(async () => (await trader2.getByTestId(`position-${short}`).getAttribute("data-phase")) === "settled",
      "the short series to expire and settle", (SHORT_SERIES_S + 120) * 1000);
    const payoutText = await trader2.getByTestId(`position-value-${short}`).textContent();
    const quote2Before = amount(await trader2.getByTestId("trade-quote").textContent());
    await trader2.getByTestId(`exercise-${short}`).click();
    await trader2.getByTestId("exercise-paid").waitFor({ timeout: 60_000 });
    await waitFor(async () => (await trader2.getByTestId(`position-${short}`).count()) === 0, "the exercised position to close");
    const paid = await trader2.getByTestId("exercise-paid").textContent();
    const payout = amount(paid.match(/paid ([\d,]+(?:\.\d+)?)/)?.[1]);
    if (!Number.isFinite(payout)) fail(`no payout in "${paid}"`);
    await waitFor(async () => amount(await trader2.getByTestId("trade-quote").textContent()) >= quote2Before + payout - 1e-6,
      "the payout to arrive");
    await shot(trader2, "exercise.png");
    console.log(`e2e: trader 2 ok (${payoutText}; ${paid})`);
    console.log(`e2e journey: ok; screenshots in ${artifacts}`);
  } catch (e) {
    // Say what the pages said (a failed transaction names the program's error) and keep pictures.
    for (const [i, p] of pages.entries()) {
      const statuses = await p.getByTestId("tx-status").allTextContents().catch(() => []);
      for (const t of statuses) console.error(`e2e: transaction status on page ${i + 1}:`, t);
      await p.screenshot({ path: join(artifacts, `failure-${i + 1}.png`), fullPage: true }).catch(() => {});
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
