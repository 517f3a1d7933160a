// The program's events (emit_cpi!): self-CPIs whose data starts with Anchor's event tag,
// read from a transaction's or a simulation's inner instructions.

import { Buffer } from "buffer";
import { BorshEventCoder, utils } from "@coral-xyz/anchor";
import {
  Connection,
  PublicKey,
  Transaction,
  VersionedMessage,
  VersionedTransaction,
  type SimulatedTransactionResponse,
  type TransactionInstruction,
} from "@solana/web3.js";
import { IDL_JSON, PROGRAM_ID } from "./idl";

/** An event as the IDL names it (PascalCase name, snake_case fields, BN numbers). */
export type VaultEvent = { name: string; data: Record<string, unknown> };

const EVENT_TAG = Uint8Array.from([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);
const coder = new BorshEventCoder(IDL_JSON);

/** One event from an instruction's raw data, or null if it is not one. */
export function decodeEvent(raw: Uint8Array): VaultEvent | null {
  if (raw.length < 16 || !EVENT_TAG.every((b, i) => raw[i] === b)) return null;
  return coder.decode(Buffer.from(raw.subarray(8)).toString("base64")) as VaultEvent | null;
}

/** The events among base58 instruction data (e.g. `meta.innerInstructions` of a
 *  fetched transaction, flattened, with the program ids resolved). */
export function decodeEvents(ixs: { programId: PublicKey; data: string }[], programId = PROGRAM_ID): VaultEvent[] {
  const out: VaultEvent[] = [];
  for (const ix of ixs) {
    if (!ix.programId.equals(programId)) continue;
    const ev = decodeEvent(utils.bytes.bs58.decode(ix.data));
    if (ev) out.push(ev);
  }
  return out;
}

type InnerIx = { programId?: PublicKey | string; programIdIndex?: number; data?: string };

/** The events in inner instructions as an RPC answers them: partially decoded (program
 *  id, base58 data) from a simulation, or compiled (program id index into `keys`). */
export function eventsFromInner(
  inner: { instructions: InnerIx[] }[] | null | undefined,
  keys: PublicKey[],
  programId = PROGRAM_ID,
): VaultEvent[] {
  const flat: { programId: PublicKey; data: string }[] = [];
  for (const group of inner ?? []) {
    for (const ix of group.instructions) {
      const program =
        ix.programId !== undefined
          ? new PublicKey(ix.programId)
          : ix.programIdIndex !== undefined
            ? keys[ix.programIdIndex]
            : undefined;
      if (program && typeof ix.data === "string") flat.push({ programId: program, data: ix.data });
    }
  }
  return decodeEvents(flat, programId);
}

/** A simulation the program (or the runtime) refused. Its message carries the error and
 *  the logs, so `programErrorMessage` and log-reading callers can explain it. */
export class SimulationError extends Error {
  constructor(
    readonly err: unknown,
    readonly logs: string[],
  ) {
    super(`Transaction simulation failed: ${JSON.stringify(err)} ${logs.join(" ")}`);
    this.name = "SimulationError";
  }
}

/** Simulates `ixs` paid by `payer` with no signature and the node's own blockhash.
 *  Throws `SimulationError` when the transaction fails. */
export async function simulate(
  connection: Connection,
  payer: PublicKey,
  ixs: TransactionInstruction[],
): Promise<{ value: SimulatedTransactionResponse; keys: PublicKey[] }> {
  const tx = new Transaction().add(...ixs);
  tx.feePayer = payer;
  tx.recentBlockhash = (await connection.getLatestBlockhash("confirmed")).blockhash;
  const message = tx.compileMessage();
  const sim = await connection.simulateTransaction(
    new VersionedTransaction(VersionedMessage.deserialize(message.serialize())),
    { sigVerify: false, replaceRecentBlockhash: true, innerInstructions: true, commitment: "confirmed" },
  );
  if (sim.value.err) throw new SimulationError(sim.value.err, sim.value.logs ?? []);
  return { value: sim.value, keys: message.accountKeys };
}

/** The program's events from simulating `ixs` (no signature needed); throws
 *  `SimulationError` with the logs when the transaction fails. */
export async function simulateEvents(
  connection: Connection,
  payer: PublicKey,
  ixs: TransactionInstruction[],
  programId = PROGRAM_ID,
): Promise<VaultEvent[]> {
  const { value, keys } = await simulate(connection, payer, ixs);
  return eventsFromInner(value.innerInstructions, keys, programId);
}
