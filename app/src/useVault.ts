// Polls the vault, its book, hedge log, oracle, share supply and the wallet's position.

import { useCallback, useEffect, useRef, useState } from "react";
import { Connection, PublicKey, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import {
  openSeries,
  vaultKeys,
  type HedgeRecord,
  type SeriesData,
  type VaultAccount,
  type VaultKeys,
  type WithdrawRequestAccount,
} from "@hedge-vault/client";
import { ringInOrder } from "./logic";
import { storedFxToNumber } from "./logic";
import { decodeClockTime, decodeOracle, mintSupply, program, tokenAccount, withdrawalPda, big, type OraclePrice } from "./chain";

/** Anchor's decoded accounts, typed from the IDL: camelCase fields, BN numbers. */
export type { HedgeRecord, SeriesData, VaultAccount, WithdrawRequestAccount };

export type VaultData = {
  key: PublicKey;
  vault: VaultAccount;
  /** Every key the vault's instructions use (the client's builders take it). */
  keys: VaultKeys;
  series: SeriesData[];
  /** The book's reference spot (QPU) and open series: sizes the first mark batch. */
  book: { refSpotQpu: number; openSeries: number };
  hedges: HedgeRecord[];
  oracle: OraclePrice | null;
  shareSupply: bigint;
  quoteTokenProgram: PublicKey;
  wallet?: {
    quote: { address: PublicKey; amount: bigint } | null;
    shares: { address: PublicKey; amount: bigint } | null;
    request: WithdrawRequestAccount | null;
    sol: number;
  };
  fetchedAt: number;
  /** The chain's Clock at `fetchedAt` (seconds), or null when unreadable. */
  chainTime: number | null;
};

export function useVault(connection: Connection, vaultKey: PublicKey | null, owner: PublicKey | null) {
  const [data, setData] = useState<VaultData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const busy = useRef(false);

  const refresh = useCallback(async () => {
    if (!vaultKey || busy.current) return;
    busy.current = true;
    setLoading(true);
    try {
      const accounts = program(connection).account;
      const vault = await accounts.vault.fetch(vaultKey);
      const [book, log, oracleAcc, supply, quoteMintAcc, clockAcc] = await Promise.all([
        accounts.optionBook.fetch(vault.book),
        accounts.hedgeLog.fetch(vault.hedgeLog),
        connection.getAccountInfo(vault.oracle, "confirmed"),
        mintSupply(connection, vault.shareMint),
        connection.getAccountInfo(vault.quoteMint, "confirmed"),
        connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY, "confirmed"),
      ]);
      const count = Number(big(log.count));
      const records: HedgeRecord[] = log.records;
      const hedges = ringInOrder(records, count);
      const quoteTokenProgram = quoteMintAcc?.owner ?? PublicKey.default;
      const out: VaultData = {
        key: vaultKey,
        vault,
        keys: vaultKeys(vaultKey, vault, quoteTokenProgram),
        series: openSeries(book),
        book: {
          refSpotQpu: storedFxToNumber({ lo: big(book.summary.refSpot.lo), hi: big(book.summary.refSpot.hi) }),
          openSeries: Number(book.summary.openSeries),
        },
        hedges,
        oracle: oracleAcc ? decodeOracle(oracleAcc.data) : null,
        shareSupply: supply,
        quoteTokenProgram,
        fetchedAt: Date.now(),
        chainTime: clockAcc ? decodeClockTime(clockAcc.data) : null,
      };
      if (owner) {
        const [quote, shares, request, sol] = await Promise.all([
          tokenAccount(connection, owner, vault.quoteMint),
          tokenAccount(connection, owner, vault.shareMint),
          accounts.withdrawRequest.fetchNullable(withdrawalPda(vaultKey, owner)),
          connection.getBalance(owner, "confirmed"),
        ]);
        out.wallet = { quote, shares, request, sol };
      }
      setData(out);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, [connection, vaultKey, owner]);

  useEffect(() => {
    setData(null);
    void refresh();
    const t = setInterval(() => void refresh(), 3000);
    return () => clearInterval(t);
  }, [refresh]);

  return { data, error, loading, refresh };
}
