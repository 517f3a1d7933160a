// The dApp's layer over the program's client (@hedge-vault/client, clients/ts): what the
// page reads that the program does not own (oracle, token balances, the clock), and the
// one send path every form uses (compute budget in front, progress reported).

import { BN } from "@coral-xyz/anchor";
import { Connection, PublicKey, Transaction, type TransactionInstruction } from "@solana/web3.js";
import type { AnchorWallet } from "@solana/wallet-adapter-react";
import {
  CU_FLOOR,
  CU_FLOOR_CREATE_ATA,
  vaultProgram,
  withComputeBudget,
  type VaultProgram,
} from "@hedge-vault/client";

export {
  ata,
  cancelWithdrawIx,
  claimWithdrawIx,
  createAtaIdempotent,
  depositIx,
  eventsFromInner,
  IDL,
  markSeriesIx,
  positionPda,
  programErrorMessage,
  PROGRAM_ID,
  requestWithdrawIx,
  simulateEvents,
  withdrawalPda,
  withComputeBudget,
  type VaultProgram,
} from "@hedge-vault/client";

const commitment = "confirmed";

/** The program through Anchor; without a wallet it can read, not sign. */
export const program = (connection: Connection, wallet?: AnchorWallet): VaultProgram =>
  vaultProgram(connection, wallet, { commitment });

/** The least each LP transaction asks for: the client's per-instruction floors, with an
 *  associated token account created where the form may create one. */
export const CU_LIMIT = {
  deposit: CU_FLOOR.deposit + CU_FLOOR_CREATE_ATA,
  requestWithdraw: CU_FLOOR.requestWithdraw,
  claimWithdraw: CU_FLOOR.claimWithdraw + CU_FLOOR_CREATE_ATA,
  cancelWithdraw: CU_FLOOR.cancelWithdraw,
  markSeries: CU_FLOOR.markSeries,
} as const;

export type SendStage = "signing" | "sending" | "confirming";

/** Sends `ixs` as one transaction the wallet signs, with a compute-unit limit from
 *  simulation (at least `minUnits`) and a priority fee from recent fees in front.
 *  `onStage` follows it; a refusal in simulation or on chain throws. */
export async function sendWithBudget(
  connection: Connection,
  wallet: { publicKey: PublicKey; signTransaction: (t: Transaction) => Promise<Transaction> },
  ixs: TransactionInstruction[],
  opts: { minUnits?: number; onStage?: (stage: SendStage, signature?: string) => void } = {},
): Promise<string> {
  opts.onStage?.("signing");
  const budgeted = await withComputeBudget(connection, wallet.publicKey, ixs, { minUnits: opts.minUnits });
  const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash(commitment);
  const t = new Transaction({ feePayer: wallet.publicKey, blockhash, lastValidBlockHeight }).add(...budgeted);
  const signed = await wallet.signTransaction(t);
  opts.onStage?.("sending");
  const signature = await connection.sendRawTransaction(signed.serialize());
  opts.onStage?.("confirming", signature);
  const r = await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight }, commitment);
  if (r.value.err) throw new Error(`Transaction failed: ${JSON.stringify(r.value.err)}`);
  return signature;
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

export const bn = (v: bigint) => new BN(v.toString());
export const big = (v: unknown): bigint => {
  if (v instanceof BN) return BigInt((v as { toString(): string }).toString());
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  return BigInt(String(v));
};
