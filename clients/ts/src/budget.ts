// Compute budget for every transaction a person signs, as the keeper does it: the limit
// from a simulation plus a margin, the price from what recent transactions on the same
// accounts paid, capped.

import { Buffer } from "buffer";
import {
  ComputeBudgetProgram,
  Connection,
  PublicKey,
  type TransactionInstruction,
} from "@solana/web3.js";
import { ATA_PROGRAM_ID } from "./pda";
import { offlineProgram, PROGRAM_ID } from "./idl";
import { simulate } from "./events";

/** The most a transaction may ask for. */
export const MAX_COMPUTE_UNITS = 1_400_000;
/** Margin over the simulated units, as the keeper's: +15% and 5,000 (the real run may
 *  take another branch, e.g. a price that moved between simulation and landing). */
export const CU_MARGIN_PCT = 15;
export const CU_MARGIN_FIXED = 5_000;
/** The default cap on the priority fee, micro-lamports per CU: half the keeper's, since
 *  a person's deposit or trade can wait a slot where a hedge cannot. A mark (350k CU)
 *  then bids at most 17,500 lamports; the endpoint reports the units, so one that lies
 *  can push the limit to 1.4M CU and the bid to at most 70,000 lamports (0.00007 SOL). */
export const DEFAULT_MAX_MICRO_LAMPORTS = 50_000;
/** The default percentile of the fee samples: the median. The keeper pays p75 to land
 *  first; a person's transaction only needs to land. */
export const DEFAULT_FEE_PERCENTILE = 50;

/** The least each instruction is given, whatever simulation says: the README's CU table
 *  at n = 32 open series with a margin of about a third (the meter is within ±10–20% of
 *  platform-tools). A native local sandbox meters nothing, so its simulation reports
 *  near zero; without this floor its transactions would ask for too little to land on a
 *  real cluster and the sandbox would not show it. Keyed by the IDL's instruction name. */
export const CU_FLOOR: Record<string, number> = {
  // Table ≈115k (first buy, creates the position).
  buyOption: 155_000,
  // Table ≈105k.
  sellOption: 140_000,
  // Table ≈25k.
  exercise: 35_000,
  // Table ≈45k.
  deposit: 60_000,
  // Table ≈39k.
  requestWithdraw: 60_000,
  // Table ≈44k.
  claimWithdraw: 65_000,
  // Table ≈25k.
  cancelWithdraw: 40_000,
  // A full batch of four ≈237k, a re-centring call ≈263k.
  markSeries: 350_000,
  // Table ≈22k.
  settleSeries: 40_000,
};
/** Creating an associated token account (the ATA program's create, idempotent or not). */
export const CU_FLOOR_CREATE_ATA = 25_000;

// Names as Anchor camel-cases them on load (the keys of CU_FLOOR).
const DISCRIMINATORS = offlineProgram().idl.instructions.map((ix) => ({ name: ix.name, tag: Buffer.from(ix.discriminator) }));

/** The floor of one instruction: the table's entry for the vault's instructions, the
 *  ATA program's for an account creation, 0 for anything else. */
export function floorOf(ix: TransactionInstruction, programId: PublicKey = PROGRAM_ID): number {
  if (ix.programId.equals(ATA_PROGRAM_ID)) return CU_FLOOR_CREATE_ATA;
  if (!ix.programId.equals(programId)) return 0;
  const found = DISCRIMINATORS.find((d) => ix.data.subarray(0, 8).equals(d.tag));
  return found ? (CU_FLOOR[found.name] ?? 0) : 0;
}

/** The limit for `simulated` units: with the margin, at least `floor`, at most the
 *  maximum a transaction may ask for. */
export function unitLimit(simulated: number, floor: number): number {
  // An endpoint's answer: anything but a count is read as nothing measured.
  if (!Number.isSafeInteger(simulated) || simulated < 0) simulated = 0;
  const withMargin = Math.ceil((simulated * (100 + CU_MARGIN_PCT)) / 100) + CU_MARGIN_FIXED;
  return Math.min(Math.max(withMargin, floor), MAX_COMPUTE_UNITS);
}

/** The price to bid from `getRecentPrioritizationFees`' samples. Each is the lowest fee
 *  that landed in a slot writing the accounts, and 0 where no such transaction landed:
 *  zeros say nothing about the price, so they are left out (as the keeper does). */
export function priorityFee(samples: number[], percentile: number, cap: number): number {
  // Whole micro-lamports only: a fraction would make SetComputeUnitPrice throw.
  const paid = samples.filter((f) => Number.isSafeInteger(f) && f > 0).sort((a, b) => a - b);
  if (paid.length === 0) return 0;
  const i = Math.min(Math.ceil(((paid.length - 1) * percentile) / 100), paid.length - 1);
  return Math.min(paid[i], cap);
}

export type ComputeBudgetOptions = {
  /** Cap on the priority fee, micro-lamports per CU. */
  maxMicroLamports?: number;
  /** Percentile (0–100) of the recent fee samples to bid. */
  percentile?: number;
  /** The program the floors apply to (the IDL's by default). */
  programId?: PublicKey;
  /** The least the limit may be, besides the instructions' own floors. */
  minUnits?: number;
};

/** `ixs` with `SetComputeUnitLimit` and `SetComputeUnitPrice` in front. The limit comes
 *  from simulating the transaction (throws `SimulationError` if it fails, so a refusal
 *  shows before anything is signed); the price from recent fees on its writable accounts,
 *  or 0 when that lookup fails (a fee estimate never blocks a send). */
export async function withComputeBudget(
  connection: Connection,
  payer: PublicKey,
  ixs: TransactionInstruction[],
  opts: ComputeBudgetOptions = {},
): Promise<TransactionInstruction[]> {
  // The budget is set here: one the caller put in would be a duplicate, which the
  // runtime refuses.
  ixs = ixs.filter((ix) => !ix.programId.equals(ComputeBudgetProgram.programId));
  const programId = opts.programId ?? PROGRAM_ID;
  const maxPrice = opts.maxMicroLamports ?? DEFAULT_MAX_MICRO_LAMPORTS;
  const percentile = opts.percentile ?? DEFAULT_FEE_PERCENTILE;
  const writable = [payer, ...ixs.flatMap((ix) => ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey))];
  const unique = writable.filter((k, i) => writable.findIndex((o) => o.equals(k)) === i);
  // Simulated with both budget instructions in place (their own units count too) and the
  // largest limit, so a big instruction is not cut off at the default 200k.
  const [sim, price] = await Promise.all([
    simulate(connection, payer, [
      ComputeBudgetProgram.setComputeUnitLimit({ units: MAX_COMPUTE_UNITS }),
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 0 }),
      ...ixs,
    ]),
    connection
      // At most 128 accounts per request.
      .getRecentPrioritizationFees({ lockedWritableAccounts: unique.slice(0, 128) })
      .then((fees) => priorityFee(fees.map((f) => f.prioritizationFee), percentile, maxPrice))
      .catch(() => 0),
  ]);
  const floor = Math.max(
    ixs.reduce((sum, ix) => sum + floorOf(ix, programId), 0),
    opts.minUnits ?? 0,
  );
  const units = unitLimit(sim.value.unitsConsumed ?? 0, floor);
  return [
    ComputeBudgetProgram.setComputeUnitLimit({ units }),
    ComputeBudgetProgram.setComputeUnitPrice({ microLamports: price }),
    ...ixs,
  ];
}
