// Everything the page reads from and sends to the chain, through Anchor with the
// program's committed IDL (programs/hedge_vault/idl/hedge_vault.json).

import { AnchorProvider, BN, BorshEventCoder, Program, utils, type Idl } from "@coral-xyz/anchor";
import {
  Connection,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  VersionedMessage,
  VersionedTransaction,
  type Commitment,
} from "@solana/web3.js";
import type { AnchorWallet } from "@solana/wallet-adapter-react";
import idlJson from "../../programs/hedge_vault/idl/hedge_vault.json";
import type { HedgeVault } from "./idl/hedge_vault";

export const IDL = idlJson as Idl;
/** The program, typed from its IDL (`./idl/hedge_vault.ts`, generated with the IDL). */
export type VaultProgram = Program<HedgeVault>;
export const PROGRAM_ID = new PublicKey((idlJson as { address: string }).address);
const ATA_PROGRAM = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
const EVENT_TAG = Uint8Array.from([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);
const commitment: Commitment = "confirmed";

/** A read-only wallet for fetching without a connected wallet. */
const READER: AnchorWallet = {
  publicKey: PublicKey.default,
  signTransaction: async (t) => t,
  signAllTransactions: async (t) => t,
};

export function program(connection: Connection, wallet?: AnchorWallet): VaultProgram {
  return new Program(idlJson as unknown as HedgeVault, new AnchorProvider(connection, wallet ?? READER, { commitment }));
}

export function pda(seeds: (Buffer | Uint8Array)[]): PublicKey {
  return PublicKey.findProgramAddressSync(seeds, PROGRAM_ID)[0];
}

export const withdrawalPda = (vault: PublicKey, owner: PublicKey) =>
  pda([Buffer.from("withdrawal"), vault.toBuffer(), owner.toBuffer()]);

export function ata(owner: PublicKey, mint: PublicKey, tokenProgram: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), tokenProgram.toBuffer(), mint.toBuffer()],
    ATA_PROGRAM,
  )[0];
}

/** Creates `owner`'s associated token account if it is missing (idempotent). */
export function createAtaIdempotent(
  payer: PublicKey,
  owner: PublicKey,
  mint: PublicKey,
  tokenProgram: PublicKey,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: ATA_PROGRAM,
    keys: [
      { pubkey: payer, isSigner: true, isWritable: true },
      { pubkey: ata(owner, mint, tokenProgram), isSigner: false, isWritable: true },
      { pubkey: owner, isSigner: false, isWritable: false },
      { pubkey: mint, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
      { pubkey: tokenProgram, isSigner: false, isWritable: false },
    ],
    data: Buffer.from([1]),
  });
}

export type OraclePrice = { price: bigint; conf: bigint; expo: number; publishTime: number };

/** The price in a Pyth account of either format the vault reads. */
export function decodeOracle(data: Uint8Array): OraclePrice | null {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length >= 240 && dv.getUint32(0, true) === 0xa1b2c3d4) {
    // Legacy price account: expo @20, timestamp @96, aggregate price @208, conf @216.
    return {
      expo: dv.getInt32(20, true),
      publishTime: Number(dv.getBigInt64(96, true)),
      price: dv.getBigInt64(208, true),
      conf: dv.getBigUint64(216, true),
    };
  }
  if (data.length >= 100) {
    // PriceUpdateV2: 8 discriminator, 32 write authority, verification level (1 or 2
    // bytes), then the price message: feed id 32, price, conf, exponent, publish time.
    let o = 40;
    o += data[o] === 0 ? 2 : 1;
    o += 32;
    return {
      price: dv.getBigInt64(o, true),
      conf: dv.getBigUint64(o + 8, true),
      expo: dv.getInt32(o + 16, true),
      publishTime: Number(dv.getBigInt64(o + 20, true)),
    };
  }
  return null;
}

/** Token balance of `owner` in `mint` (the largest account), and its address. */
export async function tokenAccount(
  connection: Connection,
  owner: PublicKey,
  mint: PublicKey,
): Promise<{ address: PublicKey; amount: bigint } | null> {
  const r = await connection.getTokenAccountsByOwner(owner, { mint }, commitment);
  let best: { address: PublicKey; amount: bigint } | null = null;
  for (const a of r.value) {
    const amount = Buffer.from(a.account.data).readBigUInt64LE(64);
    if (!best || amount > best.amount) best = { address: a.pubkey, amount };
  }
  return best;
}

/** The Clock sysvar's `unix_timestamp` (bytes 32..40): the time the program checks
 *  delays and mark ages against, which can trail the browser's clock by a slot or more. */
export function decodeClockTime(data: Uint8Array): number | null {
  if (data.length < 40) return null;
  return Number(Buffer.from(data).readBigInt64LE(32));
}

export async function mintSupply(connection: Connection, mint: PublicKey): Promise<bigint> {
  const a = await connection.getAccountInfo(mint, commitment);
  if (!a) throw new Error(`mint ${mint.toBase58()} not found`);
  return Buffer.from(a.data).readBigUInt64LE(36);
}

type InnerIx = { programId?: PublicKey | string; programIdIndex?: number; data?: string };

/** The program's events in a simulation's inner instructions (emit_cpi!). The RPC gives
 *  them partially decoded (program id, base58 data), as a validator does. */
export function eventsFromInner(
  inner: { instructions: InnerIx[] }[] | null | undefined,
  keys: PublicKey[],
): { name: string; data: Record<string, unknown> }[] {
  const coder = new BorshEventCoder(IDL);
  const out: { name: string; data: Record<string, unknown> }[] = [];
  for (const group of inner ?? []) {
    for (const ix of group.instructions) {
      const program =
        ix.programId !== undefined
          ? new PublicKey(ix.programId)
          : ix.programIdIndex !== undefined
            ? keys[ix.programIdIndex]
            : undefined;
      if (!program?.equals(PROGRAM_ID) || typeof ix.data !== "string") continue;
      const raw = utils.bytes.bs58.decode(ix.data);
      if (raw.length < 16 || !EVENT_TAG.every((b, i) => raw[i] === b)) continue;
      const ev = coder.decode(Buffer.from(raw.slice(8)).toString("base64"));
      if (ev) out.push(ev as { name: string; data: Record<string, unknown> });
    }
  }
  return out;
}

/** Simulates `ixs` for `payer` (no signature needed) and returns the program's events,
 *  or throws the simulation's error with its logs. */
export async function simulateEvents(
  connection: Connection,
  payer: PublicKey,
  ixs: TransactionInstruction[],
): Promise<{ name: string; data: Record<string, unknown> }[]> {
  const tx = new Transaction().add(...ixs);
  tx.feePayer = payer;
  tx.recentBlockhash = (await connection.getLatestBlockhash(commitment)).blockhash;
  const message = tx.compileMessage();
  const sim = await connection.simulateTransaction(
    new VersionedTransaction(VersionedMessage.deserialize(message.serialize())),
    { sigVerify: false, replaceRecentBlockhash: true, innerInstructions: true, commitment },
  );
  if (sim.value.err) {
    const err = new Error(
      `Transaction simulation failed: ${JSON.stringify(sim.value.err)} ${(sim.value.logs ?? []).join(" ")}`,
    );
    throw err;
  }
  const keys = message.accountKeys;
  const inner = (sim.value as unknown as { innerInstructions?: { instructions: InnerIx[] }[] })
    .innerInstructions;
  return eventsFromInner(inner, keys);
}

export const bn = (v: bigint) => new BN(v.toString());
export const big = (v: unknown): bigint => {
  if (v instanceof BN) return BigInt((v as { toString(): string }).toString());
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  return BigInt(String(v));
};

/** Compute-unit limits per instruction: the README's per-instruction table at n = 32 open
 *  series with a margin of about a third (the meter is within ±10–20% of platform-tools),
 *  plus ~25k where the transaction may also create an associated token account.
 *  Simulation on the local sandbox meters nothing, so the dApp cannot measure. */
export const CU_LIMIT = {
  /** Table: ≈43k, + a share ATA. */
  deposit: 90_000,
  /** Table: ≈39k. */
  requestWithdraw: 60_000,
  /** Table: ≈42k, + a quote ATA. */
  claimWithdraw: 90_000,
  /** Table: ≈25k. */
  cancelWithdraw: 40_000,
  /** One `mark_series` call: a full batch of four ≈237k, a re-centring call ≈263k. */
  markSeries: 350_000,
} as const;

/** A `SetComputeUnitLimit` instruction of the compute-budget program. */
export function computeUnitLimit(units: number): TransactionInstruction {
  const data = Buffer.alloc(5);
  data.writeUInt8(2, 0);
  data.writeUInt32LE(units, 1);
  return new TransactionInstruction({ programId: COMPUTE_BUDGET_PROGRAM, keys: [], data });
}
const COMPUTE_BUDGET_PROGRAM = new PublicKey("ComputeBudget111111111111111111111111111111");

/** `mark_series` for up to four series, paid by `caller` (anyone may mark). */
export async function markSeriesIx(
  p: VaultProgram,
  caller: PublicKey,
  vaultKey: PublicKey,
  vault: { book: PublicKey; oracle: PublicKey },
  ids: bigint[],
): Promise<TransactionInstruction> {
  return p.methods
    .markSeries(ids.map((id) => new BN(id.toString())))
    .accountsPartial({ caller, vault: vaultKey, book: vault.book, oracle: vault.oracle })
    .instruction();
}
