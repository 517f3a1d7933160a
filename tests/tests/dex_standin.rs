//! The Raydium CPMM stand-in through the bank: pool creation with Raydium's 20
//! accounts, swaps with its 13, the interface's fee vector, slippage, status bits.

use hedge_vault_tests::dex::*;
use hedge_vault_tests::*;
use raydium_cpmm_standin::layout::{self, pool, read_u64};
use solana_sdk::signature::Signer;

async fn setup(
    env: &mut TestEnv,
) -> (Pool, solana_sdk::pubkey::Pubkey, solana_sdk::pubkey::Pubkey) {
    let a = env.create_mint(6, TokenKind::Spl).await;
    let b = env.create_mint(9, TokenKind::Spl).await;
    let p = env
        .create_pool(
            (a, TokenKind::Spl, 1_000_000_000),
            (b, TokenKind::Spl, 2_000_000_000),
            2_500,
        )
        .await;
    (p, a, b)
}

async fn advance(env: &mut TestEnv, secs: i64) {
    let mut clock: solana_sdk::clock::Clock = env.ctx.banks_client.get_sysvar().await.unwrap();
    clock.unix_timestamp += secs;
    env.ctx.set_sysvar(&clock);
}

#[tokio::test]
async fn pool_layout_and_swap_vector() {
    let mut env = TestEnv::start().await;
    let (p, _, _) = setup(&mut env).await;
    let state = env.account(p.state).await.unwrap();
    assert_eq!(state.owner, PROGRAM);
    assert_eq!(state.data.len(), layout::POOL_STATE_LEN);
    assert_eq!(&state.data[..8], &layout::POOL_STATE_DISCRIMINATOR);
    assert_eq!(
        layout::read_key(&state.data, pool::TOKEN_0_VAULT),
        p.vault_0
    );
    assert_eq!(layout::read_key(&state.data, pool::TOKEN_1_MINT), p.mint_1);
    // L = √(1e9 · 2e9) = 1,414,213,562.
    assert_eq!(read_u64(&state.data, pool::LP_SUPPLY), 1_414_213_562);

    let payer = env.payer();
    // Swap 1,000,000 of token 0 into the pool: (X, Y) = (1e9, 2e9) in the vector.
    let user_in = env
        .create_token_account(p.mint_0, payer.pubkey(), TokenKind::Spl)
        .await;
    let user_out = env
        .create_token_account(p.mint_1, payer.pubkey(), TokenKind::Spl)
        .await;
    env.mint_to(p.mint_0, user_in, 1_000_000, TokenKind::Spl)
        .await;
    let reserve_0 = env.token_balance(p.vault_0).await;
    let reserve_1 = env.token_balance(p.vault_1).await;
    // Not open yet: NotApproved.
    let ix = p.swap_ix(
        &payer.pubkey(),
        &user_in,
        &user_out,
        &p.mint_0,
        1_000_000,
        0,
    );
    let r = env.send(&[ix], &[]).await;
    assert_eq!(custom_error(&r), Some(6000));
    advance(&mut env, 2).await;
    let want = raydium_cpmm_standin::curve::swap_base_input(
        1_000_000, reserve_0, reserve_1, 2_500, 120_000, 40_000,
    )
    .unwrap();
    // Asking for one more than the curve gives: ExceededSlippage, nothing moves.
    let ix = p.swap_ix(
        &payer.pubkey(),
        &user_in,
        &user_out,
        &p.mint_0,
        1_000_000,
        want.amount_out + 1,
    );
    let r = env.send(&[ix], &[]).await;
    assert_eq!(custom_error(&r), Some(6005));
    assert_eq!(env.token_balance(user_in).await, 1_000_000);
    let ix = p.swap_ix(
        &payer.pubkey(),
        &user_in,
        &user_out,
        &p.mint_0,
        1_000_000,
        want.amount_out,
    );
    env.send(&[ix], &[]).await.unwrap();
    assert_eq!(env.token_balance(user_out).await, want.amount_out);
    let state = env.account(p.state).await.unwrap();
    assert_eq!(
        read_u64(&state.data, pool::PROTOCOL_FEES_TOKEN_0),
        want.protocol_fee
    );
    assert_eq!(
        read_u64(&state.data, pool::FUND_FEES_TOKEN_0),
        want.fund_fee
    );
    if reserve_0 == 1_000_000_000 {
        assert_eq!(want.amount_out, 1_993_011);
    }

    // Wrong vault pair: InvalidVault.
    let mut ix = p.swap_ix(&payer.pubkey(), &user_in, &user_out, &p.mint_0, 1_000, 0);
    ix.accounts[7].pubkey = p.vault_0;
    let r = env.send(&[ix], &[]).await;
    assert_eq!(custom_error(&r), Some(6008));
}

#[tokio::test]
async fn deposit_mints_lp_at_the_pool_ratio() {
    use solana_sdk::instruction::{AccountMeta, Instruction};
    let mut env = TestEnv::start().await;
    let (p, _, _) = setup(&mut env).await;
    let payer = env.payer();
    let owner_lp =
        spl_associated_token_account::get_associated_token_address(&payer.pubkey(), &p.lp_mint);
    let t0 = env
        .create_token_account(p.mint_0, payer.pubkey(), TokenKind::Spl)
        .await;
    let t1 = env
        .create_token_account(p.mint_1, payer.pubkey(), TokenKind::Spl)
        .await;
    env.mint_to(p.mint_0, t0, 10_000_000, TokenKind::Spl).await;
    env.mint_to(p.mint_1, t1, 10_000_000, TokenKind::Spl).await;
    let (r0, r1) = (
        env.token_balance(p.vault_0).await,
        env.token_balance(p.vault_1).await,
    );
    let supply = read_u64(&env.account(p.state).await.unwrap().data, pool::LP_SUPPLY);
    let lp = 1_000_000u64;
    let ix = |max0: u64, max1: u64| {
        let mut data = layout::DEPOSIT.to_vec();
        for v in [lp, max0, max1] {
            data.extend_from_slice(&v.to_le_bytes());
        }
        Instruction {
            program_id: PROGRAM,
            accounts: vec![
                AccountMeta::new_readonly(payer.pubkey(), true),
                AccountMeta::new_readonly(p.authority, false),
                AccountMeta::new(p.state, false),
                AccountMeta::new(owner_lp, false),
                AccountMeta::new(t0, false),
                AccountMeta::new(t1, false),
                AccountMeta::new(p.vault_0, false),
                AccountMeta::new(p.vault_1, false),
                AccountMeta::new_readonly(TokenKind::Spl.program_id(), false),
                AccountMeta::new_readonly(TokenKind::Token2022.program_id(), false),
                AccountMeta::new_readonly(p.mint_0, false),
                AccountMeta::new_readonly(p.mint_1, false),
                AccountMeta::new(p.lp_mint, false),
            ],
            data,
        }
    };
    // Token amounts for `lp`, rounded up: ⌈lp · reserve / supply⌉.
    let need0 = (lp as u128 * r0 as u128).div_ceil(supply as u128) as u64;
    let need1 = (lp as u128 * r1 as u128).div_ceil(supply as u128) as u64;
    let r = env.send(&[ix(need0 - 1, u64::MAX)], &[]).await;
    assert_eq!(custom_error(&r), Some(6005));
    let lp_before = env.token_balance(owner_lp).await;
    env.send(&[ix(need0, need1)], &[]).await.unwrap();
    assert_eq!(env.token_balance(owner_lp).await, lp_before + lp);
    assert_eq!(env.token_balance(p.vault_0).await, r0 + need0);
    assert_eq!(env.token_balance(p.vault_1).await, r1 + need1);
    let state = env.account(p.state).await.unwrap();
    assert_eq!(read_u64(&state.data, pool::LP_SUPPLY), supply + lp);
}
