// Drives a running sandbox with the real JavaScript clients, as a dApp would:
// @solana/web3.js (reads, airdrop, send + confirm through signatureSubscribe) and
// @coral-xyz/anchor through the project's client, @hedge-vault/client (the program's
// IDL: an LP deposit with its compute budget and events, account decoding, errors).
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
import {
  decodePosition,
  decodeVault,
  depositIx,
  positionPda,
  programErrorMessage,
  simulateEvents,
  vaultKeys,
  vaultProgram,
  withComputeBudget,
} from "@hedge-vault/client";

const { Wallet } = anchor;
const [rpcUrl, walletDir] = process.argv.slice(2);
if (!rpcUrl || !walletDir) {
  console.error("usage: node clients.mjs <rpc-url> <wallet-dir>");
  process.exit(2);
}
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

  // The client over the committed IDL: the vault's keys from its account, as stored.
  const lp = keypair("lp");
  const program = vaultProgram(connection, new Wallet(lp));
  assert.equal(program.programId.toBase58(), world.program_id);
  const vault = new PublicKey(world.vault);
  const stored = decodeVault((await connection.getAccountInfo(vault)).data);
  const quoteMint = new PublicKey(world.quote_mint);
  const tokenProgram = (await connection.getAccountInfo(quoteMint)).owner;
  const keys = vaultKeys(vault, stored, tokenProgram);
  assert.equal(keys.book.toBase58(), world.book);
  assert.equal(keys.oracle.toBase58(), world.oracle);
  assert.equal(keys.shareMint.toBase58(), world.share_mint);
  assert.equal(keys.quoteMint.toBase58(), world.quote_mint);

  // The LP deposits and receives shares: the program's event in simulation first, then
  // the transaction with its compute budget (limit from simulation, at least the floor).
  const owned = async (mint) =>
    (await connection.getTokenAccountsByOwner(lp.publicKey, { mint })).value[0].pubkey;
  const lpQuote = await owned(keys.quoteMint);
  const lpShares = await owned(keys.shareMint);
  const sharesBefore = BigInt((await connection.getTokenAccountBalance(lpShares)).value.amount);
  const deposit = await depositIx(keys, lp.publicKey, 1_000_000_000n, lpQuote, lpShares);
  const events = await simulateEvents(connection, lp.publicKey, [deposit]);
  const deposited = events.find((e) => e.name === "Deposited");
  assert.ok(deposited, `events: ${events.map((e) => e.name)}`);
  const budgeted = await withComputeBudget(connection, lp.publicKey, [deposit]);
  assert.equal(budgeted.length, 3);
  const depositSig = await sendAndConfirmTransaction(connection, new Transaction().add(...budgeted), [lp]);
  assert.ok(depositSig.length > 40);
  const sharesAfter = BigInt((await connection.getTokenAccountBalance(lpShares)).value.amount);
  assert.ok(sharesAfter > sharesBefore, `shares ${sharesBefore} -> ${sharesAfter}`);
  assert.equal(sharesAfter - sharesBefore, BigInt(deposited.data.shares.toString()));

  // The program's refusal, in the IDL's words, before anything is signed.
  const zero = await depositIx(keys, lp.publicKey, 0n, lpQuote, lpShares);
  await assert.rejects(withComputeBudget(connection, lp.publicKey, [zero]), (e) => {
    assert.ok(programErrorMessage(e), `no program error in: ${e.message}`);
    return true;
  });

  // The trader's position (a borsh account), decoded by the client and by Anchor.
  const trader = keypair("trader");
  const position = positionPda(vault, BigInt(world.series[0]), trader.publicKey);
  const pos = decodePosition((await connection.getAccountInfo(position)).data);
  assert.equal(pos.owner.toBase58(), trader.publicKey.toBase58());
  assert.ok(BigInt(pos.size.toString()) > 0n);
  const viaAnchor = await program.account.position.fetch(position);
  assert.equal(viaAnchor.size.toString(), pos.size.toString());
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
