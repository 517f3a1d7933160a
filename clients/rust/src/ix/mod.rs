//! One builder per instruction the off-chain tools send, from on-chain state only (the
//! vault's stored keys and the pool's `PoolState`), with the program's generated account
//! types (so the account order is the program's own).

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use hedge_vault::dex::RAYDIUM_CPMM_PROGRAM;
use hedge_vault::state::Vault;
use hedge_vault::{accounts as ha, instruction as hi};

use crate::pda::{self, event_authority};

pub mod admin;
use crate::pool::{self, PoolError};

/// Everything `rebalance` and `liquidate` need besides the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HedgeAccounts {
    pub vault: Pubkey,
    pub book: Pubkey,
    pub hedge_log: Pubkey,
    pub oracle: Pubkey,
    pub quote_mint: Pubkey,
    pub underlying_mint: Pubkey,
    pub quote_vault: Pubkey,
    pub underlying_vault: Pubkey,
    pub quote_token_program: Pubkey,
    pub underlying_token_program: Pubkey,
    pub dex_authority: Pubkey,
    pub amm_config: Pubkey,
    pub dex_pool: Pubkey,
    pub pool_quote_vault: Pubkey,
    pub pool_underlying_vault: Pubkey,
    pub observation: Pubkey,
}

impl HedgeAccounts {
    /// From the vault (its stored keys) and the pool account's bytes. The token programs
    /// are the mints' owners, as fetched.
    pub fn new(
        vault_key: Pubkey,
        vault: &Vault,
        pool_data: &[u8],
        quote_token_program: Pubkey,
        underlying_token_program: Pubkey,
    ) -> Result<HedgeAccounts, PoolError> {
        let pool = pool::sides(pool_data, &vault.quote_mint, &vault.underlying_mint)?;
        Ok(HedgeAccounts {
            vault: vault_key,
            book: vault.book,
            hedge_log: vault.hedge_log,
            oracle: vault.oracle,
            quote_mint: vault.quote_mint,
            underlying_mint: vault.underlying_mint,
            quote_vault: vault.quote_vault,
            underlying_vault: vault.underlying_vault,
            quote_token_program,
            underlying_token_program,
            dex_authority: pda::raydium_authority(),
            amm_config: pool.amm_config,
            dex_pool: vault.dex_pool,
            pool_quote_vault: pool.quote_vault,
            pool_underlying_vault: pool.underlying_vault,
            observation: pool.observation,
        })
    }

    fn metas(&self, caller: Pubkey, caller_quote: Option<Pubkey>) -> ha::Rebalance {
        ha::Rebalance {
            caller,
            vault: self.vault,
            book: self.book,
            hedge_log: self.hedge_log,
            oracle: self.oracle,
            quote_mint: self.quote_mint,
            underlying_mint: self.underlying_mint,
            quote_vault: self.quote_vault,
            underlying_vault: self.underlying_vault,
            caller_quote,
            dex_program: RAYDIUM_CPMM_PROGRAM,
            dex_authority: self.dex_authority,
            amm_config: self.amm_config,
            dex_pool: self.dex_pool,
            pool_quote_vault: self.pool_quote_vault,
            pool_underlying_vault: self.pool_underlying_vault,
            observation: self.observation,
            quote_token_program: self.quote_token_program,
            underlying_token_program: self.underlying_token_program,
            event_authority: event_authority(),
            program: hedge_vault::ID,
        }
    }

    /// `rebalance`; `caller_quote` receives a fallback bounty.
    pub fn rebalance(
        &self,
        caller: Pubkey,
        caller_quote: Option<Pubkey>,
        min_out: u64,
    ) -> Instruction {
        ix(self.metas(caller, caller_quote), hi::Rebalance { min_out })
    }

    /// `liquidate`; `caller_quote` receives the bounty.
    pub fn liquidate(&self, caller: Pubkey, caller_quote: Option<Pubkey>) -> Instruction {
        ix(self.metas(caller, caller_quote), hi::Liquidate {})
    }
}

/// `settle_series` for one series (anyone may send it).
pub fn settle(caller: Pubkey, vault_key: Pubkey, vault: &Vault, series_id: u64) -> Instruction {
    ix(
        ha::SettleSeries {
            caller,
            vault: vault_key,
            book: vault.book,
            oracle: vault.oracle,
            event_authority: event_authority(),
            program: hedge_vault::ID,
        },
        hi::SettleSeries { series_id },
    )
}

/// The compute-unit limit of each instruction the keeper sends when simulation cannot
/// measure it (a native local endpoint): the README's per-instruction CU table at
/// n = 32 open series with a margin of about a third (the meter's counts are within
/// ±10–20% of platform-tools'). The dApp holds the same numbers (`app/src/chain.ts`).
pub fn cu_budget(instruction: &str) -> u32 {
    match instruction {
        // A full batch ≈237k; a re-centring call ≈263k at 32 series.
        "mark" => 350_000,
        // Both are dominated by Raydium's swap (≈140k–200k by Raydium's own figures).
        "rebalance" => 320_000,
        "liquidate" => 340_000,
        "settle" => 40_000,
        _ => 200_000,
    }
}

/// What a trading client needs to know about a vault (all stored on the vault).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TradeAccounts {
    pub vault: Pubkey,
    pub book: Pubkey,
    pub oracle: Pubkey,
    pub quote_mint: Pubkey,
    pub quote_vault: Pubkey,
    /// The quote mint's owner (SPL Token or Token-2022).
    pub quote_token_program: Pubkey,
}

impl TradeAccounts {
    pub fn new(vault_key: Pubkey, vault: &Vault, quote_token_program: Pubkey) -> Self {
        Self {
            vault: vault_key,
            book: vault.book,
            oracle: vault.oracle,
            quote_mint: vault.quote_mint,
            quote_vault: vault.quote_vault,
            quote_token_program,
        }
    }

    /// `buy_option`: `size` underlying atoms of `series_id`, paying at most `max_premium`.
    pub fn buy(
        &self,
        trader: Pubkey,
        trader_quote: Pubkey,
        series_id: u64,
        size: u64,
        max_premium: u64,
    ) -> Instruction {
        ix(
            ha::BuyOption {
                trader,
                vault: self.vault,
                book: self.book,
                oracle: self.oracle,
                quote_mint: self.quote_mint,
                quote_vault: self.quote_vault,
                trader_quote,
                position: pda::position(&self.vault, series_id, &trader),
                token_program: self.quote_token_program,
                system_program: anchor_lang::system_program::ID,
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::BuyOption {
                series_id,
                size,
                max_premium,
            },
        )
    }

    /// `sell_option`: sells `size` of the position back for at least `min_proceeds`.
    pub fn sell(
        &self,
        trader: Pubkey,
        trader_quote: Pubkey,
        series_id: u64,
        size: u64,
        min_proceeds: u64,
    ) -> Instruction {
        ix(
            ha::SellOption {
                trader,
                vault: self.vault,
                book: self.book,
                oracle: self.oracle,
                quote_mint: self.quote_mint,
                quote_vault: self.quote_vault,
                trader_quote,
                position: pda::position(&self.vault, series_id, &trader),
                token_program: self.quote_token_program,
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::SellOption { size, min_proceeds },
        )
    }
}

/// `mark_series` for up to `MAX_MARK_BATCH` series (anyone may send it).
pub fn mark(caller: Pubkey, vault_key: Pubkey, vault: &Vault, series_ids: &[u64]) -> Instruction {
    ix(
        ha::MarkSeries {
            caller,
            vault: vault_key,
            book: vault.book,
            oracle: vault.oracle,
            event_authority: event_authority(),
            program: hedge_vault::ID,
        },
        hi::MarkSeries {
            series_ids: series_ids.to_vec(),
        },
    )
}

pub(crate) fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: hedge_vault::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hedge_vault_tests::fixture::VaultFixture;
    use hedge_vault_tests::TokenKind;

    #[tokio::test]
    async fn built_instructions_match_the_fixture() {
        let mut f =
            VaultFixture::new(hedge_vault::state::OracleKind::PythLegacy, TokenKind::Spl).await;
        let vault = f.vault_state().await;
        let pool = f.env.account(f.pool.state).await.unwrap();
        let accounts = HedgeAccounts::new(
            f.vault,
            &vault,
            &pool.data,
            TokenKind::Spl.program_id(),
            TokenKind::Spl.program_id(),
        )
        .unwrap();
        let caller = Pubkey::new_unique();
        // Derived from chain state alone (the vault's stored keys, the pool account's
        // mints and vaults), the accounts are the ones the fixture set up, byte for byte
        // (the fixture builds through this crate from its own records of them).
        assert_eq!(
            accounts.rebalance(caller, None, 7),
            f.rebalance_ix(&caller, None, 7)
        );
        assert_eq!(
            accounts.liquidate(caller, None),
            f.liquidate_ix(&caller, None)
        );
        // The trader's accounts too.
        let trader = f.user(0).await;
        let trade = TradeAccounts::new(f.vault, &vault, TokenKind::Spl.program_id());
        assert_eq!(
            trade.buy(trader.key(), trader.quote, 1, 5, 9),
            f.buy_ix(&trader, 1, 5, 9)
        );
        assert_eq!(
            trade.sell(trader.key(), trader.quote, 1, 5, 3),
            f.sell_ix(&trader, 1, 5, 3)
        );
        // A pool of other mints is refused.
        let mut other = pool.data.clone();
        other[168..200].copy_from_slice(Pubkey::new_unique().as_ref());
        assert_eq!(
            HedgeAccounts::new(
                f.vault,
                &vault,
                &other,
                Pubkey::default(),
                Pubkey::default()
            ),
            Err(PoolError::MintsMismatch)
        );
        assert_eq!(
            HedgeAccounts::new(
                f.vault,
                &vault,
                &[0u8; 10],
                Pubkey::default(),
                Pubkey::default()
            ),
            Err(PoolError::NotAPool)
        );
    }
}
