//! `initialize_vault` through the real bank: PDA creation, CPIs into SPL Token and
//! Token-2022 (share mint and token accounts), the event, and its error paths.

use hedge_vault::error::VaultError;
use hedge_vault::state::{seeds, Vault};
use hedge_vault_tests::*;
use solana_program_test::BanksClientError;
use solana_sdk::instruction::InstructionError;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::TransactionError;

struct VaultKeys {
    vault: Pubkey,
    share_mint: Pubkey,
    quote_vault: Pubkey,
    underlying_vault: Pubkey,
    event_authority: Pubkey,
}

fn vault_keys(quote: &Pubkey, underlying: &Pubkey, vault_id: u16) -> VaultKeys {
    let pda = |s: &[&[u8]]| Pubkey::find_program_address(s, &hedge_vault::ID).0;
    let vault = pda(&[
        seeds::VAULT,
        quote.as_ref(),
        underlying.as_ref(),
        &vault_id.to_le_bytes(),
    ]);
    VaultKeys {
        vault,
        share_mint: pda(&[seeds::SHARE_MINT, vault.as_ref()]),
        quote_vault: pda(&[seeds::QUOTE_VAULT, vault.as_ref()]),
        underlying_vault: pda(&[seeds::UNDERLYING_VAULT, vault.as_ref()]),
        event_authority: pda(&[b"__event_authority"]),
    }
}

fn init_ix(
    authority: &Pubkey,
    quote: (Pubkey, TokenKind),
    underlying: (Pubkey, TokenKind),
    vault_id: u16,
) -> solana_sdk::instruction::Instruction {
    let k = vault_keys(&quote.0, &underlying.0, vault_id);
    anchor_ix(
        hedge_vault::accounts::InitializeVault {
            authority: *authority,
            vault: k.vault,
            quote_mint: quote.0,
            underlying_mint: underlying.0,
            share_mint: k.share_mint,
            quote_vault: k.quote_vault,
            underlying_vault: k.underlying_vault,
            quote_token_program: quote.1.program_id(),
            underlying_token_program: underlying.1.program_id(),
            system_program: solana_sdk::system_program::ID,
            event_authority: k.event_authority,
            program: hedge_vault::ID,
        },
        hedge_vault::instruction::InitializeVault { vault_id },
    )
}

async fn round_trip(quote_kind: TokenKind) {
    let mut env = TestEnv::start().await;
    let quote = env.create_mint(6, quote_kind).await;
    let underlying = env.create_mint(9, TokenKind::Spl).await;
    let authority = Keypair::new();
    let payer = env.payer();
    env.send(
        &[solana_system_interface::instruction::transfer(
            &payer.pubkey(),
            &authority.pubkey(),
            1_000_000_000,
        )],
        &[],
    )
    .await
    .unwrap();

    let ix = init_ix(
        &authority.pubkey(),
        (quote, quote_kind),
        (underlying, TokenKind::Spl),
        7,
    );
    env.send(&[ix], &[&authority]).await.unwrap();

    let k = vault_keys(&quote, &underlying, 7);
    let vault_acc = env.account(k.vault).await.unwrap();
    assert_eq!(vault_acc.owner, hedge_vault::ID);
    assert_eq!(vault_acc.data.len(), Vault::SPACE);
    let vault: Vault = env.zero_copy(k.vault).await;
    assert_eq!(vault.authority, authority.pubkey());
    assert_eq!(vault.quote_mint, quote);
    assert_eq!(vault.underlying_mint, underlying);
    assert_eq!(vault.share_mint, k.share_mint);
    assert_eq!(vault.quote_vault, k.quote_vault);
    assert_eq!(vault.underlying_vault, k.underlying_vault);
    assert_eq!((vault.quote_decimals, vault.underlying_decimals), (6, 9));
    assert_eq!(vault.vault_id, 7);

    // The CPIs created real token-program accounts owned by the right program.
    let share_mint = env.account(k.share_mint).await.unwrap();
    assert_eq!(share_mint.owner, quote_kind.program_id());
    let quote_vault = env.account(k.quote_vault).await.unwrap();
    assert_eq!(quote_vault.owner, quote_kind.program_id());
    // Token account layout: mint @0, owner @32.
    assert_eq!(&quote_vault.data[0..32], quote.as_ref());
    assert_eq!(&quote_vault.data[32..64], k.vault.as_ref());
    assert_eq!(env.token_balance(k.quote_vault).await, 0);
    let underlying_vault = env.account(k.underlying_vault).await.unwrap();
    assert_eq!(underlying_vault.owner, TokenKind::Spl.program_id());
    assert_eq!(&underlying_vault.data[32..64], k.vault.as_ref());

    // A second initialize of the same PDA fails and changes nothing.
    let again = init_ix(
        &authority.pubkey(),
        (quote, quote_kind),
        (underlying, TokenKind::Spl),
        7,
    );
    let result = env.send(&[again], &[&authority]).await;
    assert!(result.is_err(), "re-initialize must fail");
    assert_eq!(env.account(k.vault).await.unwrap().data, vault_acc.data);
}

#[tokio::test]
async fn initialize_vault_round_trip_spl_token() {
    round_trip(TokenKind::Spl).await;
}

#[tokio::test]
async fn initialize_vault_round_trip_token_2022_quote() {
    round_trip(TokenKind::Token2022).await;
}

#[tokio::test]
async fn initialize_vault_rejects_same_mint() {
    let mut env = TestEnv::start().await;
    let mint = env.create_mint(6, TokenKind::Spl).await;
    let payer = env.payer();
    let ix = init_ix(
        &payer.pubkey(),
        (mint, TokenKind::Spl),
        (mint, TokenKind::Spl),
        0,
    );
    let result = env.send(&[ix], &[]).await;
    assert_vault_error(&result, VaultError::SameMint);
    let k = vault_keys(&mint, &mint, 0);
    assert!(env.account(k.vault).await.is_none());
}

#[tokio::test]
async fn initialize_vault_rejects_wrong_token_program() {
    let mut env = TestEnv::start().await;
    let quote = env.create_mint(6, TokenKind::Spl).await;
    let underlying = env.create_mint(9, TokenKind::Spl).await;
    let payer = env.payer();
    // Quote is an SPL Token mint but Token-2022 is passed as its program.
    let ix = init_ix(
        &payer.pubkey(),
        (quote, TokenKind::Token2022),
        (underlying, TokenKind::Spl),
        0,
    );
    let result = env.send(&[ix], &[]).await;
    // Anchor creates the share mint (a CPI into the wrong program) before it checks the
    // quote mint's constraint, so the token program itself refuses first.
    assert!(
        matches!(
            result,
            Err(BanksClientError::TransactionError(
                TransactionError::InstructionError(0, InstructionError::IncorrectProgramId)
            ))
        ),
        "got {result:?}"
    );
    let k = vault_keys(&quote, &underlying, 0);
    assert!(env.account(k.vault).await.is_none());
}
