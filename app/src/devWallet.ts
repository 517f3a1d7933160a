// A development-only wallet that signs with a keypair file's secret key. It is offered
// only when the page points at a local endpoint (the sandbox), never on a real cluster.

import {
  BaseSignerWalletAdapter,
  WalletNotConnectedError,
  WalletReadyState,
  type WalletName,
} from "@solana/wallet-adapter-base";
import { Keypair, Transaction, VersionedTransaction, type PublicKey } from "@solana/web3.js";

export const DEV_WALLET_NAME = "Sandbox keypair (dev)" as WalletName<"Sandbox keypair (dev)">;
const STORAGE_KEY = "hedge-vault.dev-keypair";

declare global {
  interface Window {
    /** Set by the end-to-end test: the secret key of a sandbox keypair file. */
    __HEDGE_DEV_KEYPAIR__?: number[];
  }
}

/** True for endpoints on this machine. */
export function isLocalEndpoint(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === "127.0.0.1" || h === "localhost" || h === "[::1]";
  } catch {
    return false;
  }
}

/** Remembers a pasted keypair file (JSON array of 64 numbers) for the dev wallet. */
export function saveDevKeypair(json: string): string | null {
  try {
    const arr = JSON.parse(json);
    if (!Array.isArray(arr) || arr.length !== 64) return "A keypair file is a JSON array of 64 numbers.";
    Keypair.fromSecretKey(Uint8Array.from(arr));
    localStorage.setItem(STORAGE_KEY, JSON.stringify(arr));
    return null;
  } catch {
    return "That is not a keypair file's contents.";
  }
}

function loadSecret(): Uint8Array | null {
  const injected = typeof window !== "undefined" ? window.__HEDGE_DEV_KEYPAIR__ : undefined;
  const stored = typeof localStorage !== "undefined" ? localStorage.getItem(STORAGE_KEY) : null;
  const arr = injected ?? (stored ? JSON.parse(stored) : null);
  return arr ? Uint8Array.from(arr) : null;
}

export class DevKeypairWalletAdapter extends BaseSignerWalletAdapter {
  name = DEV_WALLET_NAME;
  url = "https://github.com/solana-labs/solana/blob/master/docs/src/cli/wallets/file-system.md";
  icon =
    "data:image/svg+xml;base64," +
    btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#444"/><text x="16" y="21" font-size="14" text-anchor="middle" fill="#fff">dev</text></svg>');
  readonly supportedTransactionVersions = new Set(["legacy", 0] as const);
  private keypair: Keypair | null = null;
  private _connecting = false;

  get publicKey(): PublicKey | null {
    return this.keypair?.publicKey ?? null;
  }
  get connecting(): boolean {
    return this._connecting;
  }
  get readyState(): WalletReadyState {
    return typeof window === "undefined" ? WalletReadyState.Unsupported : WalletReadyState.Loadable;
  }

  async connect(): Promise<void> {
    this._connecting = true;
    try {
      const secret = loadSecret();
      if (!secret) {
        throw new Error("Paste a sandbox keypair file (e.g. lp.json) in Settings first.");
      }
      this.keypair = Keypair.fromSecretKey(secret);
      this.emit("connect", this.keypair.publicKey);
    } catch (e) {
      this.emit("error", e as never);
      throw e;
    } finally {
      this._connecting = false;
    }
  }

  async disconnect(): Promise<void> {
    this.keypair = null;
    this.emit("disconnect");
  }

  async signTransaction<T extends Transaction | VersionedTransaction>(tx: T): Promise<T> {
    if (!this.keypair) throw new WalletNotConnectedError();
    if (tx instanceof VersionedTransaction) tx.sign([this.keypair]);
    else tx.partialSign(this.keypair);
    return tx;
  }
}
