// The program's accounts, decoded through the IDL's coder (camelCase fields, BN numbers),
// and a `Program` for Anchor's fetch helpers.

import { AnchorProvider, Program, type IdlAccounts, type IdlTypes, type Wallet } from "@coral-xyz/anchor";
import { Buffer } from "buffer";
import { Connection, PublicKey, type Commitment } from "@solana/web3.js";
import { IDL, offlineProgram, PROGRAM_ID, type HedgeVault, type VaultProgram } from "./idl";

export type VaultAccount = IdlAccounts<HedgeVault>["vault"];
export type BookAccount = IdlAccounts<HedgeVault>["optionBook"];
export type SeriesData = IdlTypes<HedgeVault>["series"];
export type PositionAccount = IdlAccounts<HedgeVault>["position"];
export type WithdrawRequestAccount = IdlAccounts<HedgeVault>["withdrawRequest"];
export type HedgeLogAccount = IdlAccounts<HedgeVault>["hedgeLog"];
export type HedgeRecord = IdlTypes<HedgeVault>["rebalanceRecord"];

// Anchor camel-cases the IDL when it loads a program; its coder names accounts so.
const coder = offlineProgram().coder.accounts;

export const decodeVault = (data: Uint8Array): VaultAccount => coder.decode("vault", Buffer.from(data));
/** The book; `series` holds every slot, free ones too (status 0). */
export const decodeBook = (data: Uint8Array): BookAccount => coder.decode("optionBook", Buffer.from(data));
export const decodePosition = (data: Uint8Array): PositionAccount => coder.decode("position", Buffer.from(data));
export const decodeWithdrawRequest = (data: Uint8Array): WithdrawRequestAccount =>
  coder.decode("withdrawRequest", Buffer.from(data));

/** The series in use (listed, settled, ...): the book without its free slots. */
export const openSeries = (book: BookAccount): SeriesData[] => book.series.filter((s) => Number(s.status) !== 0);

/** Signs nothing: for reading without a wallet. */
const READER: Wallet = {
  publicKey: PublicKey.default,
  signTransaction: async (t) => t,
  signAllTransactions: async (t) => t,
} as Wallet;

/** The program through Anchor (`account.vault.fetch`, `.all()`, `methods...rpc()`), at
 *  `programId` (the IDL's by default). Without a wallet it can read, not sign. */
export function vaultProgram(
  connection: Connection,
  wallet?: Omit<Wallet, "payer">,
  opts: { commitment?: Commitment; programId?: PublicKey } = {},
): VaultProgram {
  const programId = opts.programId ?? PROGRAM_ID;
  const provider = new AnchorProvider(connection, (wallet ?? READER) as Wallet, {
    commitment: opts.commitment ?? "confirmed",
  });
  return new Program({ ...IDL, address: programId.toBase58() }, provider);
}
