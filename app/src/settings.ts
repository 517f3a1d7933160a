// Where the page reads from: the RPC endpoint and the vault, from the URL
// (?rpc=…&vault=…) or the settings panel, defaulting to the local sandbox. A page served
// by the sandbox itself finds both in its `/sandbox.json`, so one URL works.

import { PublicKey } from "@solana/web3.js";
import { isLocalEndpoint } from "./devWallet";

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
  window.history.replaceState(null, "", `?${q.toString()}${window.location.hash}`);
}

/** The endpoint and vault in a sandbox's world file (`sandbox.json`), or null. Only a
 *  local endpoint is taken: the file configures a development sandbox, never a cluster. */
export function worldSettings(world: unknown): Settings | null {
  const w = world as { rpc_url?: unknown; vault?: unknown } | null;
  if (typeof w?.rpc_url !== "string" || typeof w.vault !== "string") return null;
  const s = { rpc: w.rpc_url, vault: w.vault };
  return checkSettings(s) || !isLocalEndpoint(s.rpc) ? null : s;
}

/** The settings of the sandbox that serves this page, or null: only for a page served
 *  from this machine (a sandbox) whose URL names neither endpoint nor vault, so whoever
 *  controls a public origin cannot point the page at another node or vault. */
export async function discoverSettings(
  search: string = window.location.search,
  origin: string = window.location.origin,
): Promise<Settings | null> {
  const q = new URLSearchParams(search);
  if (q.get("vault") || q.get("rpc") || !isLocalEndpoint(origin)) return null;
  try {
    const r = await fetch(new URL("/sandbox.json", origin), { headers: { accept: "application/json" } });
    if (!r.ok) return null;
    return worldSettings(await r.json());
  } catch {
    return null;
  }
}
