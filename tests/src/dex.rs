//! A real CPMM pool in the bank: the stand-in's `initialize` and `swap_base_input`
//! called with Raydium's exact account lists.

use raydium_cpmm_standin::layout::{self, *};
use solana_sdk::instruction::{AccountMeta, Instruction};
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

use crate::{TestEnv, TokenKind};

pub const PROGRAM: Pubkey = raydium_cpmm_standin::ID;

/// Addresses of one pool.
#[derive(Clone, Copy, Debug)]
pub struct Pool {
    pub amm_config: Pubkey,
    pub authority: Pubkey,
    pub state: Pubkey,
    pub mint_0: Pubkey,
    pub mint_1: Pubkey,
    pub vault_0: Pubkey,
    pub vault_1: Pubkey,
    pub lp_mint: Pubkey,
    pub observation: Pubkey,
}

impl Pool {
    pub fn derive(amm_config: Pubkey, a: Pubkey, b: Pubkey) -> Pool {
        let (mint_0, mint_1) = if a.to_bytes() < b.to_bytes() {
            (a, b)
        } else {
            (b, a)
        };
        let state = pool_pda(&PROGRAM, &amm_config, &mint_0, &mint_1).0;
        Pool {
            amm_config,
            authority: authority_pda(&PROGRAM).0,
            state,
            mint_0,
            mint_1,
            vault_0: vault_pda(&PROGRAM, &state, &mint_0).0,
            vault_1: vault_pda(&PROGRAM, &state, &mint_1).0,
            lp_mint: lp_mint_pda(&PROGRAM, &state).0,
            observation: observation_pda(&PROGRAM, &state).0,
        }
    }

    /// (input vault, output vault, input mint, output mint) for a swap from `input_mint`.
    pub fn direction(&self, input_mint: &Pubkey) -> (Pubkey, Pubkey, Pubkey, Pubkey) {
        if *input_mint == self.mint_0 {
            (self.vault_0, self.vault_1, self.mint_0, self.mint_1)
        } else {
            (self.vault_1, self.vault_0, self.mint_1, self.mint_0)
        }
    }

    /// `swap_base_input` with the 13 accounts in Raydium's order.
    #[allow(clippy::too_many_arguments)]
    pub fn swap_ix(
        &self,
        payer: &Pubkey,
        input_account: &Pubkey,
        output_account: &Pubkey,
        input_mint: &Pubkey,
        amount_in: u64,
        minimum_out: u64,
    ) -> Instruction {
        let (iv, ov, im, om) = self.direction(input_mint);
        let mut data = SWAP_BASE_INPUT.to_vec();
        data.extend_from_slice(&amount_in.to_le_bytes());
        data.extend_from_slice(&minimum_out.to_le_bytes());
        Instruction {
            program_id: PROGRAM,
            accounts: vec![
                AccountMeta::new_readonly(*payer, true),
                AccountMeta::new_readonly(self.authority, false),
                AccountMeta::new_readonly(self.amm_config, false),
                AccountMeta::new(self.state, false),
                AccountMeta::new(*input_account, false),
                AccountMeta::new(*output_account, false),
                AccountMeta::new(iv, false),
                AccountMeta::new(ov, false),
                AccountMeta::new_readonly(spl_token_id(), false),
                AccountMeta::new_readonly(spl_token_id(), false),
                AccountMeta::new_readonly(im, false),
                AccountMeta::new_readonly(om, false),
                AccountMeta::new(self.observation, false),
            ],
            data,
        }
    }
}

fn spl_token_id() -> Pubkey {
    TokenKind::Spl.program_id()
}

impl TestEnv {
    /// Writes an `AmmConfig` (as Raydium's admin would create it) and creates a pool of
    /// two SPL Token mints through the stand-in's `initialize`, funded by the payer
    /// (mint authority of both mints). Leaves the clock to the caller: swaps need
    /// `unix_timestamp ≥ open_time` (= now + 1).
    pub async fn create_pool(
        &mut self,
        a: (Pubkey, TokenKind, u64),
        b: (Pubkey, TokenKind, u64),
        trade_fee_rate: u64,
    ) -> Pool {
        self.create_pool_at(0, a, b, trade_fee_rate).await
    }

    /// [`create_pool`](Self::create_pool) under `AmmConfig` number `index` (a fee tier):
    /// another pool of the same pair for each index.
    pub async fn create_pool_at(
        &mut self,
        index: u16,
        (mint_a, kind_a, amount_a): (Pubkey, TokenKind, u64),
        (mint_b, kind_b, amount_b): (Pubkey, TokenKind, u64),
        trade_fee_rate: u64,
    ) -> Pool {
        let (config, bump) = amm_config_pda(&PROGRAM, index);
        let data = layout::amm_config_data(bump, index, trade_fee_rate, 120_000, 40_000);
        let mut acc =
            solana_sdk::account::AccountSharedData::new(1_000_000_000, data.len(), &PROGRAM);
        acc.set_data_from_slice(&data);
        self.ctx.set_account(&config, &acc);
        self.touched.insert(config);

        let pool = Pool::derive(config, mint_a, mint_b);
        let payer = self.payer();
        let ((amount_0, kind_0), (amount_1, kind_1)) = if pool.mint_0 == mint_a {
            ((amount_a, kind_a), (amount_b, kind_b))
        } else {
            ((amount_b, kind_b), (amount_a, kind_a))
        };
        let creator_0 = self
            .create_token_account(pool.mint_0, payer.pubkey(), kind_0)
            .await;
        let creator_1 = self
            .create_token_account(pool.mint_1, payer.pubkey(), kind_1)
            .await;
        self.mint_to(pool.mint_0, creator_0, amount_0, kind_0).await;
        self.mint_to(pool.mint_1, creator_1, amount_1, kind_1).await;
        let fee_receiver = Keypair::new().pubkey();
        let creator_lp = spl_associated_token_account::get_associated_token_address(
            &payer.pubkey(),
            &pool.lp_mint,
        );

        let mut data = INITIALIZE.to_vec();
        data.extend_from_slice(&amount_0.to_le_bytes());
        data.extend_from_slice(&amount_1.to_le_bytes());
        data.extend_from_slice(&0u64.to_le_bytes());
        let ix = Instruction {
            program_id: PROGRAM,
            accounts: vec![
                AccountMeta::new(payer.pubkey(), true),
                AccountMeta::new_readonly(pool.amm_config, false),
                AccountMeta::new_readonly(pool.authority, false),
                AccountMeta::new(pool.state, false),
                AccountMeta::new_readonly(pool.mint_0, false),
                AccountMeta::new_readonly(pool.mint_1, false),
                AccountMeta::new(pool.lp_mint, false),
                AccountMeta::new(creator_0, false),
                AccountMeta::new(creator_1, false),
                AccountMeta::new(creator_lp, false),
                AccountMeta::new(pool.vault_0, false),
                AccountMeta::new(pool.vault_1, false),
                AccountMeta::new(fee_receiver, false),
                AccountMeta::new(pool.observation, false),
                AccountMeta::new_readonly(spl_token_id(), false),
                AccountMeta::new_readonly(kind_0.program_id(), false),
                AccountMeta::new_readonly(kind_1.program_id(), false),
                AccountMeta::new_readonly(spl_associated_token_account::ID, false),
                AccountMeta::new_readonly(solana_sdk::system_program::ID, false),
                AccountMeta::new_readonly(solana_sdk::sysvar::rent::ID, false),
            ],
            data,
        };
        self.send(&[ix], &[]).await.expect("create pool");
        pool
    }
}
