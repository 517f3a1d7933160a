//! `initialize_vault` through the real bank: PDAs, CPIs into SPL Token and Token-2022
//! (share mint, escrow and token accounts), both oracle kinds, and its error paths.

use hedge_vault::error::VaultError;
use hedge_vault::state::{OracleKind, RiskParams, Vault};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_program_test::BanksClientError;
use solana_sdk::instruction::InstructionError;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::transaction::TransactionError;

async fn round_trip(oracle_kind: OracleKind, quote_kind: TokenKind) {
    let mut f = VaultFixture::new(oracle_kind, quote_kind).await;
    let acc = f.env.account(f.vault).await.unwrap();
    assert_eq!(acc.owner, hedge_vault::ID);
    assert_eq!(acc.data.len(), Vault::SPACE);
    let v = f.vault_state().await;
    assert_eq!(v.authority, f.authority.pubkey_());
    assert_eq!(v.guardian, f.guardian.pubkey_());
    assert_eq!(
        (v.quote_mint, v.underlying_mint),
        (f.quote_mint, f.underlying_mint)
    );
    assert_eq!(
        (
            v.share_mint,
            v.quote_vault,
            v.share_escrow,
            v.book,
            v.oracle
        ),
        (
            f.share_mint,
            f.quote_vault,
            f.share_escrow,
            f.book,
            f.oracle
        )
    );
    assert_eq!(v.oracle_kind, oracle_kind as u8);
    assert_eq!(v.oracle_feed_id, FEED_ID);
    assert_eq!(v.risk, test_risk());
    assert_eq!((v.quote_decimals, v.underlying_decimals), (6, 9));
    assert_eq!(v.next_series_id, 1);
    assert_eq!(f.book_state().await.vault, f.vault);

    // The CPIs created real token accounts owned by the right program and the vault.
    for (acct, program, mint) in [
        (f.quote_vault, quote_kind.program_id(), f.quote_mint),
        (f.share_escrow, quote_kind.program_id(), f.share_mint),
        (
            f.underlying_vault,
            TokenKind::Spl.program_id(),
            f.underlying_mint,
        ),
    ] {
        let a = f.env.account(acct).await.unwrap();
        assert_eq!(a.owner, program);
        assert_eq!(&a.data[0..32], mint.as_ref());
        assert_eq!(&a.data[32..64], f.vault.as_ref());
    }
    assert_eq!(
        f.env.account(f.share_mint).await.unwrap().owner,
        quote_kind.program_id()
    );

    // A second initialize of the same PDA fails and changes nothing.
    let before = f.snapshot(&[]).await;
    let ix = f.initialize_ix(test_risk());
    let result = f.send_initialize(0, ix).await;
    assert!(result.is_err(), "re-initialize must fail");
    assert_eq!(f.snapshot(&[]).await, before);
}

trait PubkeyOf {
    fn pubkey_(&self) -> Pubkey;
}
impl PubkeyOf for solana_sdk::signature::Keypair {
    fn pubkey_(&self) -> Pubkey {
        solana_sdk::signature::Signer::pubkey(self)
    }
}

#[tokio::test]
async fn round_trip_spl_quote_legacy_oracle() {
    round_trip(OracleKind::PythLegacy, TokenKind::Spl).await;
}

#[tokio::test]
async fn round_trip_token_2022_quote_pull_oracle() {
    round_trip(OracleKind::PythPullV2, TokenKind::Token2022).await;
}

async fn expect_init_failure(
    f: &mut VaultFixture,
    risk: RiskParams,
) -> Result<(), BanksClientError> {
    let ix = f.initialize_ix(risk);
    let result = f.send_initialize(0, ix).await;
    assert!(f.env.account(f.vault).await.is_none(), "no vault created");
    result
}

#[tokio::test]
async fn rejects_risk_params_out_of_bounds() {
    let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
    for risk in [
        RiskParams {
            oracle_max_age_s: 0,
            ..test_risk()
        },
        RiskParams {
            max_conf_bps: 5_000,
            ..test_risk()
        },
        RiskParams {
            initial_margin_bps: 9_000,
            ..test_risk()
        },
        RiskParams {
            maintenance_margin_bps: 20_000,
            ..test_risk()
        },
        RiskParams {
            max_utilization_bps: 10_001,
            ..test_risk()
        },
        RiskParams {
            rate_bps: -6_000,
            ..test_risk()
        },
        RiskParams {
            exit_max_age_s: 60,
            oracle_max_age_s: 600,
            ..test_risk()
        },
    ] {
        let result = expect_init_failure(&mut f, risk).await;
        assert_vault_error(&result, VaultError::RiskParamOutOfBounds);
    }
}

#[tokio::test]
async fn rejects_oracle_of_wrong_owner_or_kind() {
    let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
    // Owned by the receiver program while a legacy oracle is configured.
    let data = legacy_account_data(&f.oracle_state);
    let oracle = f.oracle;
    f.write_account(
        oracle,
        data.clone(),
        hedge_vault::oracle::PYTH_RECEIVER_PROGRAM,
    )
    .await;
    let result = expect_init_failure(&mut f, test_risk()).await;
    assert_vault_error(&result, VaultError::OracleInvalidOwner);
    // Owned by an arbitrary program.
    f.write_account(oracle, data, Pubkey::new_unique()).await;
    let result = expect_init_failure(&mut f, test_risk()).await;
    assert_vault_error(&result, VaultError::OracleInvalidOwner);
}

#[tokio::test]
async fn rejects_same_mint_and_wrong_token_program() {
    let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
    // Quote and underlying the same mint, with every PDA derived for that pair, so
    // that the mint constraint itself is what refuses it.
    let q = f.quote_mint;
    let pda = |seeds: &[&[u8]]| Pubkey::find_program_address(seeds, &hedge_vault::ID).0;
    let creator = solana_sdk::signature::Signer::pubkey(&f.authority);
    let vault = pda(&[
        b"vault",
        creator.as_ref(),
        q.as_ref(),
        q.as_ref(),
        &0u16.to_le_bytes(),
    ]);
    let mut ix = f.initialize_ix(test_risk());
    let [old_vault, old_book, old_share, old_qv, old_uv, old_escrow] = f.vault_keys(0);
    for m in ix.accounts.iter_mut() {
        let k = m.pubkey;
        m.pubkey = if k == f.underlying_mint {
            q
        } else if k == old_vault {
            vault
        } else if k == old_book {
            pda(&[b"book", vault.as_ref()])
        } else if k == old_share {
            pda(&[b"share_mint", vault.as_ref()])
        } else if k == old_qv {
            pda(&[b"quote_vault", vault.as_ref()])
        } else if k == old_uv {
            pda(&[b"underlying_vault", vault.as_ref()])
        } else if k == old_escrow {
            pda(&[b"share_escrow", vault.as_ref()])
        } else {
            k
        };
    }
    let result = f.send_initialize(0, ix).await;
    assert_vault_error(&result, VaultError::SameMint);
    assert!(f.env.account(vault).await.is_none());

    // Quote is an SPL Token mint but Token-2022 is passed as its program: the token
    // program refuses the share-mint CPI before Anchor reaches the quote constraint.
    let mut ix = f.initialize_ix(test_risk());
    let quote_program_index = ix
        .accounts
        .iter()
        .position(|m| m.pubkey == TokenKind::Spl.program_id())
        .unwrap();
    ix.accounts[quote_program_index].pubkey = TokenKind::Token2022.program_id();
    let result = f.send_initialize(0, ix).await;
    assert!(
        matches!(
            result,
            Err(BanksClientError::TransactionError(
                TransactionError::InstructionError(1, InstructionError::IncorrectProgramId)
            ))
        ),
        "got {result:?}"
    );
    assert!(f.env.account(f.vault).await.is_none());
}

/// Issue 13, low: vault addresses could be squatted (anyone could create the vault of a
/// pair and id first, with their own oracle, pool and roles). The creator is now a seed:
/// an attacker who goes first gets a vault at their own address, cannot create one at
/// the team's address (`ConstraintSeeds`), and the team's creation still succeeds.
#[tokio::test]
async fn vault_addresses_cannot_be_squatted() {
    use solana_sdk::signature::{Keypair, Signer};
    let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
    let team = f.authority.insecure_clone();
    let team_keys = f.vault_keys(0);
    // The attacker, first, with the team's mints and id.
    let attacker = Keypair::new();
    f.env.airdrop(&attacker.pubkey(), 10_000_000_000).await;
    f.authority = attacker.insecure_clone();
    let attacker_keys = f.vault_keys(0);
    assert_ne!(attacker_keys[0], team_keys[0]);
    // At the team's addresses: refused by the seeds.
    let mut ix = f.initialize_ix(test_risk());
    for m in ix.accounts.iter_mut() {
        if let Some(i) = attacker_keys.iter().position(|k| *k == m.pubkey) {
            m.pubkey = team_keys[i];
        }
    }
    let r = f.send_initialize(0, ix).await;
    assert_anchor_error(&r, anchor_lang::error::ErrorCode::ConstraintSeeds);
    assert!(f.env.account(team_keys[0]).await.is_none());
    // At their own address: a vault nobody else uses.
    f.retarget(0);
    f.initialize(0, test_risk()).await.unwrap();
    assert_eq!(f.vault_state().await.creator, attacker.pubkey());
    // The team creates its own, unhindered (with a fresh hedge-log account).
    f.authority = team;
    f.hedge_log_kps[0] = Keypair::new();
    f.retarget(0);
    f.initialize(0, test_risk()).await.unwrap();
    assert_eq!(f.vault, team_keys[0]);
    let v = f.vault_state().await;
    assert_eq!(
        (v.creator, v.authority),
        (f.authority.pubkey(), f.authority.pubkey())
    );
}

/// Issue 13: an 18-decimal underlying would cap every quantity at 9.2 units (2^63 atoms
/// in the delta math); more than 12 decimals are refused, 12 accepted.
#[tokio::test]
async fn rejects_underlying_with_more_than_12_decimals() {
    let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
    f.underlying_mint = f.env.create_mint(18, TokenKind::Spl).await;
    let [vault, ..] = f.vault_keys(0);
    let ix = f.initialize_ix(test_risk());
    assert_vault_error(
        &f.send_initialize(0, ix).await,
        VaultError::InvalidMintDecimals,
    );
    assert!(f.env.account(vault).await.is_none());
    f.underlying_mint = f.env.create_mint(13, TokenKind::Spl).await;
    let ix = f.initialize_ix(test_risk());
    assert_vault_error(
        &f.send_initialize(0, ix).await,
        VaultError::InvalidMintDecimals,
    );
    f.underlying_mint = f.env.create_mint(12, TokenKind::Spl).await;
    // The vault's pool must be of its pair (validated at creation).
    let (q, u) = (f.quote_mint, f.underlying_mint);
    f.pool = f
        .env
        .create_pool(
            (q, TokenKind::Spl, POOL_QUOTE),
            (u, TokenKind::Spl, 10_000 * 1_000_000_000_000),
            POOL_FEE_RATE,
        )
        .await;
    f.retarget(0);
    f.initialize(0, test_risk()).await.unwrap();
    assert_eq!(f.vault_state().await.underlying_decimals, 12);
}
