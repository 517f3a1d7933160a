//! Substituted accounts for every user-facing instruction: another real vault of the
//! same mints, a copy of the vault owned by another program, another vault's book,
//! and a wrong signer. Each fails with a named error and changes nothing.

use anchor_lang::error::ErrorCode as AnchorError;
use hedge_vault::error::VaultError;
use hedge_vault::state::OracleKind;
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::instruction::Instruction;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

struct Setup {
    f: VaultFixture,
    lp: User,
    trader: User,
    other_vault: [Pubkey; 6],
    fake_vault: Pubkey,
    call: u64,
}

async fn setup() -> Setup {
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    // A second, real vault on the same mints.
    f.initialize(1, test_risk()).await.unwrap();
    let other_vault = f.vault_keys(1);
    // A byte-for-byte copy of the vault owned by another program.
    let fake_vault = Pubkey::new_unique();
    let data = f.env.account(f.vault).await.unwrap().data;
    f.write_account(fake_vault, data, Pubkey::new_unique())
        .await;

    let lp = f.user(50_000 * ONE_QUOTE).await;
    let trader = f.user(50_000 * ONE_QUOTE).await;
    f.deposit(&lp, 40_000 * ONE_QUOTE).await.unwrap();
    let call = f.list_series(true, 100.0, 10, 500_000).await;
    f.buy(&trader, call, ONE_UNDERLYING, u64::MAX)
        .await
        .unwrap();
    f.request_withdraw(&lp, 1_000_000).await.unwrap();
    Setup {
        f,
        lp,
        trader,
        other_vault,
        fake_vault,
        call,
    }
}

async fn expect(
    s: &mut Setup,
    ix: Instruction,
    signer: &Keypair,
    want: Result<VaultError, AnchorError>,
) {
    let extra = [s.lp.quote, s.lp.shares, s.trader.quote, s.other_vault[0]];
    let before = s.f.snapshot(&extra).await;
    let r = s.f.env.send(&[ix], &[signer]).await;
    match want {
        Ok(e) => assert_vault_error(&r, e),
        Err(e) => assert_anchor_error(&r, e),
    }
    assert_eq!(s.f.snapshot(&extra).await, before);
}

fn swap(mut ix: Instruction, from: Pubkey, to: Pubkey) -> Instruction {
    for m in ix.accounts.iter_mut().filter(|m| m.pubkey == from) {
        m.pubkey = to;
    }
    ix
}

#[tokio::test]
async fn another_vault_is_refused_everywhere() {
    let mut s = setup().await;
    let (vault, other) = (s.f.vault, s.other_vault[0]);
    let lp = s.lp.kp.insecure_clone();
    let trader = s.trader.kp.insecure_clone();
    // Where the instruction creates a PDA of the vault (a withdrawal request, a first
    // position), its seeds check refuses the swap first; otherwise the vault's
    // `has_one` links do.
    let cases: Vec<(Instruction, &Keypair, Result<VaultError, AnchorError>)> = vec![
        (
            swap(s.f.deposit_ix(&s.lp, ONE_QUOTE), vault, other),
            &lp,
            Ok(VaultError::InvalidQuoteVault),
        ),
        (
            swap(s.f.request_withdraw_ix(&s.lp, 1_000), vault, other),
            &lp,
            Err(AnchorError::ConstraintSeeds),
        ),
        (
            swap(s.f.claim_withdraw_ix(&s.lp), vault, other),
            &lp,
            Ok(VaultError::InvalidQuoteVault),
        ),
        (
            swap(
                s.f.buy_ix(&s.trader, s.call, ONE_UNDERLYING, u64::MAX),
                vault,
                other,
            ),
            &trader,
            Err(AnchorError::ConstraintSeeds),
        ),
        (
            swap(
                s.f.sell_ix(&s.trader, s.call, ONE_UNDERLYING, 0),
                vault,
                other,
            ),
            &trader,
            Ok(VaultError::InvalidQuoteVault),
        ),
        (
            swap(s.f.exercise_ix(&s.trader, s.call), vault, other),
            &trader,
            Ok(VaultError::InvalidQuoteVault),
        ),
    ];
    for (ix, signer, want) in cases {
        expect(&mut s, ix, signer, want).await;
    }
    // The other vault's book with this vault.
    let ix = swap(
        s.f.buy_ix(&s.trader, s.call, ONE_UNDERLYING, u64::MAX),
        s.f.book,
        s.other_vault[1],
    );
    expect(&mut s, ix, &trader, Ok(VaultError::InvalidBook)).await;
    // The other vault's share mint and escrow.
    let ix = swap(
        s.f.claim_withdraw_ix(&s.lp),
        s.f.share_mint,
        s.other_vault[2],
    );
    expect(&mut s, ix, &lp, Ok(VaultError::InvalidShareMint)).await;
    let ix = swap(
        s.f.claim_withdraw_ix(&s.lp),
        s.f.share_escrow,
        s.other_vault[5],
    );
    expect(&mut s, ix, &lp, Ok(VaultError::InvalidShareEscrow)).await;
}

#[tokio::test]
async fn a_vault_owned_by_another_program_is_refused() {
    let mut s = setup().await;
    let (vault, fake) = (s.f.vault, s.fake_vault);
    let lp = s.lp.kp.insecure_clone();
    let trader = s.trader.kp.insecure_clone();
    let owned = Err(AnchorError::AccountOwnedByWrongProgram);
    let ix = swap(s.f.deposit_ix(&s.lp, ONE_QUOTE), vault, fake);
    expect(&mut s, ix, &lp, owned).await;
    let ix = swap(
        s.f.buy_ix(&s.trader, s.call, ONE_UNDERLYING, u64::MAX),
        vault,
        fake,
    );
    expect(&mut s, ix, &trader, owned).await;
    let ix = swap(s.f.claim_withdraw_ix(&s.lp), vault, fake);
    expect(&mut s, ix, &lp, owned).await;
}

#[tokio::test]
async fn wrong_signers_are_refused() {
    let mut s = setup().await;
    let thief = s.f.user(10 * ONE_QUOTE).await;
    let thief_kp = thief.kp.insecure_clone();
    // Claiming someone else's withdrawal: the request PDA is derived from the signer,
    // so the LP's request does not match the thief's seeds.
    let ix = swap(s.f.claim_withdraw_ix(&s.lp), s.lp.key(), thief.key());
    let ix = swap(ix, s.lp.quote, thief.quote);
    expect(&mut s, ix, &thief_kp, Err(AnchorError::ConstraintSeeds)).await;
    // Selling or exercising someone else's position: same, by the position's seeds.
    let ix = swap(
        s.f.sell_ix(&s.trader, s.call, ONE_UNDERLYING, 0),
        s.trader.key(),
        thief.key(),
    );
    let ix = swap(ix, s.trader.quote, thief.quote);
    expect(&mut s, ix, &thief_kp, Err(AnchorError::ConstraintSeeds)).await;
    // Paying a premium from someone else's token account.
    let ix = swap(
        s.f.buy_ix(&thief, s.call, ONE_UNDERLYING, u64::MAX),
        thief.quote,
        s.trader.quote,
    );
    expect(&mut s, ix, &thief_kp, Ok(VaultError::InvalidTokenAccount)).await;
    // Cancelling someone else's request: the thief has none.
    let ix = anchor_ix(
        hedge_vault::accounts::CancelWithdraw {
            lp: thief.key(),
            vault: s.f.vault,
            share_mint: s.f.share_mint,
            share_escrow: s.f.share_escrow,
            lp_shares: thief.shares,
            request: s.f.withdrawal_pda(&s.lp.key()),
            token_program: TokenKind::Spl.program_id(),
            event_authority: event_authority(),
            program: hedge_vault::ID,
        },
        hedge_vault::instruction::CancelWithdraw {},
    );
    expect(&mut s, ix, &thief_kp, Err(AnchorError::ConstraintSeeds)).await;
    assert!(thief_kp.pubkey() != s.lp.key());
}
