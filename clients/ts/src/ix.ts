// One builder per instruction the TypeScript side sends. Each lists its accounts once,
// through Anchor's `accountsStrict` (a missing or misspelt account is a type error; the
// order comes from the IDL). Builders only encode: they never touch the network.

import { BN, type IdlTypes } from "@coral-xyz/anchor";
import { PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { offlineProgram, PROGRAM_ID, type HedgeVault } from "./idl";
import {
  ata,
  bookPda,
  eventAuthorityPda,
  positionPda,
  quoteVaultPda,
  shareEscrowPda,
  shareMintPda,
  underlyingVaultPda,
  vaultPda,
  withdrawalPda,
} from "./pda";

export type Int = bigint | number;
const bn = (v: Int) => new BN(v.toString());

/** Every key a vault's instructions use, computed once from the vault account. */
export type VaultKeys = {
  programId: PublicKey;
  vault: PublicKey;
  book: PublicKey;
  hedgeLog: PublicKey;
  oracle: PublicKey;
  dexPool: PublicKey;
  quoteMint: PublicKey;
  underlyingMint: PublicKey;
  shareMint: PublicKey;
  quoteVault: PublicKey;
  underlyingVault: PublicKey;
  shareEscrow: PublicKey;
  /** The quote mint's owner (SPL Token or Token-2022). */
  quoteTokenProgram: PublicKey;
  eventAuthority: PublicKey;
};

/** The stored keys of a decoded vault (`decodeVault`, or Anchor's `account.vault.fetch`). */
export type StoredVaultKeys = Pick<
  VaultKeys,
  | "book"
  | "hedgeLog"
  | "oracle"
  | "dexPool"
  | "quoteMint"
  | "underlyingMint"
  | "shareMint"
  | "quoteVault"
  | "underlyingVault"
  | "shareEscrow"
>;

export function vaultKeys(
  vault: PublicKey,
  stored: StoredVaultKeys,
  quoteTokenProgram: PublicKey,
  programId: PublicKey = PROGRAM_ID,
): VaultKeys {
  return {
    programId,
    vault,
    book: stored.book,
    hedgeLog: stored.hedgeLog,
    oracle: stored.oracle,
    dexPool: stored.dexPool,
    quoteMint: stored.quoteMint,
    underlyingMint: stored.underlyingMint,
    shareMint: stored.shareMint,
    quoteVault: stored.quoteVault,
    underlyingVault: stored.underlyingVault,
    shareEscrow: stored.shareEscrow,
    quoteTokenProgram,
    eventAuthority: eventAuthorityPda(programId),
  };
}

/** The event-CPI pair every instruction ends with. */
const events = (k: { programId: PublicKey; eventAuthority: PublicKey }) => ({
  eventAuthority: k.eventAuthority,
  program: k.programId,
});

// ------------------------------------------------------------------ traders

/** `buy_option`: `size` underlying atoms of `seriesId`, paying at most `maxPremium` quote
 *  atoms from `ownerQuote` (by default the owner's associated account). */
export function buyOptionIx(
  k: VaultKeys,
  owner: PublicKey,
  seriesId: Int,
  size: Int,
  maxPremium: Int,
  ownerQuote: PublicKey = ata(owner, k.quoteMint, k.quoteTokenProgram),
): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.buyOption(bn(seriesId), bn(size), bn(maxPremium))
    .accountsStrict({
      trader: owner,
      vault: k.vault,
      book: k.book,
      oracle: k.oracle,
      quoteMint: k.quoteMint,
      quoteVault: k.quoteVault,
      traderQuote: ownerQuote,
      position: positionPda(k.vault, seriesId, owner, k.programId),
      tokenProgram: k.quoteTokenProgram,
      systemProgram: SystemProgram.programId,
      ...events(k),
    })
    .instruction();
}

/** `sell_option`: sells `size` of the owner's position back for at least `minProceeds`. */
export function sellOptionIx(
  k: VaultKeys,
  owner: PublicKey,
  seriesId: Int,
  size: Int,
  minProceeds: Int,
  ownerQuote: PublicKey = ata(owner, k.quoteMint, k.quoteTokenProgram),
): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.sellOption(bn(size), bn(minProceeds))
    .accountsStrict({
      trader: owner,
      vault: k.vault,
      book: k.book,
      oracle: k.oracle,
      quoteMint: k.quoteMint,
      quoteVault: k.quoteVault,
      traderQuote: ownerQuote,
      position: positionPda(k.vault, seriesId, owner, k.programId),
      tokenProgram: k.quoteTokenProgram,
      ...events(k),
    })
    .instruction();
}

/** `exercise`: pays `owner`'s settled position in `seriesId` and closes it. Anyone may
 *  send it (`caller`, by default the owner); the payout and rent go to the owner. */
export function exerciseIx(
  k: VaultKeys,
  owner: PublicKey,
  seriesId: Int,
  caller: PublicKey = owner,
  ownerQuote: PublicKey = ata(owner, k.quoteMint, k.quoteTokenProgram),
): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.exercise()
    .accountsStrict({
      caller,
      holder: owner,
      vault: k.vault,
      book: k.book,
      quoteMint: k.quoteMint,
      quoteVault: k.quoteVault,
      holderQuote: ownerQuote,
      position: positionPda(k.vault, seriesId, owner, k.programId),
      tokenProgram: k.quoteTokenProgram,
      ...events(k),
    })
    .instruction();
}

/** `mark_series` for up to four series (anyone may mark). */
export function markSeriesIx(k: VaultKeys, caller: PublicKey, seriesIds: Int[]): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.markSeries(seriesIds.map(bn))
    .accountsStrict({ caller, vault: k.vault, book: k.book, oracle: k.oracle, ...events(k) })
    .instruction();
}

// ------------------------------------------------------------------ LPs

/** `deposit`: `amount` quote atoms from `lpQuote` for shares into `lpShares` (by default
 *  the LP's associated accounts; create the share account first if it may be missing). */
export function depositIx(
  k: VaultKeys,
  lp: PublicKey,
  amount: Int,
  lpQuote: PublicKey = ata(lp, k.quoteMint, k.quoteTokenProgram),
  lpShares: PublicKey = ata(lp, k.shareMint, k.quoteTokenProgram),
): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.deposit(bn(amount))
    .accountsStrict({
      lp,
      vault: k.vault,
      book: k.book,
      oracle: k.oracle,
      quoteMint: k.quoteMint,
      quoteVault: k.quoteVault,
      shareMint: k.shareMint,
      lpQuote,
      lpShares,
      tokenProgram: k.quoteTokenProgram,
      ...events(k),
    })
    .instruction();
}

/** `request_withdraw`: escrows `shares` from `lpShares` until the withdrawal delay passes. */
export function requestWithdrawIx(
  k: VaultKeys,
  lp: PublicKey,
  shares: Int,
  lpShares: PublicKey = ata(lp, k.shareMint, k.quoteTokenProgram),
): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.requestWithdraw(bn(shares))
    .accountsStrict({
      lp,
      vault: k.vault,
      book: k.book,
      oracle: k.oracle,
      shareMint: k.shareMint,
      shareEscrow: k.shareEscrow,
      lpShares,
      request: withdrawalPda(k.vault, lp, k.programId),
      tokenProgram: k.quoteTokenProgram,
      systemProgram: SystemProgram.programId,
      ...events(k),
    })
    .instruction();
}

/** `claim_withdraw`: burns the escrowed shares and pays their value into `lpQuote`. */
export function claimWithdrawIx(
  k: VaultKeys,
  lp: PublicKey,
  lpQuote: PublicKey = ata(lp, k.quoteMint, k.quoteTokenProgram),
): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.claimWithdraw()
    .accountsStrict({
      lp,
      vault: k.vault,
      book: k.book,
      oracle: k.oracle,
      quoteMint: k.quoteMint,
      quoteVault: k.quoteVault,
      shareMint: k.shareMint,
      shareEscrow: k.shareEscrow,
      lpQuote,
      request: withdrawalPda(k.vault, lp, k.programId),
      tokenProgram: k.quoteTokenProgram,
      ...events(k),
    })
    .instruction();
}

/** `cancel_withdraw`: returns the escrowed shares to `lpShares`. */
export function cancelWithdrawIx(
  k: VaultKeys,
  lp: PublicKey,
  lpShares: PublicKey = ata(lp, k.shareMint, k.quoteTokenProgram),
): Promise<TransactionInstruction> {
  return offlineProgram(k.programId)
    .methods.cancelWithdraw()
    .accountsStrict({
      lp,
      vault: k.vault,
      shareMint: k.shareMint,
      shareEscrow: k.shareEscrow,
      lpShares,
      request: withdrawalPda(k.vault, lp, k.programId),
      tokenProgram: k.quoteTokenProgram,
      ...events(k),
    })
    .instruction();
}

// ------------------------------------------------------------------ deployment

export type InitializeVaultArgs = IdlTypes<HedgeVault>["initializeVaultArgs"];
export type ListSeriesArgs = IdlTypes<HedgeVault>["listSeriesArgs"];

/** The keys of a vault that does not exist yet: its address is derived from the creator
 *  (who pays and becomes the authority), the two mints and the vault id. */
export type NewVault = {
  programId?: PublicKey;
  creator: PublicKey;
  vaultId: number;
  quoteMint: PublicKey;
  underlyingMint: PublicKey;
  quoteTokenProgram: PublicKey;
  underlyingTokenProgram: PublicKey;
  oracle: PublicKey;
  dexPool: PublicKey;
  /** A fresh account of the hedge log's size, owned by the program (created before). */
  hedgeLog: PublicKey;
};

/** The address `initializeVaultIx` creates. */
export const newVaultAddress = (v: Omit<NewVault, "quoteTokenProgram" | "underlyingTokenProgram" | "oracle" | "dexPool" | "hedgeLog">) =>
  vaultPda(v.creator, v.quoteMint, v.underlyingMint, v.vaultId, v.programId ?? PROGRAM_ID);

/** `initialize_vault`, paid by the creator. `args.vaultId` must equal `v.vaultId`. */
export function initializeVaultIx(v: NewVault, args: InitializeVaultArgs): Promise<TransactionInstruction> {
  const programId = v.programId ?? PROGRAM_ID;
  const vault = newVaultAddress(v);
  return offlineProgram(programId)
    .methods.initializeVault(args)
    .accountsStrict({
      authority: v.creator,
      vault,
      book: bookPda(vault, programId),
      hedgeLog: v.hedgeLog,
      quoteMint: v.quoteMint,
      underlyingMint: v.underlyingMint,
      shareMint: shareMintPda(vault, programId),
      quoteVault: quoteVaultPda(vault, programId),
      underlyingVault: underlyingVaultPda(vault, programId),
      shareEscrow: shareEscrowPda(vault, programId),
      oracle: v.oracle,
      dexPool: v.dexPool,
      quoteTokenProgram: v.quoteTokenProgram,
      underlyingTokenProgram: v.underlyingTokenProgram,
      systemProgram: SystemProgram.programId,
      eventAuthority: eventAuthorityPda(programId),
      program: programId,
    })
    .instruction();
}

/** The keys the governance and series-management instructions need. */
export type VaultRef = { programId?: PublicKey; vault: PublicKey };
const ref = (v: VaultRef) => {
  const programId = v.programId ?? PROGRAM_ID;
  return { programId, eventAuthority: eventAuthorityPda(programId) };
};

/** `set_keeper`: the authority adds (`enabled`) or removes a keeper. */
export function setKeeperIx(v: VaultRef, signer: PublicKey, keeper: PublicKey, enabled: boolean): Promise<TransactionInstruction> {
  const r = ref(v);
  return offlineProgram(r.programId)
    .methods.setKeeper(keeper, enabled)
    .accountsStrict({ signer, vault: v.vault, ...events(r) })
    .instruction();
}

/** `list_series`: the authority or risk admin lists a series in the vault's book. */
export function listSeriesIx(v: VaultRef, admin: PublicKey, args: ListSeriesArgs): Promise<TransactionInstruction> {
  const r = ref(v);
  return offlineProgram(r.programId)
    .methods.listSeries(args)
    .accountsStrict({ admin, vault: v.vault, book: bookPda(v.vault, r.programId), ...events(r) })
    .instruction();
}
