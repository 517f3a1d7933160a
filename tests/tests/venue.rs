//! Replacing a dead oracle or a disabled pool (issue 13, medium): `propose_venue`
//! validates the new oracle and pool like `initialize_vault` (which now validates its
//! pool too) and `apply_venue` applies them after the timelock; `liquidate` settles
//! without a usable pool when it has nothing to sell there.

use hedge_vault::error::VaultError;
use hedge_vault::events::{Liquidated, VenueChangeProposed, VenueChanged};
use hedge_vault::oracle::PYTH_LEGACY_PROGRAM_MAINNET;
use hedge_vault::state::OracleKind;
use hedge_vault_tests::dex::Pool;
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

/// Sets the pool's "swap disabled" status bit, as Raydium's admin would.
async fn disable_swaps(f: &mut VaultFixture, pool: &Pool) {
    let mut acc = f.env.account(pool.state).await.unwrap();
    acc.data[329] |= hedge_vault::dex::STATUS_DISABLE_SWAP;
    let owner = acc.owner;
    f.write_account(pool.state, acc.data, owner).await;
}

fn propose_ix(
    f: &VaultFixture,
    signer: &Pubkey,
    oracle: Pubkey,
    kind: OracleKind,
    pool: Pubkey,
) -> Instruction {
    hedge_vault_client::ix::admin::propose_venue(*signer, f.vault, oracle, pool, kind, FEED_ID)
}

fn apply_ix(f: &VaultFixture, signer: &Pubkey) -> Instruction {
    hedge_vault_client::ix::admin::apply_venue(*signer, f.vault, f.book)
}

#[tokio::test]
async fn initialize_validates_its_pool() {
    let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
    let real = f.pool.state;
    // Not a pool at all: a system account.
    let fake = Pubkey::new_unique();
    f.env.airdrop(&fake, 1_000_000).await;
    f.pool.state = fake;
    let ix = f.initialize_ix(test_risk());
    assert_vault_error(&f.send_initialize(0, ix).await, VaultError::InvalidDexPool);
    // A real pool of another pair.
    let other = f.env.create_mint(9, TokenKind::Spl).await;
    let q = f.quote_mint;
    let wrong = f
        .env
        .create_pool(
            (q, TokenKind::Spl, 1_000 * ONE_QUOTE),
            (other, TokenKind::Spl, 10 * ONE_UNDERLYING),
            POOL_FEE_RATE,
        )
        .await;
    f.pool.state = wrong.state;
    let ix = f.initialize_ix(test_risk());
    assert_vault_error(&f.send_initialize(0, ix).await, VaultError::InvalidDexPool);
    assert!(f.env.account(f.vault).await.is_none());
    // The vault's pair with a creator fee on top of the trade fee (review M2: the
    // quotes model the trade fee only, so every at-limit hedge would revert).
    f.pool.state = real;
    let mut acc = f.env.account(real).await.unwrap();
    let owner = acc.owner;
    acc.data[390] = 1;
    f.write_account(real, acc.data.clone(), owner).await;
    let ix = f.initialize_ix(test_risk());
    assert_vault_error(&f.send_initialize(0, ix).await, VaultError::InvalidDexPool);
    acc.data[390] = 0;
    f.write_account(real, acc.data, owner).await;
    // The vault's own pool.
    f.initialize(0, test_risk()).await.unwrap();
}

#[tokio::test]
async fn a_dead_oracle_and_a_disabled_pool_are_replaced_after_the_timelock() {
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    let lp = f.user(200_000 * ONE_QUOTE).await;
    f.deposit(&lp, 200_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(100_000 * ONE_QUOTE).await;
    let keeper = Keypair::new();
    f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
    f.add_keeper(&keeper.pubkey()).await;
    let call = f.list_series(true, 100.0, 30, 500_000).await;
    f.buy(&trader, call, 40 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // The pool is disabled: no hedge can go through it.
    let old_pool = f.pool;
    disable_swaps(&mut f, &old_pool).await;
    assert_vault_error(
        &f.rebalance(&keeper, None).await,
        VaultError::DexSwapDisabled,
    );

    // A second pool of the pair (another fee tier) and a live oracle at a new account.
    let new_pool = f
        .env
        .create_pool_at(
            1,
            (f.quote_mint, TokenKind::Spl, POOL_QUOTE),
            (f.underlying_mint, TokenKind::Spl, POOL_UNDERLYING),
            POOL_FEE_RATE,
        )
        .await;
    assert_ne!(new_pool.state, old_pool.state);
    let new_oracle = Pubkey::new_unique();
    let state = f.oracle_state;
    f.write_account(
        new_oracle,
        legacy_account_data(&state),
        PYTH_LEGACY_PROGRAM_MAINNET,
    )
    .await;

    // Refusals, each by name, nothing changed.
    let authority = f.authority.insecure_clone();
    let stranger = f.user(0).await;
    let before = f.snapshot(&[]).await;
    let ix = propose_ix(
        &f,
        &stranger.key(),
        new_oracle,
        OracleKind::PythLegacy,
        new_pool.state,
    );
    assert_vault_error(
        &f.env.send(&[ix], &[&stranger.kp]).await,
        VaultError::Unauthorized,
    );
    let not_pyth = Pubkey::new_unique();
    f.env.airdrop(&not_pyth, 1_000_000).await;
    let ix = propose_ix(
        &f,
        &authority.pubkey(),
        not_pyth,
        OracleKind::PythLegacy,
        new_pool.state,
    );
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::OracleInvalidOwner,
    );
    let ix = propose_ix(
        &f,
        &authority.pubkey(),
        new_oracle,
        OracleKind::PythPullV2,
        new_pool.state,
    );
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::OracleInvalidOwner,
    );
    // A verified update account of another feed (it would freeze every price once
    // applied): refused at the proposal.
    let other_feed = f
        .post_update(OracleState {
            feed_id: [9; 32],
            ..state
        })
        .await;
    let ix = propose_ix(
        &f,
        &authority.pubkey(),
        other_feed,
        OracleKind::PythPullV2,
        new_pool.state,
    );
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::OracleFeedIdMismatch,
    );
    let other = f.env.create_mint(9, TokenKind::Spl).await;
    let q = f.quote_mint;
    let wrong = f
        .env
        .create_pool_at(
            2,
            (q, TokenKind::Spl, 1_000 * ONE_QUOTE),
            (other, TokenKind::Spl, 10 * ONE_UNDERLYING),
            POOL_FEE_RATE,
        )
        .await;
    let ix = propose_ix(
        &f,
        &authority.pubkey(),
        new_oracle,
        OracleKind::PythLegacy,
        wrong.state,
    );
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::InvalidDexPool,
    );
    let ix = propose_ix(
        &f,
        &authority.pubkey(),
        f.oracle,
        OracleKind::PythLegacy,
        old_pool.state,
    );
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::VenueUnchanged,
    );
    let ix = apply_ix(&f, &authority.pubkey());
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::NoPendingVenue,
    );
    assert_eq!(f.snapshot(&[]).await, before);

    // The proposal, then the timelock.
    let ix = propose_ix(
        &f,
        &authority.pubkey(),
        new_oracle,
        OracleKind::PythLegacy,
        new_pool.state,
    );
    let events = f.env.send_with_events(&[ix], &[&authority]).await.unwrap();
    let p: VenueChangeProposed = find_event(&events).unwrap();
    let timelock = f.vault_state().await.risk.timelock_s as i64;
    assert_eq!(
        (p.oracle, p.dex_pool, p.eta),
        (new_oracle, new_pool.state, f.now + timelock)
    );
    f.advance(timelock - 1).await;
    let ix = apply_ix(&f, &authority.pubkey());
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::TimelockNotElapsed,
    );
    f.advance(1).await;
    let ix = apply_ix(&f, &authority.pubkey());
    let events = f.env.send_with_events(&[ix], &[&authority]).await.unwrap();
    let e: VenueChanged = find_event(&events).unwrap();
    assert_eq!((e.oracle, e.dex_pool), (new_oracle, new_pool.state));
    let v = f.vault_state().await;
    assert_eq!(
        (v.oracle, v.dex_pool, v.pending_venue_eta),
        (new_oracle, new_pool.state, 0)
    );

    // The old oracle account is refused; the new one prices, and hedges go through the
    // new pool.
    f.set_price(px(100.0)).await; // still written to the old account
    assert_vault_error(&f.mark_series(&[call]).await, VaultError::OracleMismatch);
    f.oracle = new_oracle;
    f.pool = new_pool;
    f.set_price(px(100.0)).await;
    f.mark_all().await;
    f.rebalance(&keeper, None).await.unwrap();
    assert!(f.vault_state().await.underlying_assets > 0);
}

/// A disabled pool used to stop `liquidate` (`DexSwapDisabled` before anything else);
/// now the riskiest series is still force-settled and nothing is sold.
#[tokio::test]
async fn liquidate_settles_without_a_usable_pool() {
    let risk = thin_margin_risk();
    let mut f = VaultFixture::with_risk(OracleKind::PythLegacy, TokenKind::Spl, risk).await;
    let lp = f.user(60_000 * ONE_QUOTE).await;
    f.deposit(&lp, 60_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(1_000_000 * ONE_QUOTE).await;
    for strike in [100.0, 95.0, 90.0] {
        let id = f.list_series(false, strike, 30, 500_000).await;
        f.buy(&trader, id, 500 * ONE_UNDERLYING, u64::MAX)
            .await
            .unwrap();
    }
    let keeper = Keypair::new();
    f.env.airdrop(&keeper.pubkey(), 1_000_000_000).await;
    f.add_keeper(&keeper.pubkey()).await;
    f.advance(60).await;
    f.set_price(px(60.0)).await;
    f.arb_pool_to(60.0).await;
    f.mark_all().await;
    let pool = f.pool;
    disable_swaps(&mut f, &pool).await;
    let keeper_quote = f
        .env
        .create_token_account(f.quote_mint, keeper.pubkey(), TokenKind::Spl)
        .await;
    let ix = f.liquidate_ix(&keeper.pubkey(), Some(keeper_quote));
    let events = f.env.send_with_events(&[ix], &[&keeper]).await.unwrap();
    let e: Liquidated = find_event(&events).unwrap();
    assert!(e.series_id != 0 && e.total_owed > 0);
    assert_eq!((e.underlying_sold, e.quote_received), (0, 0));
}

/// Review 2, M2: the authority pauses settlement before an expiry, proposes a feed whose
/// price at expiry suits it, and applies it after the timelock to settle there. Applying
/// waits until the expired series has settled at the old feed.
#[tokio::test]
async fn a_venue_change_cannot_decide_a_past_expiry() {
    let mut f = VaultFixture::new(OracleKind::PythPullV2, TokenKind::Spl).await;
    let lp = f.user(100_000 * ONE_QUOTE).await;
    f.deposit(&lp, 100_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(10_000 * ONE_QUOTE).await;
    let call = f.list_series(true, 100.0, 1, 500_000).await;
    let expiry = f.now + 86_400;
    f.buy(&trader, call, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let authority = f.authority.insecure_clone();
    f.govern(
        &authority,
        hedge_vault::instruction::SetPause {
            flags: hedge_vault::state::pause::SETTLE_SERIES,
        },
    )
    .await
    .unwrap();
    let chosen = f
        .post_update(OracleState {
            feed_id: [9; 32],
            ..f.oracle_state
        })
        .await;
    let mut ix = propose_ix(
        &f,
        &authority.pubkey(),
        chosen,
        OracleKind::PythPullV2,
        f.pool.state,
    );
    // The proposal names the new feed.
    let data = hedge_vault::instruction::ProposeVenue {
        oracle_kind: OracleKind::PythPullV2,
        oracle_feed_id: [9; 32],
    };
    ix.data = anchor_lang::InstructionData::data(&data);
    f.env.send(&[ix], &[&authority]).await.unwrap();
    // Past the expiry and the timelock: the series is expired, unsettled (paused).
    f.set_time(expiry + 10).await;
    f.set_price(px(100.0)).await;
    let ix = apply_ix(&f, &authority.pubkey());
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.env.send(&[ix], &[&authority]).await,
        VaultError::SeriesAwaitingSettlement,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    // Unpaused and settled at the old feed's straddling update, the change can apply.
    f.govern(&authority, hedge_vault::instruction::SetPause { flags: 0 })
        .await
        .unwrap();
    f.settle(call).await.unwrap();
    let ix = apply_ix(&f, &authority.pubkey());
    f.env.send(&[ix], &[&authority]).await.unwrap();
    assert_eq!(f.vault_state().await.oracle, chosen);
}
