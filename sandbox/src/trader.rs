//! The sandbox's scripted trader: a client over real RPC that buys and sells options at
//! random, so the vault's book (and its delta) keeps changing.

use std::sync::Arc;

use hedge_vault::state::Position;
use hedge_vault_client::ix::TradeAccounts;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::Transaction;
use tokio::sync::watch;
use tracing::debug;

/// What a trading client needs to know about the vault.
#[derive(Clone, Debug)]
pub struct Market {
    pub vault: Pubkey,
    pub book: Pubkey,
    pub oracle: Pubkey,
    pub quote_mint: Pubkey,
    pub quote_vault: Pubkey,
    pub quote_program: Pubkey,
    pub series: Vec<u64>,
}

impl Market {
    pub fn position(&self, series_id: u64, owner: &Pubkey) -> Pubkey {
        hedge_vault_client::pda::position(&self.vault, series_id, owner)
    }

    /// The client's trade builders for this vault.
    fn trade(&self) -> TradeAccounts {
        TradeAccounts {
            vault: self.vault,
            book: self.book,
            oracle: self.oracle,
            quote_mint: self.quote_mint,
            quote_vault: self.quote_vault,
            quote_token_program: self.quote_program,
        }
    }

    pub fn buy(
        &self,
        trader: &Pubkey,
        trader_quote: &Pubkey,
        series_id: u64,
        size: u64,
        max_premium: u64,
    ) -> Instruction {
        self.trade()
            .buy(*trader, *trader_quote, series_id, size, max_premium)
    }

    pub fn sell(
        &self,
        trader: &Pubkey,
        trader_quote: &Pubkey,
        series_id: u64,
        size: u64,
    ) -> Instruction {
        self.trade()
            .sell(*trader, *trader_quote, series_id, size, 0)
    }
}

/// Counts of the trader's attempts.
#[derive(Default, Debug)]
pub struct TraderStats {
    pub trades: std::sync::atomic::AtomicU64,
    pub refused: std::sync::atomic::AtomicU64,
}

/// Trades every `every` until shutdown: mostly buys of 1–10 units, sometimes a sale of
/// part of a position it holds.
pub struct Trader {
    pub rpc: Arc<RpcClient>,
    pub market: Market,
    pub keypair: Keypair,
    pub quote_account: Pubkey,
    pub every: std::time::Duration,
    pub seed: u64,
    pub stats: Arc<TraderStats>,
}

pub async fn run(t: Trader, mut shutdown: watch::Receiver<bool>) {
    use std::sync::atomic::Ordering;
    let Trader {
        rpc,
        market,
        keypair: trader,
        quote_account: trader_quote,
        every,
        seed,
        stats,
    } = t;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let unit = 1_000_000_000u64;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
        if market.series.is_empty() {
            continue;
        }
        let series = market.series[rng.gen_range(0..market.series.len())];
        let size = rng.gen_range(1..=10) * unit;
        let held = held(&rpc, &market, series, &trader.pubkey()).await;
        let ix = if held >= size && rng.gen_bool(0.4) {
            market.sell(&trader.pubkey(), &trader_quote, series, size)
        } else {
            market.buy(&trader.pubkey(), &trader_quote, series, size, u64::MAX)
        };
        let Ok(hash) = rpc.get_latest_blockhash().await else {
            continue;
        };
        let tx =
            Transaction::new_signed_with_payer(&[ix], Some(&trader.pubkey()), &[&trader], hash);
        match rpc.send_and_confirm_transaction(&tx).await {
            Ok(_) => {
                stats.trades.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                // Caps, an expired series or a moving oracle: try again later.
                debug!(error = %e, "trade refused");
                stats.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

async fn held(rpc: &RpcClient, market: &Market, series: u64, owner: &Pubkey) -> u64 {
    use anchor_lang::AccountDeserialize;
    let Ok(acc) = rpc.get_account(&market.position(series, owner)).await else {
        return 0;
    };
    Position::try_deserialize(&mut acc.data.as_slice())
        .map(|p| p.size)
        .unwrap_or(0)
}
