import { useEffect, useMemo, useState } from "react";
import { ConnectionProvider, WalletProvider, useConnection, useWallet } from "@solana/wallet-adapter-react";
import { WalletModalProvider, WalletMultiButton } from "@solana/wallet-adapter-react-ui";
import { PublicKey } from "@solana/web3.js";
import { DevKeypairWalletAdapter, isLocalEndpoint, saveDevKeypair } from "./devWallet";
import { checkSettings, discoverSettings, readSettings, writeSettings, type Settings } from "./settings";
import { useVault } from "./useVault";
import { Governance, Overview, SeriesTable } from "./components/Overview";
import { HedgeChart } from "./components/HedgeChart";
import { DepositForm, MyPosition, WithdrawForm } from "./components/Actions";
import { TradePage } from "./components/Trade";

export function App() {
  const [settings, setSettings] = useState<Settings>(() => readSettings());
  const onSettings = (s: Settings) => {
    writeSettings(s);
    setSettings(s);
  };
  // A page served by the sandbox without ?vault= takes the sandbox's own endpoint and vault.
  useEffect(() => {
    // Not over settings the user saved meanwhile.
    void discoverSettings().then(
      (s) => s && !new URLSearchParams(window.location.search).get("vault") && onSettings(s),
    );
  }, []);
  // Standard wallets (Phantom, Solflare, Backpack…) are detected by the provider through
  // the Wallet Standard; the dev keypair wallet exists only for a local endpoint.
  const wallets = useMemo(
    () => (isLocalEndpoint(settings.rpc) ? [new DevKeypairWalletAdapter()] : []),
    [settings.rpc],
  );
  return (
    <ConnectionProvider endpoint={settings.rpc} config={{ commitment: "confirmed" }}>
      <WalletProvider wallets={wallets} autoConnect>
        <WalletModalProvider>
          <Page settings={settings} onSettings={onSettings} />
        </WalletModalProvider>
      </WalletProvider>
    </ConnectionProvider>
  );
}

function SettingsPanel({ settings, onSave }: { settings: Settings; onSave: (s: Settings) => void }) {
  const [rpc, setRpc] = useState(settings.rpc);
  const [vault, setVault] = useState(settings.vault);
  const [keyText, setKeyText] = useState("");
  const [msg, setMsg] = useState<string | null>(null);
  const problem = checkSettings({ rpc, vault });
  return (
    <details className="card" open={!!checkSettings(settings)}>
      <summary>Settings</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!problem) onSave({ rpc: rpc.trim(), vault: vault.trim() });
        }}
      >
        <label htmlFor="rpc">RPC endpoint</label>
        <input id="rpc" value={rpc} onChange={(e) => setRpc(e.target.value)} data-testid="settings-rpc" />
        <label htmlFor="vault">Vault address</label>
        <input id="vault" value={vault} onChange={(e) => setVault(e.target.value)} data-testid="settings-vault" />
        <p className={problem ? "error" : "hint"}>{problem ?? "Saved in the page's URL."}</p>
        <button type="submit" disabled={!!problem}>Save</button>
      </form>
      {isLocalEndpoint(rpc) && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const err = saveDevKeypair(keyText);
            setMsg(err ?? "Saved: choose “Sandbox keypair (dev)” in Select Wallet.");
          }}
        >
          <label htmlFor="devkey">Sandbox keypair (dev only): paste lp.json</label>
          <textarea id="devkey" rows={2} value={keyText} onChange={(e) => setKeyText(e.target.value)} />
          <p className="hint">{msg ?? "Only offered for a local endpoint."}</p>
          <button type="submit">Use this keypair</button>
        </form>
      )}
    </details>
  );
}

type Tab = "lp" | "trade";
const tabOf = (hash: string): Tab => (hash === "#trade" ? "trade" : "lp");

function useTab(): Tab {
  const [tab, setTab] = useState<Tab>(() => tabOf(window.location.hash));
  useEffect(() => {
    const on = () => setTab(tabOf(window.location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return tab;
}

function Page({ settings, onSettings }: { settings: Settings; onSettings: (s: Settings) => void }) {
  const tab = useTab();
  const { connection } = useConnection();
  const { publicKey } = useWallet();
  const problem = checkSettings(settings);
  const vaultKey = useMemo(() => (problem ? null : new PublicKey(settings.vault)), [settings.vault, problem]);
  const { data, error, refresh } = useVault(connection, vaultKey, publicKey);
  return (
    <main>
      <header>
        <h1>Hedge vault</h1>
        <nav aria-label="Pages" className="tabs">
          <a href="#lp" aria-current={tab === "lp" ? "page" : undefined} data-testid="tab-lp">
            Provide liquidity
          </a>
          <a href="#trade" aria-current={tab === "trade" ? "page" : undefined} data-testid="tab-trade">
            Trade options
          </a>
        </nav>
        <WalletMultiButton />
      </header>
      <SettingsPanel settings={settings} onSave={onSettings} />
      {problem && <p className="empty">{problem}</p>}
      {!problem && error && (
        <p className="error" role="alert" data-testid="load-error">
          Could not read the vault: {error}
        </p>
      )}
      {!problem && !data && !error && <p className="empty" aria-busy="true">Loading the vault…</p>}
      {data && tab === "trade" && <TradePage d={data} rpc={settings.rpc} refresh={refresh} />}
      {data && tab === "lp" && (
        <>
          <Overview d={data} />
          <div className="two">
            <DepositForm d={data} rpc={settings.rpc} refresh={refresh} />
            <WithdrawForm d={data} rpc={settings.rpc} refresh={refresh} />
          </div>
          <MyPosition d={data} rpc={settings.rpc} refresh={refresh} />
          <HedgeChart d={data} />
          <SeriesTable d={data} />
          <Governance d={data} />
        </>
      )}
    </main>
  );
}
