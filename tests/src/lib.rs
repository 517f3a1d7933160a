//! Test harness: the hedge vault program runs as a native processor inside
//! solana-program-test (agave's real bank); SPL Token and Token-2022 are the real
//! bytecode program-test embeds.

use anchor_lang::prelude::AccountInfo;
use anchor_lang::{AccountDeserialize, InstructionData, ToAccountMetas};
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_sdk::account::Account;
use solana_sdk::instruction::{Instruction, InstructionError};
use solana_sdk::program_pack::Pack;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};
use solana_sdk::transaction::{Transaction, TransactionError};
pub use solana_system_interface::instruction as system_instruction;

pub use hedge_vault;

/// Anchor's `entry` ties the account slice and the `AccountInfo`s to one lifetime;
/// `processor!` wants them independent. The bank keeps both alive for the whole call,
/// so unifying them is sound. This is the only place the shim exists.
pub fn hedge_vault_processor<'a, 'b, 'c, 'd>(
    program_id: &'a Pubkey,
    accounts: &'b [AccountInfo<'c>],
    data: &'d [u8],
) -> anchor_lang::solana_program::entrypoint::ProgramResult {
    // SAFETY: only lifetimes change; the data outlives this call.
    let accounts: &'c [AccountInfo<'c>] = unsafe { core::mem::transmute(accounts) };
    hedge_vault::entry(program_id, accounts, data)
}

/// A `ProgramTest` with the vault program loaded natively.
pub fn program_test() -> ProgramTest {
    let mut pt = ProgramTest::new(
        "hedge_vault",
        hedge_vault::ID,
        processor!(hedge_vault_processor),
    );
    // The Raydium CPMM stand-in, at Raydium's program id (TEST ONLY: see its README).
    pt.add_program(
        "raydium_cpmm_standin",
        raydium_cpmm_standin::ID,
        processor!(raydium_cpmm_standin::process_instruction),
    );
    // Native processors report no compute use; keep the default limit explicit.
    pt.set_compute_max_units(1_400_000);
    pt
}

/// Which token program a mint belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Spl,
    Token2022,
}

impl TokenKind {
    pub fn program_id(self) -> Pubkey {
        match self {
            TokenKind::Spl => spl_token::ID,
            TokenKind::Token2022 => spl_token_2022::ID,
        }
    }
}

/// A started bank plus helpers used by every test.
pub struct TestEnv {
    pub ctx: ProgramTestContext,
    /// Every address a transaction or a direct write touched: the sandbox seeds its
    /// `getProgramAccounts` index with it.
    pub touched: std::collections::BTreeSet<Pubkey>,
    /// When set, transactions take the newest blockhash and are made unique by a
    /// compute-unit-limit instruction carrying this counter, instead of waiting for a
    /// new blockhash (hundreds of ms each): for tests that send thousands.
    pub unique_sends: Option<u32>,
}

impl TestEnv {
    pub async fn start() -> Self {
        Self {
            ctx: program_test().start_with_context().await,
            touched: Default::default(),
            unique_sends: None,
        }
    }

    pub fn payer(&self) -> Keypair {
        self.ctx.payer.insecure_clone()
    }

    /// A transaction paid by the context payer, with a fresh blockhash (or, with
    /// `unique_sends`, the last one and a unique compute-unit limit).
    async fn signed(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<Transaction, BanksClientError> {
        let payer = self.payer();
        let mut all: Vec<&Keypair> = vec![&payer];
        all.extend_from_slice(signers);
        if let Some(n) = self.unique_sends.as_mut() {
            *n = n.wrapping_add(1);
            let mut with = vec![
                solana_sdk::compute_budget::ComputeBudgetInstruction::set_compute_unit_limit(
                    1_400_000 - (*n % 200_000),
                ),
            ];
            with.extend_from_slice(ixs);
            // The bank's newest blockhash, without waiting for a new one.
            let blockhash = self.ctx.banks_client.get_latest_blockhash().await?;
            return Ok(Transaction::new_signed_with_payer(
                &with,
                Some(&payer.pubkey()),
                &all,
                blockhash,
            ));
        }
        let blockhash = self
            .ctx
            .get_new_latest_blockhash()
            .await
            .map_err(BanksClientError::from)?;
        Ok(Transaction::new_signed_with_payer(
            ixs,
            Some(&payer.pubkey()),
            &all,
            blockhash,
        ))
    }

    /// Sends one transaction paid by the context payer, with a fresh blockhash so that
    /// a repeated instruction is not deduplicated by the bank.
    pub async fn send(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(), BanksClientError> {
        let tx = self.signed(ixs, signers).await?;
        self.touched.extend(tx.message.account_keys.iter().copied());
        self.ctx.banks_client.process_transaction(tx).await
    }

    /// Sends like [`send`](Self::send) and returns the program's `emit_cpi!` events (the
    /// data of its self-CPIs), read from a simulation of the same transaction.
    pub async fn send_with_events(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<Vec<Vec<u8>>, BanksClientError> {
        let tx = self.signed(ixs, signers).await?;
        let sim = self
            .ctx
            .banks_client
            .simulate_transaction(tx.clone())
            .await?;
        if let Some(Err(e)) = sim.result {
            return Err(BanksClientError::TransactionError(e));
        }
        let keys = &tx.message.account_keys;
        let events = sim
            .simulation_details
            .and_then(|d| d.inner_instructions)
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .filter(|inner| keys[inner.instruction.program_id_index as usize] == hedge_vault::ID)
            .map(|inner| inner.instruction.data)
            .filter(|data| data.starts_with(anchor_lang::event::EVENT_IX_TAG_LE))
            .map(|data| data[8..].to_vec())
            .collect();
        self.touched.extend(tx.message.account_keys.iter().copied());
        self.ctx.banks_client.process_transaction(tx).await?;
        Ok(events)
    }

    pub async fn account(&mut self, key: Pubkey) -> Option<Account> {
        self.ctx.banks_client.get_account(key).await.unwrap()
    }

    /// Deserializes an Anchor account (checks the discriminator).
    pub async fn anchor_account<T: AccountDeserialize>(&mut self, key: Pubkey) -> T {
        let acc = self.account(key).await.expect("account exists");
        T::try_deserialize(&mut acc.data.as_slice()).expect("anchor account")
    }

    /// Reads a zero-copy account's struct (after its 8-byte discriminator).
    pub async fn zero_copy<T: bytemuck::Pod>(&mut self, key: Pubkey) -> T {
        let acc = self.account(key).await.expect("account exists");
        *bytemuck::from_bytes::<T>(&acc.data[8..8 + core::mem::size_of::<T>()])
    }

    /// Creates a mint owned by `kind`'s program with the payer as mint authority.
    pub async fn create_mint(&mut self, decimals: u8, kind: TokenKind) -> Pubkey {
        let mint = Keypair::new();
        let payer = self.payer();
        let space = spl_token::state::Mint::LEN;
        let rent = self.ctx.banks_client.get_rent().await.unwrap();
        let ixs = [
            system_instruction::create_account(
                &payer.pubkey(),
                &mint.pubkey(),
                rent.minimum_balance(space),
                space as u64,
                &kind.program_id(),
            ),
            match kind {
                TokenKind::Spl => spl_token::instruction::initialize_mint2(
                    &spl_token::ID,
                    &mint.pubkey(),
                    &payer.pubkey(),
                    None,
                    decimals,
                )
                .unwrap(),
                TokenKind::Token2022 => spl_token_2022::instruction::initialize_mint2(
                    &spl_token_2022::ID,
                    &mint.pubkey(),
                    &payer.pubkey(),
                    None,
                    decimals,
                )
                .unwrap(),
            },
        ];
        self.send(&ixs, &[&mint]).await.expect("create mint");
        mint.pubkey()
    }

    /// Token balance of an SPL Token or Token-2022 account.
    pub async fn token_balance(&mut self, key: Pubkey) -> u64 {
        let acc = self.account(key).await.expect("token account exists");
        // Amount sits at offset 64 in both programs' base account layout.
        u64::from_le_bytes(acc.data[64..72].try_into().unwrap())
    }
}

/// Builds an Anchor instruction from its `accounts::*` and `instruction::*` types.
pub fn anchor_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: hedge_vault::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// Decodes one event (discriminator + Borsh) if it is of type `E`.
pub fn decode_event<E: anchor_lang::Event + anchor_lang::AnchorDeserialize>(
    data: &[u8],
) -> Option<E> {
    let rest = data.strip_prefix(E::DISCRIMINATOR)?;
    E::try_from_slice(rest).ok()
}

/// The first event of type `E` among `events`.
pub fn find_event<E: anchor_lang::Event + anchor_lang::AnchorDeserialize>(
    events: &[Vec<u8>],
) -> Option<E> {
    events.iter().find_map(|d| decode_event::<E>(d))
}

/// The custom error code a failed transaction carries, if any.
pub fn custom_error(result: &Result<(), BanksClientError>) -> Option<u32> {
    match result {
        Err(BanksClientError::TransactionError(TransactionError::InstructionError(
            _,
            InstructionError::Custom(code),
        )))
        | Err(BanksClientError::SimulationError {
            err: TransactionError::InstructionError(_, InstructionError::Custom(code)),
            ..
        }) => Some(*code),
        _ => None,
    }
}

/// Asserts that `result` failed with exactly this program error.
#[track_caller]
pub fn assert_vault_error(
    result: &Result<(), BanksClientError>,
    expected: hedge_vault::error::VaultError,
) {
    let want = anchor_lang::error::ERROR_CODE_OFFSET + expected as u32;
    assert_eq!(
        custom_error(result),
        Some(want),
        "expected {expected:?} ({want}), got {result:?}"
    );
}

/// Asserts that `result` failed with this Anchor framework error (e.g. a constraint).
#[track_caller]
pub fn assert_anchor_error(
    result: &Result<(), BanksClientError>,
    expected: anchor_lang::error::ErrorCode,
) {
    let want = expected as u32;
    assert_eq!(
        custom_error(result),
        Some(want),
        "expected {expected:?} ({want}), got {result:?}"
    );
}

pub mod dex;
pub mod fixture;
