//! Token-2022 mint extensions (issue 13, low): `initialize_vault` refuses a quote or
//! underlying mint whose extensions could take, freeze or shrink the vault's tokens
//! (`UnsupportedMintExtension`), each tried with a real mint built by the Token-2022
//! program; harmless extensions pass.

use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use hedge_vault::error::VaultError;
use hedge_vault::state::OracleKind;
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::instruction::{AccountMeta, Instruction};
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

use spl_token_2022::extension::ExtensionType;
use spl_token_2022::state::{AccountState, Mint};

#[derive(Clone, Copy, Debug)]
enum Ext {
    PermanentDelegate,
    TransferHook,
    Pausable,
    FrozenByDefault,
    TransferFee,
    NonTransferable,
    /// Harmless: a close authority (the mint cannot close while tokens exist).
    CloseAuthority,
    /// Harmless: interest-bearing display (amounts are unchanged).
    InterestBearing,
}

/// A Token-2022 mint with `ext`, created and initialized by the Token-2022 program.
async fn mint_with(f: &mut VaultFixture, ext: Ext, decimals: u8) -> Pubkey {
    let id = spl_token_2022::ID;
    let mint = Keypair::new();
    let m = mint.pubkey();
    let payer = f.env.payer();
    let auth = payer.pubkey();
    let (space, init): (usize, Instruction) = match ext {
        Ext::PermanentDelegate => (
            ExtensionType::try_calculate_account_len::<Mint>(&[ExtensionType::PermanentDelegate])
                .unwrap(),
            spl_token_2022::instruction::initialize_permanent_delegate(&id, &m, &auth).unwrap(),
        ),
        Ext::TransferHook => (
            ExtensionType::try_calculate_account_len::<Mint>(&[ExtensionType::TransferHook])
                .unwrap(),
            spl_token_2022::extension::transfer_hook::instruction::initialize(
                &id,
                &m,
                Some(auth),
                Some(Pubkey::new_unique()),
            )
            .unwrap(),
        ),
        Ext::InterestBearing => (
            ExtensionType::try_calculate_account_len::<Mint>(&[ExtensionType::InterestBearingConfig])
                .unwrap(),
            spl_token_2022::extension::interest_bearing_mint::instruction::initialize(
                &id,
                &m,
                Some(auth),
                0,
            )
            .unwrap(),
        ),
        Ext::Pausable => {
            // Token-2022 8.0's `PausableExtension` (44) / `Initialize` (0) with the pause
            // authority; the linked SPL crate predates it, so the bytes are written here.
            // Config: authority (32) + paused (1), after the base, the type byte and TLV.
            let mut data = vec![44u8, 0];
            data.extend_from_slice(auth.as_ref());
            (
                165 + 1 + 4 + 33,
                Instruction {
                    program_id: id,
                    accounts: vec![AccountMeta::new(m, false)],
                    data,
                },
            )
        }
        Ext::FrozenByDefault => (
            ExtensionType::try_calculate_account_len::<Mint>(&[ExtensionType::DefaultAccountState])
                .unwrap(),
            spl_token_2022::extension::default_account_state::instruction::initialize_default_account_state(
                &id,
                &m,
                &AccountState::Frozen,
            )
            .unwrap(),
        ),
        Ext::TransferFee => (
            ExtensionType::try_calculate_account_len::<Mint>(&[ExtensionType::TransferFeeConfig])
                .unwrap(),
            spl_token_2022::extension::transfer_fee::instruction::initialize_transfer_fee_config(
                &id,
                &m,
                Some(&auth),
                Some(&auth),
                50,
                1_000_000,
            )
            .unwrap(),
        ),
        Ext::NonTransferable => (
            ExtensionType::try_calculate_account_len::<Mint>(&[ExtensionType::NonTransferable])
                .unwrap(),
            spl_token_2022::instruction::initialize_non_transferable_mint(&id, &m).unwrap(),
        ),
        Ext::CloseAuthority => (
            ExtensionType::try_calculate_account_len::<Mint>(&[ExtensionType::MintCloseAuthority])
                .unwrap(),
            spl_token_2022::instruction::initialize_mint_close_authority(&id, &m, Some(&auth))
                .unwrap(),
        ),
    };
    let rent = f.env.ctx.banks_client.get_rent().await.unwrap();
    let ixs = [
        system_instruction::create_account(
            &auth,
            &m,
            rent.minimum_balance(space),
            space as u64,
            &id,
        ),
        init,
        // A freeze authority (needed by the default-frozen state).
        spl_token_2022::instruction::initialize_mint2(&id, &m, &auth, Some(&auth), decimals)
            .unwrap(),
    ];
    f.env
        .send(&ixs, &[&mint])
        .await
        .unwrap_or_else(|e| panic!("create a {ext:?} mint: {e:?}"));
    m
}

#[tokio::test]
async fn mints_with_dangerous_extensions_are_refused() {
    for ext in [
        Ext::PermanentDelegate,
        Ext::TransferHook,
        Ext::Pausable,
        Ext::FrozenByDefault,
        Ext::TransferFee,
        Ext::NonTransferable,
    ] {
        // As the quote mint.
        let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Token2022).await;
        f.quote_mint = mint_with(&mut f, ext, 6).await;
        let [vault, ..] = f.vault_keys(0);
        let ix = f.initialize_ix(test_risk());
        let r = f.send_initialize(0, ix).await;
        refused(ext, &r);
        assert!(f.env.account(vault).await.is_none(), "{ext:?}: no vault");
        // As the underlying mint (its token program passed along).
        let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Spl).await;
        f.underlying_mint = mint_with(&mut f, ext, 9).await;
        let [vault, ..] = f.vault_keys(0);
        let mut ix = f.initialize_ix(test_risk());
        let n = ix.accounts.len();
        // quote_token_program, underlying_token_program, system_program end the list
        // (before the event authority and program).
        let at = ix
            .accounts
            .iter()
            .rposition(|a| a.pubkey == spl_token::ID)
            .expect("underlying token program");
        assert!(at < n);
        ix.accounts[at].pubkey = spl_token_2022::ID;
        let r = f.send_initialize(0, ix).await;
        refused(ext, &r);
        assert!(f.env.account(vault).await.is_none(), "{ext:?}: no vault");
    }
}

/// Each dangerous mint is refused by name (`UnsupportedMintExtension`), except a
/// pausable one, which never reaches the check: the SPL crate Anchor 0.31 links
/// (spl-token-2022 6) cannot parse the `Pausable` extension, so Anchor refuses the mint
/// account itself (`InvalidAccountData`). Either way no vault is created; the program's
/// own check names it once the crate can read such mints.
fn refused(ext: Ext, r: &TxResult) {
    if matches!(ext, Ext::Pausable) {
        let e = r.as_ref().expect_err("a pausable mint must be refused");
        assert!(
            format!("{e:?}").contains("InvalidAccountData"),
            "pausable: {e:?}"
        );
    } else {
        assert_vault_error(r, VaultError::UnsupportedMintExtension);
    }
}

#[tokio::test]
async fn mints_with_harmless_extensions_are_accepted() {
    for ext in [Ext::CloseAuthority, Ext::InterestBearing] {
        let mut f = VaultFixture::uninitialized(OracleKind::PythLegacy, TokenKind::Token2022).await;
        f.quote_mint = mint_with(&mut f, ext, 6).await;
        // The vault's pool must be of its pair (validated at creation).
        let (q, u) = (f.quote_mint, f.underlying_mint);
        f.pool = f
            .env
            .create_pool(
                (q, TokenKind::Token2022, POOL_QUOTE),
                (u, TokenKind::Spl, POOL_UNDERLYING),
                POOL_FEE_RATE,
            )
            .await;
        f.retarget(0);
        f.initialize(0, test_risk())
            .await
            .unwrap_or_else(|e| panic!("{ext:?}: {e:?}"));
        assert_eq!(f.vault_state().await.quote_mint, f.quote_mint);
    }
}
