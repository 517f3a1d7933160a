//! Each pausable instruction refuses while its bit is set, and each pricing instruction
//! refuses a stale or foreign oracle; always with the named error and nothing changed.

use hedge_vault::error::VaultError;
use hedge_vault::instruction as hi;
use hedge_vault::state::{pause, OracleKind};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::Keypair;

struct World {
    f: VaultFixture,
    lp: User,
    trader: User,
    call: u64,
    expired: u64,
}

/// A vault with a deposit, an open position, a pending withdrawal and an expired,
/// settleable series.
async fn world() -> World {
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    let lp = f.user(50_000 * ONE_QUOTE).await;
    let trader = f.user(50_000 * ONE_QUOTE).await;
    f.deposit(&lp, 40_000 * ONE_QUOTE).await.unwrap();
    let call = f.list_series(true, 100.0, 30, 500_000).await;
    let expired = f.list_series(false, 100.0, 1, 500_000).await;
    f.buy(&trader, call, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    f.buy(&trader, expired, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    f.request_withdraw(&lp, 1_000_000).await.unwrap();
    f.advance(86_400 + 10).await;
    f.set_price(px(100.0)).await;
    f.mark_all().await;
    World {
        f,
        lp,
        trader,
        call,
        expired,
    }
}

fn settle_ix(w: &World) -> Instruction {
    anchor_ix(
        hedge_vault::accounts::SettleSeries {
            caller: w.f.env.ctx.payer.insecure_clone().pubkey_(),
            vault: w.f.vault,
            book: w.f.book,
            oracle: w.f.oracle,
            event_authority: event_authority(),
            program: hedge_vault::ID,
        },
        hi::SettleSeries {
            series_id: w.expired,
        },
    )
}

trait Pk {
    fn pubkey_(&self) -> Pubkey;
}
impl Pk for Keypair {
    fn pubkey_(&self) -> Pubkey {
        solana_sdk::signature::Signer::pubkey(self)
    }
}

async fn refused(w: &mut World, ix: Instruction, signer: Option<&Keypair>, want: VaultError) {
    let extra = [w.lp.quote, w.lp.shares, w.trader.quote];
    let before = w.f.snapshot(&extra).await;
    let signers: Vec<&Keypair> = signer.into_iter().collect();
    let r = w.f.env.send(&[ix], &signers).await;
    assert_vault_error(&r, want);
    assert_eq!(w.f.snapshot(&extra).await, before, "{want:?}");
}

#[tokio::test]
async fn every_pause_bit_stops_its_instruction() {
    let mut w = world().await;
    let authority = w.f.authority.insecure_clone();
    let lp = w.lp.kp.insecure_clone();
    let trader = w.trader.kp.insecure_clone();
    let cases: Vec<(u32, Instruction, Option<&Keypair>)> = vec![
        (pause::DEPOSIT, w.f.deposit_ix(&w.lp, ONE_QUOTE), Some(&lp)),
        (
            pause::REQUEST_WITHDRAW,
            w.f.request_withdraw_ix(&w.lp, 1_000),
            Some(&lp),
        ),
        (
            pause::CLAIM_WITHDRAW,
            w.f.claim_withdraw_ix(&w.lp),
            Some(&lp),
        ),
        (
            pause::BUY_OPTION,
            w.f.buy_ix(&w.trader, w.call, ONE_UNDERLYING, u64::MAX),
            Some(&trader),
        ),
        (
            pause::SELL_OPTION,
            w.f.sell_ix(&w.trader, w.call, ONE_UNDERLYING, 0),
            Some(&trader),
        ),
        (pause::SETTLE_SERIES, settle_ix(&w), None),
    ];
    for (flag, ix, signer) in cases {
        w.f.govern(&authority, hi::SetPause { flags: flag })
            .await
            .unwrap();
        // The request instruction would also fail on the existing request PDA; the
        // pause is checked in the handler, so cancel the pending one first.
        if flag == pause::REQUEST_WITHDRAW {
            w.f.cancel_withdraw(&w.lp).await.unwrap();
        }
        refused(&mut w, ix, signer, VaultError::InstructionPaused).await;
        if flag == pause::REQUEST_WITHDRAW {
            w.f.govern(&authority, hi::SetPause { flags: 0 })
                .await
                .unwrap();
            w.f.request_withdraw(&w.lp, 1_000_000).await.unwrap();
        }
    }
    // Exercise: settle first, then pause exercising.
    w.f.govern(&authority, hi::SetPause { flags: 0 })
        .await
        .unwrap();
    w.f.settle(w.expired).await.unwrap();
    w.f.govern(
        &authority,
        hi::SetPause {
            flags: pause::EXERCISE,
        },
    )
    .await
    .unwrap();
    let ix = w.f.exercise_ix(&w.trader, w.expired);
    refused(&mut w, ix, Some(&trader), VaultError::InstructionPaused).await;
}

#[tokio::test]
async fn pricing_instructions_refuse_bad_oracles() {
    let mut w = world().await;
    let lp = w.lp.kp.insecure_clone();
    let trader = w.trader.kp.insecure_clone();
    // Stale: beyond max age (but within the LP exit age, which only claims and requests
    // tolerate).
    w.f.advance(120).await;
    let ix = w.f.deposit_ix(&w.lp, ONE_QUOTE);
    refused(&mut w, ix, Some(&lp), VaultError::OracleStale).await;
    let ix = w.f.buy_ix(&w.trader, w.call, ONE_UNDERLYING, u64::MAX);
    refused(&mut w, ix, Some(&trader), VaultError::OracleStale).await;
    let ix = w.f.sell_ix(&w.trader, w.call, ONE_UNDERLYING, 0);
    refused(&mut w, ix, Some(&trader), VaultError::OracleStale).await;

    // A foreign owner: every instruction that reads the oracle refuses it.
    let data = legacy_account_data(&w.f.oracle_state);
    let oracle = w.f.oracle;
    w.f.write_account(oracle, data, Pubkey::new_unique()).await;
    let cases: Vec<(Instruction, Option<&Keypair>)> = vec![
        (w.f.deposit_ix(&w.lp, ONE_QUOTE), Some(&lp)),
        (w.f.claim_withdraw_ix(&w.lp), Some(&lp)),
        (
            w.f.buy_ix(&w.trader, w.call, ONE_UNDERLYING, u64::MAX),
            Some(&trader),
        ),
        (
            w.f.sell_ix(&w.trader, w.call, ONE_UNDERLYING, 0),
            Some(&trader),
        ),
        (settle_ix(&w), None),
    ];
    for (ix, signer) in cases {
        refused(&mut w, ix, signer, VaultError::OracleInvalidOwner).await;
    }
}
