//! Option trading, settlement and exercise: the happy paths, each limit and each
//! lifecycle error, with the named error and nothing changed.

use hedge_vault::error::VaultError;
use hedge_vault::instructions::ListSeriesArgs;
use hedge_vault::state::{pause, OracleKind, RiskParams, SeriesStatus};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::signature::Keypair;

async fn funded(risk: RiskParams) -> (VaultFixture, User) {
    let mut f = VaultFixture::with_risk(OracleKind::PythLegacy, TokenKind::Spl, risk).await;
    let lp = f.user(100_000 * ONE_QUOTE).await;
    f.deposit(&lp, 100_000 * ONE_QUOTE).await.unwrap();
    let trader = f.user(100_000 * ONE_QUOTE).await;
    (f, trader)
}

#[tokio::test]
async fn buy_then_sell_back() {
    let (mut f, trader) = funded(test_risk()).await;
    let call = f.list_series(true, 105.0, 14, 500_000).await;
    let size = 5 * ONE_UNDERLYING;
    let start = f.balance(trader.quote).await;
    f.buy(&trader, call, size, u64::MAX).await.unwrap();
    let paid = start - f.balance(trader.quote).await;
    let locked = f.vault_state().await.locked_quote;
    assert!(locked > 0);

    // Min proceeds above what the vault pays: slippage, nothing changes.
    let pos = f.position_pda(call, &trader.key());
    let before = f.snapshot(&[trader.quote, pos]).await;
    assert_vault_error(
        &f.sell(&trader, call, size, paid).await,
        VaultError::SlippageExceeded,
    );
    assert_vault_error(
        &f.sell(&trader, call, size + 1, 0).await,
        VaultError::InsufficientPosition,
    );
    assert_vault_error(&f.sell(&trader, call, 0, 0).await, VaultError::ZeroAmount);
    assert_eq!(f.snapshot(&[trader.quote, pos]).await, before);

    // Selling back at once returns less than was paid (spread and fee both ways).
    f.sell(&trader, call, size, 1).await.unwrap();
    let got = f.balance(trader.quote).await - (start - paid);
    assert!(got < paid && got > paid * 9 / 10, "paid {paid}, got {got}");
    let v = f.vault_state().await;
    assert_eq!(v.locked_quote, 0);
    let book = f.book_state().await;
    assert_eq!(book.series[book.find(call).unwrap()].open_interest, 0);
    // The vault kept the round trip's spread and fees.
    assert_eq!(v.quote_assets, 100_000 * ONE_QUOTE + paid - got);
    assert_eq!(f.balance(f.quote_vault).await, v.quote_assets);
}

#[tokio::test]
async fn buy_errors_change_nothing() {
    let (mut f, trader) = funded(test_risk()).await;
    let call = f.list_series(true, 105.0, 14, 500_000).await;
    let pos = f.position_pda(call, &trader.key());
    let extra = [trader.quote, pos];
    let before = f.snapshot(&extra).await;
    assert_vault_error(
        &f.buy(&trader, call, 0, u64::MAX).await,
        VaultError::ZeroAmount,
    );
    assert_vault_error(
        &f.buy(&trader, call, ONE_UNDERLYING, 1).await,
        VaultError::SlippageExceeded,
    );
    assert_vault_error(
        &f.buy(&trader, 999, ONE_UNDERLYING, u64::MAX).await,
        VaultError::SeriesNotFound,
    );
    assert_vault_error(
        &f.buy(&trader, call, u64::MAX, u64::MAX).await,
        VaultError::OpenInterestCapExceeded,
    );
    assert_vault_error(
        &f.buy(&trader, call, 1_000 * ONE_UNDERLYING + 1, u64::MAX)
            .await,
        VaultError::OpenInterestCapExceeded,
    );
    // Paused.
    let authority = f.authority.insecure_clone();
    f.govern(
        &authority,
        hedge_vault::instruction::SetPause {
            flags: pause::BUY_OPTION,
        },
    )
    .await
    .unwrap();
    let before_paused = f.snapshot(&extra).await;
    assert_vault_error(
        &f.buy(&trader, call, ONE_UNDERLYING, u64::MAX).await,
        VaultError::InstructionPaused,
    );
    assert_eq!(f.snapshot(&extra).await, before_paused);
    f.govern(&authority, hedge_vault::instruction::SetPause { flags: 0 })
        .await
        .unwrap();
    // Stale oracle.
    f.advance(3_600).await;
    assert_vault_error(
        &f.buy(&trader, call, ONE_UNDERLYING, u64::MAX).await,
        VaultError::OracleStale,
    );
    // Expired series.
    f.advance(14 * 86_400).await;
    f.set_price(px(100.0)).await;
    assert_vault_error(
        &f.buy(&trader, call, ONE_UNDERLYING, u64::MAX).await,
        VaultError::SeriesExpired,
    );
    let mut after = f.snapshot(&extra).await;
    // Only the oracle account differs (the test moved it).
    after[5] = before[5].clone();
    assert_eq!(after, before);
}

#[tokio::test]
async fn utilization_cap() {
    let (mut f, trader) = funded(RiskParams {
        max_utilization_bps: 500,
        ..test_risk()
    })
    .await;
    let call = f.list_series(true, 100.0, 30, 800_000).await;
    f.buy(&trader, call, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let before = f.snapshot(&[trader.quote]).await;
    assert_vault_error(
        &f.buy(&trader, call, 300 * ONE_UNDERLYING, u64::MAX).await,
        VaultError::UtilizationCapExceeded,
    );
    assert_eq!(f.snapshot(&[trader.quote]).await, before);
}

#[tokio::test]
async fn initial_margin() {
    let (mut f, trader) = funded(RiskParams {
        max_utilization_bps: 10_000,
        initial_margin_bps: 50_000,
        target_margin_bps: 50_000,
        ..test_risk()
    })
    .await;
    let call = f.list_series(true, 100.0, 30, 800_000).await;
    f.buy(&trader, call, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    let before = f.snapshot(&[trader.quote]).await;
    assert_vault_error(
        &f.buy(&trader, call, 900 * ONE_UNDERLYING, u64::MAX).await,
        VaultError::InitialMarginBreached,
    );
    assert_eq!(f.snapshot(&[trader.quote]).await, before);
}

#[tokio::test]
async fn vega_limit() {
    let (mut f, trader) = funded(RiskParams {
        max_utilization_bps: 10_000,
        max_vega_bps: 10,
        ..test_risk()
    })
    .await;
    let put = f.list_series(false, 100.0, 90, 500_000).await;
    let before = f.snapshot(&[trader.quote]).await;
    assert_vault_error(
        &f.buy(&trader, put, 10 * ONE_UNDERLYING, u64::MAX).await,
        VaultError::VegaLimitExceeded,
    );
    assert_eq!(f.snapshot(&[trader.quote]).await, before);
}

#[tokio::test]
async fn settlement_and_exercise_errors() {
    let (mut f, trader) = funded(test_risk()).await;
    let put = f.list_series(false, 100.0, 7, 500_000).await;
    let expiry = f.now + 7 * 86_400;
    f.buy(&trader, put, 2 * ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();

    // Before expiry: not expired; exercise: not settled; delist: open interest.
    let before = f.snapshot(&[trader.quote]).await;
    assert_vault_error(&f.settle(put).await, VaultError::SeriesNotExpired);
    assert_vault_error(
        &f.exercise(&trader, put).await,
        VaultError::SeriesNotSettled,
    );
    let authority = f.authority.insecure_clone();
    assert_vault_error(
        &f.delist_series_as(&authority, put).await,
        VaultError::SeriesHasOpenInterest,
    );
    assert_eq!(f.snapshot(&[trader.quote]).await, before);

    // After expiry, a price from before expiry cannot settle.
    f.set_time(expiry + 10).await;
    f.oracle_state.prev_publish_time = expiry - 3;
    f.oracle_state.publish_time = expiry - 1;
    f.oracle_state.price = px(80.0);
    f.write_oracle().await;
    let before = f.snapshot(&[]).await;
    assert_vault_error(&f.settle(put).await, VaultError::SettlementPriceTooEarly);
    assert_eq!(f.snapshot(&[]).await, before);
    // Nor a later one: its previous update was already after expiry.
    f.set_time(expiry + 7_200).await;
    f.oracle_state.prev_publish_time = expiry + 1;
    f.oracle_state.publish_time = expiry + 3_601;
    f.oracle_state.price = px(70.0);
    f.write_oracle().await;
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.settle(put).await,
        VaultError::SettlementPriceNotFirstAfterExpiry,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    // The update that straddles expiry settles (late, by anyone), once, at its mid even
    // with a confidence wider than trades accept (3% > 1%): nothing else could settle.
    f.oracle_state.prev_publish_time = expiry - 1;
    f.oracle_state.publish_time = expiry + 1;
    f.oracle_state.price = px(80.0);
    f.oracle_state.conf = px(2.4) as u64;
    f.write_oracle().await;
    f.settle(put).await.unwrap();
    assert_vault_error(&f.settle(put).await, VaultError::SeriesNotActive);
    // Trading a settled series fails.
    assert_vault_error(
        &f.buy(&trader, put, ONE_UNDERLYING, u64::MAX).await,
        VaultError::SeriesNotActive,
    );
    let book = f.book_state().await;
    let s = book.series[book.find(put).unwrap()];
    assert_eq!(s.status(), SeriesStatus::Settled);
    assert_eq!(s.payout_per_unit, 20 * ONE_QUOTE);
    let before = f.balance(trader.quote).await;
    f.exercise(&trader, put).await.unwrap();
    assert_eq!(f.balance(trader.quote).await - before, 40 * ONE_QUOTE);
    // Now empty: the slot can be freed.
    f.delist_series_as(&authority, put).await.unwrap();
    let book = f.book_state().await;
    assert!(book.find(put).is_err());
}

#[tokio::test]
async fn series_admin_errors() {
    let (mut f, _) = funded(test_risk()).await;
    let authority = f.authority.insecure_clone();
    let stranger = Keypair::new();
    f.env
        .airdrop(
            &solana_sdk::signature::Signer::pubkey(&stranger),
            1_000_000_000,
        )
        .await;
    let good = ListSeriesArgs {
        kind: 0,
        strike: px(100.0),
        strike_expo: EXPO,
        expiry: f.now + 86_400,
        iv_ppm: 500_000,
        max_open_interest: ONE_UNDERLYING,
        min_trade_size: 1,
    };
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.list_series_as(&stranger, good).await,
        VaultError::Unauthorized,
    );
    for (args, want) in [
        (
            ListSeriesArgs {
                iv_ppm: 9_999,
                ..good
            },
            VaultError::IvOutOfRange,
        ),
        (
            ListSeriesArgs {
                iv_ppm: 5_000_001,
                ..good
            },
            VaultError::IvOutOfRange,
        ),
        (
            ListSeriesArgs {
                expiry: f.now,
                ..good
            },
            VaultError::InvalidExpiry,
        ),
        (
            ListSeriesArgs {
                expiry: f.now + 10 * 31_536_000 + 1,
                ..good
            },
            VaultError::InvalidExpiry,
        ),
        (
            ListSeriesArgs { strike: 0, ..good },
            VaultError::InvalidStrike,
        ),
        (
            ListSeriesArgs { strike: -1, ..good },
            VaultError::InvalidStrike,
        ),
        (
            ListSeriesArgs {
                strike_expo: i32::MAX,
                ..good
            },
            VaultError::InvalidStrike,
        ),
        // Issue 13: exponents outside [-18, 12] and strikes above 10^15 quote atoms per
        // unit (here 2·10^10 quote units: its settlement could overflow) are refused.
        (
            ListSeriesArgs {
                strike: 1_000_000_000_000_000_000,
                strike_expo: -19,
                ..good
            },
            VaultError::InvalidStrike,
        ),
        (
            ListSeriesArgs {
                strike: 2,
                strike_expo: 10,
                ..good
            },
            VaultError::InvalidStrike,
        ),
        (
            ListSeriesArgs { kind: 2, ..good },
            VaultError::InvalidSeries,
        ),
        (
            ListSeriesArgs {
                max_open_interest: 0,
                ..good
            },
            VaultError::ZeroAmount,
        ),
        (
            ListSeriesArgs {
                min_trade_size: 0,
                ..good
            },
            VaultError::InvalidMinTradeSize,
        ),
        (
            ListSeriesArgs {
                min_trade_size: ONE_UNDERLYING + 1,
                ..good
            },
            VaultError::InvalidMinTradeSize,
        ),
    ] {
        assert_vault_error(&f.list_series_as(&authority, args).await, want);
    }
    assert_eq!(f.snapshot(&[]).await, before);

    // IV changes: bounds and roles.
    let id = f.list_series(true, 100.0, 1, 500_000).await;
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.set_series_iv_as(&authority, id, 1).await,
        VaultError::IvOutOfRange,
    );
    assert_vault_error(
        &f.set_series_iv_as(&stranger, id, 600_000).await,
        VaultError::Unauthorized,
    );
    assert_vault_error(
        &f.set_series_iv_as(&authority, 777, 600_000).await,
        VaultError::SeriesNotFound,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    // A step within `max_iv_step_bps` waits `min_iv_interval_s` from the listing.
    assert_vault_error(
        &f.set_series_iv_as(&authority, id, 600_000).await,
        VaultError::IvChangeTooSoon,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    f.wait_for_iv_interval().await;
    f.set_series_iv_as(&authority, id, 600_000).await.unwrap();
    let book = f.book_state().await;
    assert_eq!(book.series[book.find(id).unwrap()].iv_ppm, 600_000);

    // The table holds 32 series; the 33rd is refused.
    for _ in 0..31 {
        f.list_series(false, 90.0, 2, 400_000).await;
    }
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.list_series_as(&authority, good).await,
        VaultError::SeriesTableFull,
    );
    assert_eq!(f.snapshot(&[]).await, before);
}

#[tokio::test]
async fn no_trading_in_the_last_minutes_and_late_settlement_at_the_pinned_price() {
    let (mut f, trader) = funded(test_risk()).await;
    let call = f.list_series(true, 100.0, 1, 500_000).await;
    let expiry = f.now + 86_400;
    f.buy(&trader, call, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    // Within trade_cutoff_s of expiry: no sales, no buy-backs.
    f.set_time(expiry - 100).await;
    f.set_price(px(100.0)).await;
    let before = f.snapshot(&[trader.quote]).await;
    assert_vault_error(
        &f.buy(&trader, call, ONE_UNDERLYING, u64::MAX).await,
        VaultError::TooCloseToExpiry,
    );
    assert_vault_error(
        &f.sell(&trader, call, ONE_UNDERLYING, 0).await,
        VaultError::TooCloseToExpiry,
    );
    assert_eq!(f.snapshot(&[trader.quote]).await, before);

    // Nobody settled while the account held the update that straddled expiry; two hours
    // on, not even the authority may settle at the price of its choice.
    f.set_time(expiry + 5).await;
    f.set_price(px(101.0)).await;
    f.set_time(expiry + 7_200).await;
    f.set_price(px(103.0)).await;
    let authority = f.authority.insecure_clone();
    let settle_as_authority = anchor_ix(
        hedge_vault::accounts::SettleSeries {
            caller: solana_sdk::signature::Signer::pubkey(&authority),
            vault: f.vault,
            book: f.book,
            oracle: f.oracle,
            event_authority: event_authority(),
            program: hedge_vault::ID,
        },
        hedge_vault::instruction::SettleSeries { series_id: call },
    );
    assert_vault_error(
        &f.env.send(&[settle_as_authority], &[&authority]).await,
        VaultError::SettlementPriceNotFirstAfterExpiry,
    );
    // The pinned update (101, the first after expiry) settles, whoever sends it: here
    // the account as it read while it held that update.
    f.oracle_state.price = px(101.0);
    f.oracle_state.prev_publish_time = expiry - 100;
    f.oracle_state.publish_time = expiry + 5;
    f.write_oracle().await;
    f.settle(call).await.unwrap();

    // Anyone may exercise on the holder's behalf: the holder is paid.
    let keeper = f.user(0).await;
    let before = f.balance(trader.quote).await;
    let mut ix = f.exercise_ix(&trader, call);
    ix.accounts[0].pubkey = keeper.key();
    ix.accounts[0].is_signer = true;
    f.env.send(&[ix], &[&keeper.kp]).await.unwrap();
    assert_eq!(f.balance(trader.quote).await - before, ONE_QUOTE);
    // The payout can only go to the position's owner.
    assert!(f
        .env
        .account(f.position_pda(call, &trader.key()))
        .await
        .is_none());
}
