// Every program-derived address of the vault program (seeds in
// programs/hedge_vault/src/state/seeds.rs), and associated token accounts.

import { Buffer } from "buffer";
import { PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";
import { PROGRAM_ID } from "./idl";

export const ATA_PROGRAM_ID = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

// `programId` defaults to the IDL's; a deployment may use another.
function find(seeds: (Buffer | Uint8Array)[], programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(seeds, programId)[0];
}

function u64(v: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

/** `["vault", creator, quote_mint, underlying_mint, vault_id u16 LE]`. */
export function vaultPda(
  creator: PublicKey,
  quoteMint: PublicKey,
  underlyingMint: PublicKey,
  id: number,
  programId = PROGRAM_ID,
): PublicKey {
  const idLe = Buffer.alloc(2);
  idLe.writeUInt16LE(id);
  return find([Buffer.from("vault"), creator.toBuffer(), quoteMint.toBuffer(), underlyingMint.toBuffer(), idLe], programId);
}

export const bookPda = (vault: PublicKey, programId = PROGRAM_ID) =>
  find([Buffer.from("book"), vault.toBuffer()], programId);
export const shareMintPda = (vault: PublicKey, programId = PROGRAM_ID) =>
  find([Buffer.from("share_mint"), vault.toBuffer()], programId);
export const quoteVaultPda = (vault: PublicKey, programId = PROGRAM_ID) =>
  find([Buffer.from("quote_vault"), vault.toBuffer()], programId);
export const underlyingVaultPda = (vault: PublicKey, programId = PROGRAM_ID) =>
  find([Buffer.from("underlying_vault"), vault.toBuffer()], programId);
export const shareEscrowPda = (vault: PublicKey, programId = PROGRAM_ID) =>
  find([Buffer.from("share_escrow"), vault.toBuffer()], programId);

/** A trader's position in one series. */
export const positionPda = (vault: PublicKey, seriesId: bigint | number, owner: PublicKey, programId = PROGRAM_ID) =>
  find([Buffer.from("position"), vault.toBuffer(), u64(seriesId), owner.toBuffer()], programId);

/** An LP's withdrawal request. */
export const withdrawalPda = (vault: PublicKey, owner: PublicKey, programId = PROGRAM_ID) =>
  find([Buffer.from("withdrawal"), vault.toBuffer(), owner.toBuffer()], programId);

/** Anchor's event-CPI authority (`emit_cpi!`). */
export const eventAuthorityPda = (programId = PROGRAM_ID) => find([Buffer.from("__event_authority")], programId);

export function ata(owner: PublicKey, mint: PublicKey, tokenProgram: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([owner.toBuffer(), tokenProgram.toBuffer(), mint.toBuffer()], ATA_PROGRAM_ID)[0];
}

/** Creates `owner`'s associated token account if it is missing (idempotent). */
export function createAtaIdempotent(
  payer: PublicKey,
  owner: PublicKey,
  mint: PublicKey,
  tokenProgram: PublicKey,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: ATA_PROGRAM_ID,
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
