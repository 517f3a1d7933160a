import { describe, expect, it } from "vitest";
import { BN } from "@coral-xyz/anchor";
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { IDL_JSON, PROGRAM_ID } from "./idl";
import {
  buyOptionIx,
  cancelWithdrawIx,
  claimWithdrawIx,
  depositIx,
  exerciseIx,
  initializeVaultIx,
  listSeriesIx,
  markSeriesIx,
  newVaultAddress,
  requestWithdrawIx,
  sellOptionIx,
  setKeeperIx,
  vaultKeys,
  type InitializeVaultArgs,
} from "./ix";
import { ata, bookPda, eventAuthorityPda, positionPda, vaultPda, withdrawalPda } from "./pda";

const key = () => Keypair.generate().publicKey;
const TOKEN = new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const vault = key();
const stored = {
  book: key(), hedgeLog: key(), oracle: key(), dexPool: key(), quoteMint: key(), underlyingMint: key(),
  shareMint: key(), quoteVault: key(), underlyingVault: key(), shareEscrow: key(),
};
const k = vaultKeys(vault, stored, TOKEN);
const owner = key();

/** The instruction's accounts against the IDL's list: count, signer and writable flags. */
function matchesIdl(name: string, ix: TransactionInstruction) {
  const def = IDL_JSON.instructions.find((i) => i.name === name)!;
  expect(ix.programId.equals(PROGRAM_ID)).toBe(true);
  expect(ix.keys.length).toBe(def.accounts.length);
  def.accounts.forEach((a, i) => {
    const acc = a as { name: string; signer?: boolean; writable?: boolean };
    expect([acc.name, ix.keys[i].isSigner, ix.keys[i].isWritable]).toEqual([acc.name, !!acc.signer, !!acc.writable]);
  });
  expect(ix.data.subarray(0, 8)).toEqual(Buffer.from(def.discriminator));
  expect(ix.keys[ix.keys.length - 2].pubkey.equals(eventAuthorityPda())).toBe(true);
  expect(ix.keys[ix.keys.length - 1].pubkey.equals(PROGRAM_ID)).toBe(true);
}

/** Every account of `ix` by its IDL name, so a swapped or wrong key is caught by name
 *  (the flags above come from the same IDL; the addresses do not). */
function byName(name: string, ix: TransactionInstruction): Record<string, string> {
  const def = IDL_JSON.instructions.find((i) => i.name === name)!;
  return Object.fromEntries(def.accounts.map((a, i) => [(a as { name: string }).name, ix.keys[i].pubkey.toBase58()]));
}
const b58 = (o: Record<string, PublicKey>) => Object.fromEntries(Object.entries(o).map(([n, p]) => [n, p.toBase58()]));
const SYSTEM = new PublicKey("11111111111111111111111111111111");

describe("PDAs", () => {
  it("derive the position from the series id as a little-endian u64", () => {
    const [expected] = PublicKey.findProgramAddressSync(
      [Buffer.from("position"), vault.toBuffer(), new BN(258).toArrayLike(Buffer, "le", 8), owner.toBuffer()],
      PROGRAM_ID,
    );
    expect(positionPda(vault, 258n, owner).equals(expected)).toBe(true);
    expect(positionPda(vault, 258, owner).equals(expected)).toBe(true);
  });

  it("take another program id", () => {
    const other = key();
    expect(bookPda(vault, other).equals(bookPda(vault))).toBe(false);
    expect(vaultPda(owner, k.quoteMint, k.underlyingMint, 1, other).equals(vaultPda(owner, k.quoteMint, k.underlyingMint, 1))).toBe(false);
  });
});

describe("builders", () => {
  it("list every account of the trader's instructions as the IDL does", async () => {
    const buy = await buyOptionIx(k, owner, 7n, 10n, 99n);
    matchesIdl("buy_option", buy);
    expect(buy.keys[6].pubkey.equals(ata(owner, k.quoteMint, TOKEN))).toBe(true);
    expect(buy.keys[7].pubkey.equals(positionPda(vault, 7n, owner))).toBe(true);
    matchesIdl("sell_option", await sellOptionIx(k, owner, 7n, 10n, 1n));
    const ex = await exerciseIx(k, owner, 7n);
    matchesIdl("exercise", ex);
    expect(ex.keys[7].pubkey.equals(positionPda(vault, 7n, owner))).toBe(true);
    matchesIdl("mark_series", await markSeriesIx(k, owner, [1n, 2n]));
  });

  it("put each address where the program reads it", async () => {
    const quote = ata(owner, k.quoteMint, TOKEN);
    const shares = ata(owner, k.shareMint, TOKEN);
    const tail = { event_authority: eventAuthorityPda(), program: PROGRAM_ID };
    const trade = {
      trader: owner, vault, book: stored.book, oracle: stored.oracle, quote_mint: stored.quoteMint,
      quote_vault: stored.quoteVault, trader_quote: quote, position: positionPda(vault, 7n, owner), token_program: TOKEN,
    };
    expect(byName("buy_option", await buyOptionIx(k, owner, 7n, 10n, 99n))).toEqual(
      b58({ ...trade, system_program: SYSTEM, ...tail }),
    );
    expect(byName("sell_option", await sellOptionIx(k, owner, 7n, 10n, 1n))).toEqual(b58({ ...trade, ...tail }));
    const caller = key();
    expect(byName("exercise", await exerciseIx(k, owner, 7n, caller))).toEqual(
      b58({
        caller, holder: owner, vault, book: stored.book, quote_mint: stored.quoteMint, quote_vault: stored.quoteVault,
        holder_quote: quote, position: positionPda(vault, 7n, owner), token_program: TOKEN, ...tail,
      }),
    );
    expect(byName("deposit", await depositIx(k, owner, 1n))).toEqual(
      b58({
        lp: owner, vault, book: stored.book, oracle: stored.oracle, quote_mint: stored.quoteMint, quote_vault: stored.quoteVault,
        share_mint: stored.shareMint, lp_quote: quote, lp_shares: shares, token_program: TOKEN, ...tail,
      }),
    );
    expect(byName("claim_withdraw", await claimWithdrawIx(k, owner))).toEqual(
      b58({
        lp: owner, vault, book: stored.book, oracle: stored.oracle, quote_mint: stored.quoteMint, quote_vault: stored.quoteVault,
        share_mint: stored.shareMint, share_escrow: stored.shareEscrow, lp_quote: quote, request: withdrawalPda(vault, owner),
        token_program: TOKEN, ...tail,
      }),
    );
    expect(byName("request_withdraw", await requestWithdrawIx(k, owner, 1n))).toEqual(
      b58({
        lp: owner, vault, book: stored.book, oracle: stored.oracle, share_mint: stored.shareMint, share_escrow: stored.shareEscrow,
        lp_shares: shares, request: withdrawalPda(vault, owner), token_program: TOKEN, system_program: SYSTEM, ...tail,
      }),
    );
    expect(byName("cancel_withdraw", await cancelWithdrawIx(k, owner))).toEqual(
      b58({
        lp: owner, vault, share_mint: stored.shareMint, share_escrow: stored.shareEscrow, lp_shares: shares,
        request: withdrawalPda(vault, owner), token_program: TOKEN, ...tail,
      }),
    );
  });

  it("list every account of the LP's instructions as the IDL does", async () => {
    matchesIdl("deposit", await depositIx(k, owner, 1n));
    const req = await requestWithdrawIx(k, owner, 1n);
    matchesIdl("request_withdraw", req);
    expect(req.keys[7].pubkey.equals(withdrawalPda(vault, owner))).toBe(true);
    matchesIdl("claim_withdraw", await claimWithdrawIx(k, owner));
    matchesIdl("cancel_withdraw", await cancelWithdrawIx(k, owner));
  });

  it("build the deployment's instructions, at another program id too", async () => {
    const programId = key();
    const created = { programId, creator: owner, vaultId: 3, quoteMint: k.quoteMint, underlyingMint: k.underlyingMint };
    const riskType = IDL_JSON.types!.find((t) => t.name === "RiskParams")!.type as { fields: { name: string; type: string }[] };
    const risk = Object.fromEntries(
      riskType.fields.map((f) => [f.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), /64|128/.test(f.type) ? new BN(0) : 0]),
    );
    const init = await initializeVaultIx(
      { ...created, quoteTokenProgram: TOKEN, underlyingTokenProgram: TOKEN, oracle: k.oracle, dexPool: k.dexPool, hedgeLog: key() },
      { vaultId: 3, oracleKind: { pythLegacy: {} }, oracleFeedId: new Array(32).fill(0), guardian: owner, riskAdmin: owner, risk } as unknown as InitializeVaultArgs,
    );
    const def = IDL_JSON.instructions.find((i) => i.name === "initialize_vault")!;
    expect(init.keys.length).toBe(def.accounts.length);
    expect(init.keys[1].pubkey.equals(vaultPda(owner, k.quoteMint, k.underlyingMint, 3, programId))).toBe(true);
    expect(init.keys[2].pubkey.equals(bookPda(init.keys[1].pubkey, programId))).toBe(true);
    const vaultAt = newVaultAddress(created);
    expect(vaultAt.equals(vaultPda(owner, k.quoteMint, k.underlyingMint, 3, programId))).toBe(true);
    const keeper = await setKeeperIx({ programId, vault: vaultAt }, owner, key(), true);
    expect(keeper.programId.equals(programId)).toBe(true);
    expect(keeper.keys.map((m) => m.pubkey.toBase58())).toEqual(
      [owner, vaultAt, eventAuthorityPda(programId), programId].map((p) => p.toBase58()),
    );
    const list = await listSeriesIx({ programId, vault: vaultAt }, owner, {
      kind: 0, strike: new BN(1), strikeExpo: -8, expiry: new BN(2), ivPpm: new BN(3), maxOpenInterest: new BN(4), minTradeSize: new BN(1),
    });
    expect(list.keys[2].pubkey.equals(bookPda(vaultAt, programId))).toBe(true);
  });
});
