// Drives a running sandbox with the real JavaScript clients, as a dApp would:
// @solana/web3.js (reads, airdrop, send + confirm through signatureSubscribe) and
// @coral-xyz/anchor (the program's IDL: an LP deposit and account decoding).
// Usage: node clients.mjs <rpc-url> <wallet-dir>. Exits non-zero on any mismatch.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  Transaction,
  sendAndConfirmTransaction,
} from "@solana/web3.js";
import anchor from "@coral-xyz/anchor";

const { AnchorProvider, BN, Program, Wallet } = anchor;
const [rpcUrl, walletDir] = process.argv.slice(2);
if (!rpcUrl || !walletDir) {
  console.error("usage: node clients.mjs <rpc-url> <wallet-dir>");
  process.exit(2);
}
const here = new URL(".", import.meta.url).pathname;
const idl = JSON.parse(
  readFileSync(join(here, "../../programs/hedge_vault/idl/hedge_vault.json"), "utf8"),
);
const world = JSON.parse(readFileSync(join(walletDir, "sandbox.json"), "utf8"));
const keypair = (name) =>
  Keypair.fromSecretKey(
    Uint8Array.from(JSON.parse(readFileSync(join(walletDir, `${name}.json`), "utf8"))),
  );

// web3.js derives the websocket at port + 1, where the sandbox also listens.
const connection = new Connection(rpcUrl, "confirmed");

async function main() {
  const version = await connection.getVersion();
  assert.equal(version["solana-core"], "2.3.13");
  const slot = await connection.getSlot();
  assert.ok(slot >= 0);
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
  assert.ok(blockhash.length >= 32 && lastValidBlockHeight > 0);

  // Airdrop, confirmed the way web3.js does it (signatureSubscribe + block height).
  const fresh = Keypair.generate();
  const airdrop = await connection.requestAirdrop(fresh.publicKey, 2 * LAMPORTS_PER_SOL);
  const confirmed = await connection.confirmTransaction(
    { signature: airdrop, blockhash, lastValidBlockHeight },
    "confirmed",
  );
  assert.equal(confirmed.value.err, null);
  assert.equal(await connection.getBalance(fresh.publicKey), 2 * LAMPORTS_PER_SOL);

  // A transfer through sendAndConfirmTransaction.
  const to = Keypair.generate().publicKey;
  const tx = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: fresh.publicKey, toPubkey: to, lamports: 1_000_000 }),
  );
  const sig = await sendAndConfirmTransaction(connection, tx, [fresh]);
  const fetched = await connection.getTransaction(sig, {
    commitment: "confirmed",
    maxSupportedTransactionVersion: 0,
  });
  assert.equal(fetched.meta.err, null);
  assert.equal(fetched.meta.fee, 5000);

  // A preflight failure comes back as SendTransactionError with the logs.
  const broke = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: fresh.publicKey, toPubkey: to, lamports: 1e15 }),
  );
  await assert.rejects(
    sendAndConfirmTransaction(connection, broke, [fresh]),
    (e) =>
      e instanceof SendTransactionError &&
      (e.transactionLogs ?? e.logs).some((l) => l.includes("insufficient lamports")),
  );

  // Anchor with the committed IDL: the LP deposits and receives shares.
  const lp = keypair("lp");
  const provider = new AnchorProvider(connection, new Wallet(lp), { commitment: "confirmed" });
  const program = new Program(idl, provider);
  assert.equal(program.programId.toBase58(), world.program_id);
  const vault = new PublicKey(world.vault);
  const quoteMint = new PublicKey(world.quote_mint);
  const shareMint = new PublicKey(world.share_mint);
  const owned = async (mint) =>
    (await connection.getTokenAccountsByOwner(lp.publicKey, { mint })).value[0].pubkey;
  const lpQuote = await owned(quoteMint);
  const lpShares = await owned(shareMint);
  const sharesBefore = BigInt((await connection.getTokenAccountBalance(lpShares)).value.amount);
  const [quoteVault] = PublicKey.findProgramAddressSync(
    [Buffer.from("quote_vault"), vault.toBuffer()],
    program.programId,
  );
  const depositSig = await program.methods
    .deposit(new BN(1_000_000_000))
    .accountsPartial({
      lp: lp.publicKey,
      vault,
      book: new PublicKey(world.book),
      oracle: new PublicKey(world.oracle),
      quoteMint,
      quoteVault,
      shareMint,
      lpQuote,
      lpShares,
      tokenProgram: new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"),
    })
    .rpc();
  assert.ok(depositSig.length > 40);
  const sharesAfter = BigInt((await connection.getTokenAccountBalance(lpShares)).value.amount);
  assert.ok(sharesAfter > sharesBefore, `shares ${sharesBefore} -> ${sharesAfter}`);

  // Anchor decodes the trader's position (a borsh account) from the endpoint.
  const trader = keypair("trader");
  const seriesId = new BN(world.series[0]);
  const [position] = PublicKey.findProgramAddressSync(
    [
      Buffer.from("position"),
      vault.toBuffer(),
      seriesId.toArrayLike(Buffer, "le", 8),
      trader.publicKey.toBuffer(),
    ],
    program.programId,
  );
  const pos = await program.account.position.fetch(position);
  assert.equal(pos.owner.toBase58(), trader.publicKey.toBase58());
  assert.ok(pos.size.gt(new BN(0)));
  const all = await program.account.position.all();
  assert.ok(all.length >= 1);

  console.log("node clients: ok");
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
