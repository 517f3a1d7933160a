/**
 * What `anchor migrate` does with `migrations/deploy.ts`, for the tests (no Anchor CLI
 * here): build a provider from a cluster URL and a wallet file, then call the module's
 * exported function with it.
 *
 *   npx tsx test/anchor-migrate-shim.ts <cluster url> <wallet.json>
 */
import * as fs from "fs";
import * as path from "path";
import { AnchorProvider, Wallet } from "@coral-xyz/anchor";
import { Connection, Keypair } from "@solana/web3.js";

const [url, walletFile] = process.argv.slice(2);
const secret = JSON.parse(fs.readFileSync(walletFile, "utf8")) as number[];
const payer = Keypair.fromSecretKey(Uint8Array.from(secret));
const provider = new AnchorProvider(new Connection(url, "confirmed"), new Wallet(payer), {
  commitment: "confirmed",
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const migrate = require(path.join(__dirname, "../deploy.ts")) as (p: AnchorProvider) => Promise<void>;
migrate(provider).then(() => process.exit(process.exitCode ?? 0));
