import { describe, expect, it } from "vitest";
import { Keypair, SystemProgram } from "@solana/web3.js";
import { CU_FLOOR, CU_FLOOR_CREATE_ATA, floorOf, MAX_COMPUTE_UNITS, priorityFee, unitLimit } from "./budget";
import { markSeriesIx, vaultKeys } from "./ix";
import { createAtaIdempotent } from "./pda";
import { PROGRAM_ID } from "./idl";

describe("compute-unit limit", () => {
  it("adds 15% and 5,000 to what simulation used, rounding up", () => {
    expect(unitLimit(100_000, 0)).toBe(120_000);
    expect(unitLimit(1, 0)).toBe(5_002);
  });

  it("never goes below the floor (a native sandbox meters about nothing)", () => {
    expect(unitLimit(0, 60_000)).toBe(60_000);
    expect(unitLimit(200, 60_000)).toBe(60_000);
    expect(unitLimit(100_000, 60_000)).toBe(120_000);
  });

  it("reads an endpoint's non-count as nothing measured", () => {
    expect(unitLimit(Number.NaN, 60_000)).toBe(60_000);
    expect(unitLimit(-5, 60_000)).toBe(60_000);
    expect(unitLimit(1.5e300, 0)).toBe(5_000);
  });

  it("never asks for more than a transaction may", () => {
    expect(unitLimit(1_300_000, 0)).toBe(MAX_COMPUTE_UNITS);
    expect(unitLimit(0, 2_000_000)).toBe(MAX_COMPUTE_UNITS);
  });
});

describe("priority fee", () => {
  it("bids the percentile of the non-zero samples", () => {
    expect(priorityFee([0, 0, 0, 10, 30, 20, 0], 50, 1_000)).toBe(20);
    expect(priorityFee([10, 20, 30, 40], 50, 1_000)).toBe(30);
    expect(priorityFee([10, 20, 30, 40], 0, 1_000)).toBe(10);
    expect(priorityFee([10, 20, 30, 40], 100, 1_000)).toBe(40);
  });

  it("ignores samples that are not whole micro-lamports", () => {
    expect(priorityFee([0.5, Number.NaN, 10, Infinity], 100, 1_000)).toBe(10);
  });

  it("bids nothing when no sample paid anything", () => {
    expect(priorityFee([], 50, 1_000)).toBe(0);
    expect(priorityFee([0, 0, 0], 50, 1_000)).toBe(0);
  });

  it("never bids above the cap", () => {
    expect(priorityFee([5_000_000, 9_000_000], 50, 50_000)).toBe(50_000);
  });
});

describe("floors", () => {
  it("are found per instruction by its discriminator", async () => {
    const P = PROGRAM_ID;
    const k = vaultKeys(P, {
      book: P, hedgeLog: P, oracle: P, dexPool: P, quoteMint: P, underlyingMint: P,
      shareMint: P, quoteVault: P, underlyingVault: P, shareEscrow: P,
    }, SystemProgram.programId);
    const payer = Keypair.generate().publicKey;
    expect(floorOf(await markSeriesIx(k, payer, [1n]))).toBe(CU_FLOOR.markSeries);
    expect(floorOf(createAtaIdempotent(payer, payer, P, SystemProgram.programId))).toBe(CU_FLOOR_CREATE_ATA);
    expect(floorOf(SystemProgram.transfer({ fromPubkey: payer, toPubkey: payer, lamports: 1 }))).toBe(0);
  });
});
