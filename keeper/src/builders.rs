//! The instructions the keeper sends, built from on-chain state only (the vault's stored
//! accounts and the pool's `PoolState`), with the program's generated account types.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};
use hedge_vault::dex::{self, RAYDIUM_CPMM_PROGRAM};
use hedge_vault::state::Vault;
use hedge_vault::{accounts as ha, instruction as hi};

/// Anchor's event-CPI authority of the vault program.
pub fn event_authority() -> Pubkey {
    Pubkey::find_program_address(&[b"__event_authority"], &hedge_vault::ID).0
}

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

/// Why the accounts could not be assembled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// The pool account is not a Raydium CPMM `PoolState`.
    NotAPool,
    /// The pool does not trade the vault's two mints.
    PoolMintsMismatch,
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
    ) -> Result<HedgeAccounts, BuildError> {
        let pool = dex::read_pool(pool_data).map_err(|_| BuildError::NotAPool)?;
        let (pool_quote_vault, pool_underlying_vault) =
            if pool.mint_0 == vault.quote_mint && pool.mint_1 == vault.underlying_mint {
                (pool.vault_0, pool.vault_1)
            } else if pool.mint_1 == vault.quote_mint && pool.mint_0 == vault.underlying_mint {
                (pool.vault_1, pool.vault_0)
            } else {
                return Err(BuildError::PoolMintsMismatch);
            };
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
            dex_authority: Pubkey::find_program_address(&[dex::AUTH_SEED], &RAYDIUM_CPMM_PROGRAM).0,
            amm_config: pool.amm_config,
            dex_pool: vault.dex_pool,
            pool_quote_vault,
            pool_underlying_vault,
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

fn ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: hedge_vault::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// The keys one cycle fetches with `getMultipleAccounts`, in chunks of at most 100:
/// for each vault, the vault, its book, its oracle and its pool.
pub fn cycle_keys(vaults: &[(Pubkey, Vault)]) -> Vec<Vec<Pubkey>> {
    let keys: Vec<Pubkey> = vaults
        .iter()
        .flat_map(|(k, v)| [*k, v.book, v.oracle, v.dex_pool])
        .collect();
    keys.chunks(MAX_KEYS_PER_CALL).map(|c| c.to_vec()).collect()
}

/// `getMultipleAccounts` accepts at most 100 keys.
pub const MAX_KEYS_PER_CALL: usize = 100;

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
        // The keeper's builder and the test fixture's agree byte for byte.
        assert_eq!(
            accounts.rebalance(caller, None, 7),
            f.rebalance_ix(&caller, None, 7)
        );
        assert_eq!(
            accounts.liquidate(caller, None),
            f.liquidate_ix(&caller, None)
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
            Err(BuildError::PoolMintsMismatch)
        );
        assert_eq!(
            HedgeAccounts::new(
                f.vault,
                &vault,
                &[0u8; 10],
                Pubkey::default(),
                Pubkey::default()
            ),
            Err(BuildError::NotAPool)
        );
    }

    #[test]
    fn cycle_keys_are_chunked_by_100() {
        let v: Vec<(Pubkey, Vault)> = (0..30)
            .map(|_| {
                let mut vault: Vault = bytemuck::Zeroable::zeroed();
                vault.book = Pubkey::new_unique();
                vault.oracle = Pubkey::new_unique();
                vault.dex_pool = Pubkey::new_unique();
                (Pubkey::new_unique(), vault)
            })
            .collect();
        let chunks = cycle_keys(&v);
        assert_eq!(
            chunks.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![100, 20]
        );
        assert_eq!(chunks[0][0], v[0].0);
        assert_eq!(chunks[0][3], v[0].1.dex_pool);
    }
}
