/**
 * Deploy and initialise hedge vaults from a config file (Anchor's `migrations/deploy.ts`).
 *
 *   npx --prefix migrations tsx migrations/deploy.ts \
 *     --cluster <url|localnet|devnet|mainnet-beta> --keypair <payer.json> \
 *     --config <vaults.json> [--dry-run]
 *
 * or `anchor migrate` (cluster and wallet from Anchor.toml; config from
 * HEDGE_DEPLOY_CONFIG, dry run with HEDGE_DEPLOY_DRY_RUN=1).
 *
 * For each vault in the config it creates what is missing (the vault with its hedge log,
 * then keepers, then series) and verifies what exists against the config, field by field.
 * Any mismatch is reported and nothing at all is changed: risk parameters of a live vault
 * change only through governance (`propose_risk_params` + timelock), never here.
 * Running it twice changes nothing the second time.
 *
 * Exit codes: 0 done (or nothing to do), 1 mismatches found (nothing changed),
 * 2 bad flags, config or cluster (nothing changed).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnchorProvider, BN, Idl, Wallet } from "@coral-xyz/anchor";
import {
  ComputeBudgetProgram,
  Connection,
  Keypair,
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SystemProgram,
  Transaction,
  TransactionInstruction,
} from "@solana/web3.js";
import {
  bookPda,
  IDL_JSON,
  initializeVaultIx,
  listSeriesIx,
  newVaultAddress,
  setKeeperIx,
  vaultProgram,
  type InitializeVaultArgs,
  type VaultProgram,
} from "@hedge-vault/client";

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
/** Strikes are stored like Pyth prices: mantissa × 10^-8 unless the config needs finer. */
const STRIKE_EXPO = -8;
/** Compute-unit limit of a small governance instruction (`set_keeper`, `list_series`:
 *  no pricing, one account write and an event; see the README's CU table). Vault
 *  creation asks for 400,000 (six account creations by CPI). */
const CU_SMALL = 60_000;

/** A problem with the flags, the config or the cluster: exit 2, nothing changed. */
export class DeployError extends Error {}

// ------------------------------------------------------------------ config

export interface SeriesConfig {
  kind: "call" | "put";
  /** Decimal quote units per underlying unit, e.g. "110" or "0.25". */
  strike: string;
  /** ISO date or unix seconds. */
  expiry: string | number;
  ivPpm: number;
  /** Underlying atoms. */
  maxOpenInterest: string | number;
  /** Smallest trade, underlying atoms (1 ≤ minTradeSize ≤ maxOpenInterest). */
  minTradeSize: string | number;
}

export interface VaultConfig {
  name: string;
  vaultId: number;
  quoteMint: PublicKey;
  underlyingMint: PublicKey;
  oracle: PublicKey;
  oracleKind: "pythLegacy" | "pythPullV2";
  feedId: number[];
  dexPool: PublicKey;
  /** Defaults to the payer. */
  authority: PublicKey | null;
  guardian: PublicKey | null;
  riskAdmin: PublicKey | null;
  /** camelCase RiskParams field → value. */
  risk: Map<string, bigint>;
  keepers: PublicKey[];
  series: { kind: number; mantissa: bigint; expo: number; expiry: number; ivPpm: bigint; maxOpenInterest: bigint; minTradeSize: bigint; label: string }[];
}

export interface DeployConfig {
  programId: PublicKey;
  vaults: VaultConfig[];
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The RiskParams fields in order, with whether each is signed, from the IDL. */
function riskFields(idl: Idl): { name: string; signed: boolean }[] {
  const t = idl.types!.find((t) => t.name === "RiskParams")!;
  const fields = (t.type as { fields: { name: string; type: string }[] }).fields;
  return fields.map((f) => ({ name: camel(f.name), signed: f.type.startsWith("i") }));
}

/** Parses and checks a config; every problem is named with its path. */
export function parseConfig(raw: unknown, idl: Idl): DeployConfig {
  const problems: string[] = [];
  const at = (p: string, msg: string) => problems.push(`${p}: ${msg}`);
  const obj = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const key = (v: unknown, p: string, optional = false): PublicKey | null => {
    if (optional && (v === undefined || v === null)) return null;
    if (typeof v !== "string") {
      at(p, "expected a base58 public key");
      return null;
    }
    try {
      return new PublicKey(v);
    } catch {
      at(p, `not a public key: ${JSON.stringify(v)}`);
      return null;
    }
  };
  const int = (v: unknown, p: string, min: bigint, max: bigint): bigint | null => {
    if (!(typeof v === "number" && Number.isSafeInteger(v)) && !(typeof v === "string" && /^-?\d+$/.test(v))) {
      at(p, "expected an integer (a string for values past 2^53)");
      return null;
    }
    const b = BigInt(v);
    if (b < min || b > max) {
      at(p, `out of range [${min}, ${max}]`);
      return null;
    }
    return b;
  };
  const unknownKeys = (o: Record<string, unknown>, allowed: string[], p: string) => {
    for (const k of Object.keys(o)) {
      if (!k.startsWith("$") && !allowed.includes(k)) at(`${p}.${k}`, "unknown key");
    }
  };

  if (!obj(raw)) throw new DeployError("config: expected a JSON object");
  unknownKeys(raw, ["programId", "vaults"], "config");
  const programId = key(raw.programId ?? idl.address, "programId");
  const vaults: VaultConfig[] = [];
  if (!Array.isArray(raw.vaults) || raw.vaults.length === 0) at("vaults", "expected a non-empty list");
  const fields = riskFields(idl);
  ((raw.vaults as unknown[]) ?? []).forEach((v, i) => {
    const p = `vaults[${i}]`;
    if (!obj(v)) return at(p, "expected an object");
    unknownKeys(v, ["name", "vaultId", "quoteMint", "underlyingMint", "oracle", "dexPool", "authority", "guardian", "riskAdmin", "risk", "keepers", "series"], p);
    const o = obj(v.oracle) ? v.oracle : {};
    if (!obj(v.oracle)) at(`${p}.oracle`, "expected { account, kind, feedId? }");
    unknownKeys(o, ["account", "kind", "feedId"], `${p}.oracle`);
    const kind = o.kind;
    if (kind !== "pythLegacy" && kind !== "pythPullV2") at(`${p}.oracle.kind`, 'expected "pythLegacy" or "pythPullV2"');
    let feedId = new Array(32).fill(0);
    if (o.feedId !== undefined && o.feedId !== null) {
      if (typeof o.feedId !== "string" || !/^(0x)?[0-9a-fA-F]{64}$/.test(o.feedId)) at(`${p}.oracle.feedId`, "expected 32 bytes of hex");
      else feedId = [...Buffer.from(o.feedId.replace(/^0x/, ""), "hex")];
    } else if (kind === "pythPullV2") at(`${p}.oracle.feedId`, "required for pythPullV2");
    const risk = new Map<string, bigint>();
    if (!obj(v.risk)) at(`${p}.risk`, "expected an object with every RiskParams field");
    else {
      unknownKeys(v.risk, fields.map((f) => f.name), `${p}.risk`);
      for (const f of fields) {
        if (!(f.name in v.risk)) {
          at(`${p}.risk.${f.name}`, "missing (every field is required: no silent defaults)");
          continue;
        }
        const b = int(v.risk[f.name], `${p}.risk.${f.name}`, f.signed ? I64_MIN : 0n, f.signed ? I64_MAX : U64_MAX);
        if (b !== null) risk.set(f.name, b);
      }
    }
    const keepers = Array.isArray(v.keepers) ? v.keepers.map((k, j) => key(k, `${p}.keepers[${j}]`)) : [];
    if (!Array.isArray(v.keepers)) at(`${p}.keepers`, "expected a list of public keys");
    if (keepers.length > 8) at(`${p}.keepers`, "at most 8 keepers");
    const series: VaultConfig["series"] = [];
    if (!Array.isArray(v.series)) at(`${p}.series`, "expected a list");
    ((v.series as unknown[]) ?? []).forEach((s, j) => {
      const q = `${p}.series[${j}]`;
      if (!obj(s)) return at(q, "expected an object");
      unknownKeys(s, ["kind", "strike", "expiry", "ivPpm", "maxOpenInterest", "minTradeSize"], q);
      if (s.kind !== "call" && s.kind !== "put") at(`${q}.kind`, 'expected "call" or "put"');
      const strike = typeof s.strike === "string" ? s.strike : String(s.strike);
      const m = /^(\d+)(?:\.(\d+))?$/.exec(strike);
      if (!m || /^0*(\.0*)?$/.test(strike)) at(`${q}.strike`, "expected a positive decimal, e.g. \"110.5\"");
      const frac = m?.[2] ?? "";
      const expo = Math.min(STRIKE_EXPO, -frac.length);
      const mantissa = m ? BigInt(m[1] + frac) * 10n ** BigInt(-expo - frac.length) : 0n;
      if (mantissa > I64_MAX) at(`${q}.strike`, "too many digits");
      const expiry = typeof s.expiry === "number" ? s.expiry : Date.parse(String(s.expiry)) / 1000;
      if (!Number.isSafeInteger(expiry)) at(`${q}.expiry`, "expected unix seconds or an ISO date with time zone");
      const iv = int(s.ivPpm, `${q}.ivPpm`, 1n, U64_MAX);
      const oi = int(s.maxOpenInterest, `${q}.maxOpenInterest`, 1n, U64_MAX);
      const minTrade = int(s.minTradeSize, `${q}.minTradeSize`, 1n, oi ?? U64_MAX);
      series.push({
        kind: s.kind === "put" ? 1 : 0,
        mantissa,
        expo,
        expiry,
        ivPpm: iv ?? 0n,
        maxOpenInterest: oi ?? 0n,
        minTradeSize: minTrade ?? 0n,
        label: `${s.kind} ${strike} @ ${new Date(expiry * 1000).toISOString()}`,
      });
    });
    const vaultId = int(v.vaultId ?? 0, `${p}.vaultId`, 0n, 65535n);
    vaults.push({
      name: typeof v.name === "string" ? v.name : `vault ${i}`,
      vaultId: Number(vaultId ?? 0n),
      quoteMint: key(v.quoteMint, `${p}.quoteMint`)!,
      underlyingMint: key(v.underlyingMint, `${p}.underlyingMint`)!,
      oracle: key(o.account, `${p}.oracle.account`)!,
      oracleKind: kind as VaultConfig["oracleKind"],
      feedId,
      dexPool: key(v.dexPool, `${p}.dexPool`)!,
      authority: key(v.authority, `${p}.authority`, true),
      guardian: key(v.guardian, `${p}.guardian`, true),
      riskAdmin: key(v.riskAdmin, `${p}.riskAdmin`, true),
      risk,
      keepers: keepers.filter((k): k is PublicKey => k !== null),
      series,
    });
  });
  if (problems.length > 0) throw new DeployError(`config has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  return { programId: programId!, vaults };
}

// ------------------------------------------------------------------ plan

export interface Mismatch {
  vault: string;
  field: string;
  want: string;
  have: string;
}

export interface Action {
  vault: string;
  what: string;
  ixs: TransactionInstruction[];
  signers: Keypair[];
}

/** Value of mantissa × 10^expo as a comparable (numerator at a common exponent). */
function sameDecimal(m1: bigint, e1: number, m2: bigint, e2: number): boolean {
  const e = Math.min(e1, e2);
  return m1 * 10n ** BigInt(e1 - e) === m2 * 10n ** BigInt(e2 - e);
}

const big = (v: { toString(): string }) => BigInt(v.toString());

/** Reads the chain and decides: actions to take, or mismatches to report. */
export async function plan(
  program: VaultProgram,
  connection: Connection,
  payer: PublicKey,
  cfg: DeployConfig,
  now: number,
): Promise<{ actions: Action[]; mismatches: Mismatch[]; matched: string[] }> {
  const actions: Action[] = [];
  const mismatches: Mismatch[] = [];
  const matched: string[] = [];
  const programId = cfg.programId;
  const fields = riskFields(IDL_JSON);
  const accounts = program.account as Record<string, { fetchNullable(k: PublicKey): Promise<Record<string, unknown> | null>; fetch(k: PublicKey): Promise<Record<string, unknown>>; size: number }>;

  const info = await connection.getAccountInfo(cfg.programId);
  if (!info || !info.executable) {
    throw new DeployError(`program ${cfg.programId.toBase58()} is not deployed on this cluster: build and deploy it first (\`anchor build && anchor deploy\`, see the README)`);
  }

  for (const v of cfg.vaults) {
    const miss = (field: string, want: unknown, have: unknown) =>
      mismatches.push({ vault: v.name, field, want: String(want), have: String(have) });
    const authority = v.authority ?? payer;
    const guardian = v.guardian ?? payer;
    const riskAdmin = v.riskAdmin ?? payer;
    // The creator (this payer, who becomes the first authority) is a seed: nobody else
    // can take this vault's address.
    const created = { programId, creator: payer, vaultId: v.vaultId, quoteMint: v.quoteMint, underlyingMint: v.underlyingMint };
    const vault = newVaultAddress(created);
    const book = bookPda(vault, programId);

    // What the vault points at must exist, whatever state the vault is in.
    const [quoteInfo, underlyingInfo, oracleInfo, poolInfo] = await connection.getMultipleAccountsInfo([
      v.quoteMint,
      v.underlyingMint,
      v.oracle,
      v.dexPool,
    ]);
    const missing = [
      [quoteInfo, "quoteMint", v.quoteMint],
      [underlyingInfo, "underlyingMint", v.underlyingMint],
      [oracleInfo, "oracle.account", v.oracle],
      [poolInfo, "dexPool", v.dexPool],
    ].filter(([i]) => !i);
    if (missing.length > 0) {
      throw new DeployError(
        `${v.name}: not on this cluster: ${missing.map(([, n, k]) => `${n} ${(k as PublicKey).toBase58()}`).join(", ")}`,
      );
    }

    const onChain = await accounts.vault.fetchNullable(vault);
    let keepersOnChain: PublicKey[] = [];
    let seriesOnChain: Record<string, unknown>[] = [];
    const mine: Action[] = [];
    if (!onChain) {
      if (!authority.equals(payer)) {
        miss("authority", authority.toBase58(), `${payer.toBase58()} (the payer creates the vault and becomes its authority)`);
        continue;
      }
      const hedgeLog = Keypair.generate();
      const space = accounts.hedgeLog.size;
      const rent = await connection.getMinimumBalanceForRentExemption(space);
      const risk: Record<string, BN> = {};
      for (const f of fields) risk[f.name] = new BN(v.risk.get(f.name)!.toString());
      const args = {
        vaultId: v.vaultId,
        oracleKind: v.oracleKind === "pythLegacy" ? { pythLegacy: {} } : { pythPullV2: {} },
        oracleFeedId: v.feedId,
        guardian,
        riskAdmin,
        risk,
      } as InitializeVaultArgs;
      const init = await initializeVaultIx(
        {
          ...created,
          quoteTokenProgram: quoteInfo!.owner,
          underlyingTokenProgram: underlyingInfo!.owner,
          oracle: v.oracle,
          dexPool: v.dexPool,
          hedgeLog: hedgeLog.publicKey,
        },
        args,
      );
      mine.push({
        vault: v.name,
        what: `create vault ${vault.toBase58()} (id ${v.vaultId}, hedge log ${hedgeLog.publicKey.toBase58()})`,
        ixs: [
          ComputeBudgetProgram.setComputeUnitLimit({ units: 400_000 }),
          SystemProgram.createAccount({
            fromPubkey: payer,
            newAccountPubkey: hedgeLog.publicKey,
            lamports: rent,
            space,
            programId: cfg.programId,
          }),
          init,
        ],
        signers: [hedgeLog],
      });
    } else {
      const check = (field: string, want: string, have: string) => {
        if (want !== have) miss(field, want, have);
      };
      const b58 = (k: unknown) => (k as PublicKey).toBase58();
      check("authority", authority.toBase58(), b58(onChain.authority));
      check("guardian", guardian.toBase58(), b58(onChain.guardian));
      check("riskAdmin", riskAdmin.toBase58(), b58(onChain.riskAdmin));
      check("quoteMint", v.quoteMint.toBase58(), b58(onChain.quoteMint));
      check("underlyingMint", v.underlyingMint.toBase58(), b58(onChain.underlyingMint));
      check("oracle.account", v.oracle.toBase58(), b58(onChain.oracle));
      check("oracle.kind", v.oracleKind, Number(onChain.oracleKind) === 0 ? "pythLegacy" : "pythPullV2");
      check("oracle.feedId", Buffer.from(v.feedId).toString("hex"), Buffer.from(onChain.oracleFeedId as number[]).toString("hex"));
      check("dexPool", v.dexPool.toBase58(), b58(onChain.dexPool));
      const risk = onChain.risk as Record<string, { toString(): string }>;
      for (const f of fields) check(`risk.${f.name}`, v.risk.get(f.name)!.toString(), risk[f.name].toString());
      keepersOnChain = (onChain.keepers as PublicKey[]).filter((k) => !k.equals(PublicKey.default));
      for (const k of keepersOnChain) {
        if (!v.keepers.some((c) => c.equals(k))) miss("keepers", "(not listed)", `${k.toBase58()} is registered on chain`);
      }
      const bookData = await accounts.optionBook.fetch(book);
      seriesOnChain = (bookData.series as Record<string, unknown>[]).filter((s) => Number(s.status) !== 0);
    }

    // Keepers the config lists and the vault lacks.
    for (const k of v.keepers) {
      if (keepersOnChain.some((c) => c.equals(k))) continue;
      if (!authority.equals(payer)) {
        miss("keepers", k.toBase58(), "missing, and only the authority may add it (the payer is not)");
        continue;
      }
      const ix = await setKeeperIx({ programId, vault }, payer, k, true);
      mine.push({ vault: v.name, what: `add keeper ${k.toBase58()}`, ixs: [ComputeBudgetProgram.setComputeUnitLimit({ units: CU_SMALL }), ix], signers: [] });
    }

    // Series: matched on kind, strike value and expiry; the rest must agree.
    for (const s of v.series) {
      const found = seriesOnChain.find(
        (c) =>
          Number(c.kind) === s.kind &&
          Number(big(c.expiry as BN)) === s.expiry &&
          sameDecimal(big(c.strike as BN), Number(c.strikeExpo), s.mantissa, s.expo),
      );
      if (found) {
        if (big(found.ivPpm as BN) !== s.ivPpm) miss(`series ${s.label} ivPpm`, s.ivPpm, big(found.ivPpm as BN));
        if (big(found.maxOpenInterest as BN) !== s.maxOpenInterest)
          miss(`series ${s.label} maxOpenInterest`, s.maxOpenInterest, big(found.maxOpenInterest as BN));
        if (big(found.minTradeSize as BN) !== s.minTradeSize)
          miss(`series ${s.label} minTradeSize`, s.minTradeSize, big(found.minTradeSize as BN));
        continue;
      }
      if (s.expiry <= now) {
        miss(`series ${s.label}`, "listed", "not listed, and its expiry has passed");
        continue;
      }
      if (!payer.equals(authority) && !payer.equals(riskAdmin)) {
        miss(`series ${s.label}`, "listed", "missing, and only the authority or risk admin may list it");
        continue;
      }
      const ix = await listSeriesIx({ programId, vault }, payer, {
        kind: s.kind,
        strike: new BN(s.mantissa.toString()),
        strikeExpo: s.expo,
        expiry: new BN(s.expiry),
        ivPpm: new BN(s.ivPpm.toString()),
        maxOpenInterest: new BN(s.maxOpenInterest.toString()),
        minTradeSize: new BN(s.minTradeSize.toString()),
      });
      mine.push({ vault: v.name, what: `list series ${s.label}`, ixs: [ComputeBudgetProgram.setComputeUnitLimit({ units: CU_SMALL }), ix], signers: [] });
    }
    if (mine.length === 0 && !mismatches.some((m) => m.vault === v.name)) matched.push(v.name);
    actions.push(...mine);
  }
  return { actions, mismatches, matched };
}

// ------------------------------------------------------------------ run

export interface RunOptions {
  provider: AnchorProvider;
  payer: Keypair;
  config: DeployConfig;
  dryRun: boolean;
  log: (line: string) => void;
}

/** Plans, reports, and (unless a dry run or a mismatch) applies. Returns the exit code. */
export async function run(opts: RunOptions): Promise<number> {
  const { provider, payer, config, dryRun, log } = opts;
  const program = vaultProgram(provider.connection, provider.wallet, { programId: config.programId });
  // The chain's own time (the Clock sysvar's unix_timestamp, at byte 32).
  const clock = await provider.connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  if (!clock) throw new DeployError("the cluster returned no Clock sysvar");
  const now = Number(clock.data.readBigInt64LE(32));
  const { actions, mismatches, matched } = await plan(program, provider.connection, payer.publicKey, config, now);

  for (const name of matched) log(`ok: ${name} matches the config`);
  if (mismatches.length > 0) {
    log(`mismatch: ${mismatches.length} field(s) differ from the config; nothing was changed`);
    for (const m of mismatches) log(`mismatch: ${m.vault}: ${m.field}: config ${m.want}, chain ${m.have}`);
    return 1;
  }
  if (actions.length === 0) {
    log(`nothing to do: ${config.vaults.length} vault(s) match the config`);
    return 0;
  }
  for (const a of actions) log(`${dryRun ? "plan" : "apply"}: ${a.vault}: ${a.what}`);
  if (dryRun) {
    log(`dry run: ${actions.length} action(s) planned, nothing sent`);
    return 0;
  }
  for (const a of actions) {
    const tx = new Transaction().add(...a.ixs);
    const sig = await provider.sendAndConfirm(tx, a.signers, { commitment: "confirmed" });
    log(`done: ${a.vault}: ${a.what} (${sig})`);
  }
  // Read back: everything now matches.
  const after = await plan(program, provider.connection, payer.publicKey, config, now);
  if (after.actions.length > 0 || after.mismatches.length > 0) {
    throw new DeployError(`after applying, the chain still differs from the config (${after.actions.length} action(s), ${after.mismatches.length} mismatch(es))`);
  }
  log(`applied ${actions.length} action(s); verified against the config`);
  return 0;
}

function loadKeypair(file: string): Keypair {
  const p = file.startsWith("~") ? path.join(os.homedir(), file.slice(1)) : file;
  let bytes: unknown;
  try {
    bytes = JSON.parse(fs.readFileSync(p, "utf8"));
  } catch (e) {
    throw new DeployError(`--keypair ${file}: cannot read a keypair file (${(e as Error).message})`);
  }
  if (!Array.isArray(bytes) || bytes.length !== 64) throw new DeployError(`--keypair ${file}: expected a JSON array of 64 bytes`);
  return Keypair.fromSecretKey(Uint8Array.from(bytes as number[]));
}

function loadConfig(file: string): DeployConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new DeployError(`--config ${file}: cannot read JSON (${(e as Error).message})`);
  }
  return parseConfig(raw, IDL_JSON);
}

const CLUSTERS: Record<string, string> = {
  localnet: "http://127.0.0.1:8899",
  devnet: "https://api.devnet.solana.com",
  "mainnet-beta": "https://api.mainnet-beta.solana.com",
};

const USAGE = `usage: deploy.ts --cluster <url|localnet|devnet|mainnet-beta> --keypair <file> --config <file> [--dry-run]`;

export function parseArgs(argv: string[]): { cluster: string; keypair: string; config: string; dryRun: boolean } {
  const out = { cluster: "", keypair: "", config: "", dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new DeployError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--cluster" || a === "-u") out.cluster = value();
    else if (a === "--keypair" || a === "-k") out.keypair = value();
    else if (a === "--config" || a === "-c") out.config = value();
    else if (a === "--dry-run") out.dryRun = true;
    else if (a === "--help" || a === "-h") throw new DeployError(USAGE);
    else throw new DeployError(`unknown flag ${a}\n${USAGE}`);
  }
  for (const [flag, v] of [["--cluster", out.cluster], ["--keypair", out.keypair], ["--config", out.config]]) {
    if (!v) throw new DeployError(`${flag} is required\n${USAGE}`);
  }
  out.cluster = CLUSTERS[out.cluster] ?? out.cluster;
  if (!/^https?:\/\//.test(out.cluster)) throw new DeployError(`--cluster ${out.cluster}: expected a URL or localnet/devnet/mainnet-beta`);
  return out;
}

async function withCodes(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof DeployError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    if (process.env.HEDGE_DEPLOY_DEBUG) console.error((e as Error).stack);
    const msg = (e as Error).message ?? String(e);
    console.error(`error: ${/fetch failed|ECONNREFUSED|ENOTFOUND/.test(msg) ? "the cluster did not answer: " : ""}${msg}`);
    return 2;
  }
}

/** `anchor migrate` entry: cluster and wallet from Anchor.toml. */
module.exports = async function (provider: AnchorProvider) {
  const code = await withCodes(async () => {
    const file = process.env.HEDGE_DEPLOY_CONFIG;
    if (!file) {
      throw new DeployError(
        "anchor migrate: set HEDGE_DEPLOY_CONFIG to your vaults config (start from migrations/config/example.json)",
      );
    }
    const payer = (provider.wallet as Wallet).payer;
    return run({ provider, payer, config: loadConfig(file), dryRun: process.env.HEDGE_DEPLOY_DRY_RUN === "1", log: console.log });
  });
  if (code !== 0) process.exitCode = code;
};

if (require.main === module) {
  withCodes(async () => {
    const args = parseArgs(process.argv.slice(2));
    const payer = loadKeypair(args.keypair);
    const config = loadConfig(args.config);
    const connection = new Connection(args.cluster, "confirmed");
    const provider = new AnchorProvider(connection, new Wallet(payer), { commitment: "confirmed" });
    return run({ provider, payer, config, dryRun: args.dryRun, log: console.log });
  }).then((code) => process.exit(code));
}
