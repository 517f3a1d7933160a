// The program's committed IDL and its TypeScript type, both generated from the program
// by `scripts/idl.sh write` (the type lives with the dApp, where that script writes it).

import { PublicKey } from "@solana/web3.js";
import { Program, type Idl, type Provider } from "@coral-xyz/anchor";
import idlJson from "../../../programs/hedge_vault/idl/hedge_vault.json";
import type { HedgeVault } from "../../../app/src/idl/hedge_vault";

export type { HedgeVault };
export type VaultProgram = Program<HedgeVault>;
/** The IDL as committed (snake_case names, as the event coder reads them). */
export const IDL_JSON: Idl = idlJson as Idl;
/** The IDL typed for `Program<HedgeVault>` (Anchor camel-cases it on load). */
export const IDL = idlJson as unknown as HedgeVault;
export const PROGRAM_ID = new PublicKey(idlJson.address);

const offline = new Map<string, VaultProgram>();

/** The program at `programId` (a deployment may use another id than the IDL's), for
 *  encoding and decoding only: it has no connection and sends nothing. */
export function offlineProgram(programId: PublicKey = PROGRAM_ID): VaultProgram {
  let p = offline.get(programId.toBase58());
  if (!p) {
    p = new Program({ ...IDL, address: programId.toBase58() }, {} as Provider);
    offline.set(programId.toBase58(), p);
  }
  return p;
}
