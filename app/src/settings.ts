// Where the page reads from: the RPC endpoint and the vault, from the URL
// (?rpc=…&vault=…) or the settings panel, defaulting to the local sandbox.

import { PublicKey } from "@solana/web3.js";

export const DEFAULT_RPC = "http://127.0.0.1:8899";

export type Settings = { rpc: string; vault: string };

export function readSettings(search: string = window.location.search): Settings {
  const q = new URLSearchParams(search);
  return { rpc: q.get("rpc") || DEFAULT_RPC, vault: q.get("vault") || "" };
}

/** A named problem with the settings, or null. */
export function checkSettings(s: Settings): string | null {
  try {
    const u = new URL(s.rpc);
    if (u.protocol !== "http:" && u.protocol !== "https:") return "The RPC URL must start with http:// or https://.";
  } catch {
    return "The RPC URL is not a URL.";
  }
  if (!s.vault) return "Enter the vault's address.";
  try {
    new PublicKey(s.vault);
  } catch {
    return "The vault address is not a base58 public key.";
  }
  return null;
}

export function writeSettings(s: Settings) {
  const q = new URLSearchParams(window.location.search);
  q.set("rpc", s.rpc);
  q.set("vault", s.vault);
  window.history.replaceState(null, "", `?${q.toString()}`);
}
