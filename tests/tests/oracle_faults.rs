//! Every oracle fault, for both account formats, through `deposit` (which reads the
//! oracle like every pricing instruction). Each fails with its own named error and
//! changes nothing, including the vault's last accepted publish time.

use hedge_vault::error::VaultError;
use hedge_vault::state::{OracleKind, RiskParams};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::pubkey::Pubkey;

async fn expect_fault(
    f: &mut VaultFixture,
    lp: &User,
    setup: impl FnOnce(&mut OracleState),
    want: VaultError,
) {
    let saved = f.oracle_state;
    setup(&mut f.oracle_state);
    f.write_oracle().await;
    let before = f.snapshot(&[lp.quote, lp.shares]).await;
    let r = f.deposit(lp, 2 * ONE_QUOTE).await;
    assert_vault_error(&r, want);
    assert_eq!(f.snapshot(&[lp.quote, lp.shares]).await, before, "{want:?}");
    f.oracle_state = saved;
    f.write_oracle().await;
}

async fn common_faults(kind: OracleKind) {
    let mut f = VaultFixture::new(kind, TokenKind::Spl).await;
    let lp = f.user(100 * ONE_QUOTE).await;
    f.deposit(&lp, 2 * ONE_QUOTE).await.unwrap();
    let accepted = f.vault_state().await.last_publish_time;
    assert_eq!(accepted, T0);
    let max_age = RiskParams::DEFAULT.oracle_max_age_s as i64;

    expect_fault(
        &mut f,
        &lp,
        |o| o.price = 0,
        VaultError::OracleNonPositivePrice,
    )
    .await;
    expect_fault(
        &mut f,
        &lp,
        |o| o.price = -5,
        VaultError::OracleNonPositivePrice,
    )
    .await;
    // conf/price = 1.01% > 1%.
    expect_fault(
        &mut f,
        &lp,
        |o| o.conf = (o.price as u64) / 10_000 * 101,
        VaultError::OracleConfidenceTooWide,
    )
    .await;

    // Staleness by the Clock: the price is T0, the clock moves past max age.
    f.advance(max_age + 1).await;
    expect_fault(&mut f, &lp, |_| {}, VaultError::OracleStale).await;
    // Fresh by the oracle's rule (age == max age) but too old to price a deposit: a
    // pull-oracle account can lag, and anyone can push a newer update, so deposits,
    // requests and trades need `trade_max_price_age_s`.
    let now = f.now;
    let trade_age = RiskParams::DEFAULT.trade_max_price_age_s as i64;
    expect_fault(
        &mut f,
        &lp,
        |o| o.publish_time = now - max_age,
        VaultError::PriceTooOldToTrade,
    )
    .await;
    expect_fault(
        &mut f,
        &lp,
        |o| o.publish_time = now - trade_age - 1,
        VaultError::PriceTooOldToTrade,
    )
    .await;
    // Fresh again at the boundary (age == the trade age is accepted).
    f.oracle_state.publish_time = now - trade_age;
    f.write_oracle().await;
    f.deposit(&lp, 2 * ONE_QUOTE).await.unwrap();
    assert_eq!(f.vault_state().await.last_publish_time, now - trade_age);

    // An update older than the last accepted one, still within max age: refused.
    expect_fault(
        &mut f,
        &lp,
        |o| o.publish_time = now - trade_age - 1,
        VaultError::OracleNotMonotonic,
    )
    .await;

    // Not the configured account (a valid price account at another address).
    let other = Pubkey::new_unique();
    let data = match kind {
        OracleKind::PythLegacy => legacy_account_data(&f.oracle_state),
        OracleKind::PythPullV2 => pull_v2_account_data(&f.oracle_state),
    };
    let owner = f.env.account(f.oracle).await.unwrap().owner;
    f.write_account(other, data.clone(), owner).await;
    let mut ix = f.deposit_ix(&lp, 2 * ONE_QUOTE);
    ix.accounts[3].pubkey = other;
    let before = f.snapshot(&[lp.quote]).await;
    assert_vault_error(
        &f.env.send(&[ix], &[&lp.kp]).await,
        VaultError::OracleMismatch,
    );
    assert_eq!(f.snapshot(&[lp.quote]).await, before);

    // The configured account, owned by another program.
    let oracle = f.oracle;
    f.write_account(oracle, data.clone(), Pubkey::new_unique())
        .await;
    let before = f.snapshot(&[lp.quote]).await;
    assert_vault_error(
        &f.deposit(&lp, 2 * ONE_QUOTE).await,
        VaultError::OracleInvalidOwner,
    );
    assert_eq!(f.snapshot(&[lp.quote]).await, before);
    // Owned by the other Pyth program (the wrong kind for this vault).
    let wrong_kind = match kind {
        OracleKind::PythLegacy => hedge_vault::oracle::PYTH_RECEIVER_PROGRAM,
        OracleKind::PythPullV2 => hedge_vault::oracle::PYTH_LEGACY_PROGRAM_MAINNET,
    };
    f.write_account(oracle, data, wrong_kind).await;
    assert_vault_error(
        &f.deposit(&lp, 2 * ONE_QUOTE).await,
        VaultError::OracleInvalidOwner,
    );

    // Garbage bytes with the right owner.
    f.write_account(oracle, vec![0xAB; 200], owner).await;
    assert_vault_error(
        &f.deposit(&lp, 2 * ONE_QUOTE).await,
        VaultError::OracleInvalidData,
    );
    f.write_account(oracle, vec![], owner).await;
    assert_vault_error(
        &f.deposit(&lp, 2 * ONE_QUOTE).await,
        VaultError::OracleInvalidData,
    );
    f.write_oracle().await;
    f.deposit(&lp, 2 * ONE_QUOTE).await.unwrap();
}

#[tokio::test]
async fn legacy_oracle_faults() {
    common_faults(OracleKind::PythLegacy).await;
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    let lp = f.user(100 * ONE_QUOTE).await;
    expect_fault(
        &mut f,
        &lp,
        |o| o.trading = false,
        VaultError::OracleNotTrading,
    )
    .await;
    // A bad enum byte in the account is invalid data, not undefined behaviour.
    let mut data = legacy_account_data(&f.oracle_state);
    data[16] = 9; // ptype
    let oracle = f.oracle;
    f.write_account(
        oracle,
        data,
        hedge_vault::oracle::PYTH_LEGACY_PROGRAM_MAINNET,
    )
    .await;
    assert_vault_error(
        &f.deposit(&lp, 2 * ONE_QUOTE).await,
        VaultError::OracleInvalidData,
    );
}

#[tokio::test]
async fn pull_oracle_faults() {
    common_faults(OracleKind::PythPullV2).await;
    let mut f = VaultFixture::new(OracleKind::PythPullV2, TokenKind::Spl).await;
    let lp = f.user(100 * ONE_QUOTE).await;
    expect_fault(
        &mut f,
        &lp,
        |o| o.feed_id = [9u8; 32],
        VaultError::OracleFeedIdMismatch,
    )
    .await;
    expect_fault(
        &mut f,
        &lp,
        |o| o.fully_verified = false,
        VaultError::OracleNotFullyVerified,
    )
    .await;
}
