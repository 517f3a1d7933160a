//! A vault in a bank: mints, a Pyth oracle account the test moves, the clock, funded
//! users, and one client helper per instruction (building the real Anchor instruction
//! with every account it needs).

use anchor_lang::{AccountSerialize, Discriminator};
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use hedge_vault::instructions::{InitializeVaultArgs, ListSeriesArgs};
use hedge_vault::oracle::{PYTH_LEGACY_PROGRAM_MAINNET, PYTH_RECEIVER_PROGRAM};
use hedge_vault::state::{seeds, OptionBook, OracleKind, RiskParams, Vault, WithdrawRequest};
use hedge_vault::{accounts as ha, instruction as hi};
use pyth_sdk_solana::state::{
    AccountType, PriceInfo, PriceStatus, PriceType, SolanaPriceAccount, MAGIC, VERSION_2,
};
use pyth_solana_receiver_sdk::price_update::{PriceFeedMessage, PriceUpdateV2, VerificationLevel};
use solana_program_test::BanksClientError;
use solana_sdk::account::{Account, AccountSharedData};
use solana_sdk::clock::Clock;
use solana_sdk::instruction::Instruction;
use solana_sdk::program_pack::Pack;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

use crate::dex::Pool;
use crate::{anchor_ix, system_instruction, TestEnv, TokenKind};
use hedge_vault_client::ix::{HedgeAccounts, TradeAccounts};

pub type TxResult = Result<(), BanksClientError>;

/// Start of the tests' clock, unix seconds (2026-01-01).
pub const T0: i64 = 1_767_225_600;
pub const FEED_ID: [u8; 32] = [7u8; 32];
/// Oracle exponent: prices are mantissas × 1e-8, like Pyth's crypto feeds.
pub const EXPO: i32 = -8;
pub const QUOTE_DECIMALS: u8 = 6;
pub const UNDERLYING_DECIMALS: u8 = 9;
pub const ONE_UNDERLYING: u64 = 1_000_000_000;
pub const ONE_QUOTE: u64 = 1_000_000;

/// Price in whole quote units to an oracle mantissa at `EXPO`.
pub fn px(units: f64) -> i64 {
    (units * 1e8).round() as i64
}

/// What the oracle account says; tests change fields to provoke each fault.
#[derive(Clone, Copy, Debug)]
pub struct OracleState {
    pub price: i64,
    pub conf: u64,
    pub expo: i32,
    pub publish_time: i64,
    /// The previous update's publish time (written as at most `publish_time − 1`).
    pub prev_publish_time: i64,
    pub trading: bool,
    pub fully_verified: bool,
    pub feed_id: [u8; 32],
}

impl OracleState {
    /// The reading as the program sees it once checked: price ± conf at its publish time.
    pub fn band(&self) -> hedge_vault::oracle::OraclePrice {
        hedge_vault::oracle::OraclePrice {
            price: self.price,
            conf: self.conf,
            expo: self.expo,
            publish_time: self.publish_time,
        }
    }

    /// A new update at `t`: the current one becomes the previous (so settlement can find
    /// the update that straddles an expiry, as on a real feed).
    pub fn publish_at(&mut self, t: i64) {
        if t > self.publish_time {
            self.prev_publish_time = self.publish_time;
        }
        self.publish_time = t;
    }
}

pub fn legacy_account_data(o: &OracleState) -> Vec<u8> {
    let account = SolanaPriceAccount {
        magic: MAGIC,
        ver: VERSION_2,
        atype: AccountType::Price as u32,
        size: core::mem::size_of::<SolanaPriceAccount>() as u32,
        ptype: PriceType::Price,
        expo: o.expo,
        timestamp: o.publish_time,
        prev_timestamp: o.prev_publish_time.min(o.publish_time - 1),
        agg: PriceInfo {
            price: o.price,
            conf: o.conf,
            status: if o.trading {
                PriceStatus::Trading
            } else {
                PriceStatus::Halted
            },
            ..Default::default()
        },
        ..bytemuck::Zeroable::zeroed()
    };
    bytemuck::bytes_of(&account).to_vec()
}

pub fn pull_v2_account_data(o: &OracleState) -> Vec<u8> {
    let update = PriceUpdateV2 {
        write_authority: Pubkey::new_unique(),
        verification_level: if o.fully_verified {
            VerificationLevel::Full
        } else {
            VerificationLevel::Partial { num_signatures: 5 }
        },
        price_message: PriceFeedMessage {
            feed_id: o.feed_id,
            price: o.price,
            conf: o.conf,
            exponent: o.expo,
            publish_time: o.publish_time,
            prev_publish_time: o.prev_publish_time.min(o.publish_time - 1),
            ema_price: o.price,
            ema_conf: o.conf,
        },
        posted_slot: 1,
    };
    let mut data = Vec::with_capacity(PriceUpdateV2::LEN);
    update.try_serialize(&mut data).unwrap();
    assert_eq!(&data[..8], PriceUpdateV2::DISCRIMINATOR);
    data
}

/// A user with SOL, a quote account, a share account and (for traders) positions.
pub struct User {
    pub kp: Keypair,
    pub quote: Pubkey,
    pub shares: Pubkey,
}

impl Clone for User {
    fn clone(&self) -> Self {
        User {
            kp: self.kp.insecure_clone(),
            quote: self.quote,
            shares: self.shares,
        }
    }
}

impl User {
    pub fn key(&self) -> Pubkey {
        self.kp.pubkey()
    }
}

pub struct VaultFixture {
    pub env: TestEnv,
    pub authority: Keypair,
    pub guardian: Keypair,
    pub quote_kind: TokenKind,
    pub oracle_kind: OracleKind,
    pub quote_mint: Pubkey,
    pub underlying_mint: Pubkey,
    pub vault: Pubkey,
    pub book: Pubkey,
    pub share_mint: Pubkey,
    pub quote_vault: Pubkey,
    pub underlying_vault: Pubkey,
    pub share_escrow: Pubkey,
    pub oracle: Pubkey,
    pub oracle_state: OracleState,
    pub now: i64,
    /// The CPMM pool the vault hedges on: 1,000,000 quote and 10,000 underlying (100).
    pub pool: Pool,
    /// The pool's trade fee, parts per million.
    pub pool_fee_rate: u64,
    pub hedge_log: Pubkey,
    /// Hedge-log accounts of vault ids 0 and 1 (created by the client, not PDAs).
    pub hedge_log_kps: Vec<Keypair>,
}

/// Initial pool reserves: price 100 quote per underlying unit.
pub const POOL_QUOTE: u64 = 1_000_000 * ONE_QUOTE;
pub const POOL_UNDERLYING: u64 = 10_000 * ONE_UNDERLYING;
/// The pool's trade fee, ppm (0.25%).
pub const POOL_FEE_RATE: u64 = 2_500;

fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &hedge_vault::ID).0
}

pub fn event_authority() -> Pubkey {
    pda(&[b"__event_authority"])
}

/// Margins thin enough to sell a put book close to the vault's capital (so a crash makes
/// it liquidatable): no utilization or vega cap, initial = maintenance = 110%, target
/// 130%, otherwise [`test_risk`].
pub fn thin_margin_risk() -> RiskParams {
    RiskParams {
        max_utilization_bps: 10_000,
        max_vega_bps: 100_000,
        initial_margin_bps: 11_000,
        maintenance_margin_bps: 11_000,
        target_margin_bps: 13_000,
        ..test_risk()
    }
}

/// Risk parameters for tests: the defaults with a one-hour withdrawal delay.
pub fn test_risk() -> RiskParams {
    RiskParams {
        withdraw_delay_s: 3_600,
        ..RiskParams::DEFAULT
    }
}

impl VaultFixture {
    pub async fn new(oracle_kind: OracleKind, quote_kind: TokenKind) -> Self {
        Self::with_risk(oracle_kind, quote_kind, test_risk()).await
    }

    pub async fn with_risk(
        oracle_kind: OracleKind,
        quote_kind: TokenKind,
        risk: RiskParams,
    ) -> Self {
        let mut f = Self::uninitialized(oracle_kind, quote_kind).await;
        f.initialize(0, risk).await.expect("initialize_vault");
        f
    }

    /// Mints, oracle account and clock, but no vault yet.
    pub async fn uninitialized(oracle_kind: OracleKind, quote_kind: TokenKind) -> Self {
        Self::uninitialized_with_pool(
            oracle_kind,
            quote_kind,
            (POOL_QUOTE, POOL_UNDERLYING),
            POOL_FEE_RATE,
        )
        .await
    }

    /// Like [`uninitialized`](Self::uninitialized) with a pool of the given depth
    /// (quote atoms, underlying atoms) and trade fee (parts per million).
    pub async fn uninitialized_with_pool(
        oracle_kind: OracleKind,
        quote_kind: TokenKind,
        (pool_quote, pool_underlying): (u64, u64),
        pool_fee_rate: u64,
    ) -> Self {
        let mut env = TestEnv::start().await;
        let quote_mint = env.create_mint(QUOTE_DECIMALS, quote_kind).await;
        let underlying_mint = env.create_mint(UNDERLYING_DECIMALS, TokenKind::Spl).await;
        // The pool opens one second after its creation: create it on the tests' clock.
        let mut clock: Clock = env.ctx.banks_client.get_sysvar().await.unwrap();
        clock.unix_timestamp = T0 - 10;
        env.ctx.set_sysvar(&clock);
        let pool = env
            .create_pool(
                (quote_mint, quote_kind, pool_quote),
                (underlying_mint, TokenKind::Spl, pool_underlying),
                pool_fee_rate,
            )
            .await;
        let authority = Keypair::new();
        let guardian = Keypair::new();
        env.airdrop(&authority.pubkey(), 10_000_000_000).await;
        env.airdrop(&guardian.pubkey(), 1_000_000_000).await;
        let vault = pda(&[
            seeds::VAULT,
            authority.pubkey().as_ref(),
            quote_mint.as_ref(),
            underlying_mint.as_ref(),
            &0u16.to_le_bytes(),
        ]);
        let mut f = VaultFixture {
            env,
            authority,
            guardian,
            quote_kind,
            oracle_kind,
            quote_mint,
            underlying_mint,
            vault,
            book: pda(&[seeds::BOOK, vault.as_ref()]),
            share_mint: pda(&[seeds::SHARE_MINT, vault.as_ref()]),
            quote_vault: pda(&[seeds::QUOTE_VAULT, vault.as_ref()]),
            underlying_vault: pda(&[seeds::UNDERLYING_VAULT, vault.as_ref()]),
            share_escrow: pda(&[seeds::SHARE_ESCROW, vault.as_ref()]),
            oracle: Pubkey::new_unique(),
            oracle_state: OracleState {
                price: px(100.0),
                conf: px(0.05) as u64,
                expo: EXPO,
                publish_time: T0,
                prev_publish_time: T0 - 1,
                trading: true,
                fully_verified: true,
                feed_id: FEED_ID,
            },
            now: T0,
            pool,
            pool_fee_rate,
            hedge_log: Pubkey::default(),
            hedge_log_kps: vec![Keypair::new(), Keypair::new()],
        };
        f.hedge_log = f.hedge_log_kps[0].pubkey();
        f.set_time(T0).await;
        f.write_oracle().await;
        f
    }

    /// The system instruction that creates vault `vault_id`'s hedge log (paid by the
    /// authority, signed by the log's keypair).
    pub async fn create_hedge_log_ix(&mut self, vault_id: u16) -> Instruction {
        let space = hedge_vault::state::HedgeLog::SPACE;
        let rent = self.env.ctx.banks_client.get_rent().await.unwrap();
        system_instruction::create_account(
            &self.authority.pubkey(),
            &self.hedge_log_kps[vault_id as usize].pubkey(),
            rent.minimum_balance(space),
            space as u64,
            &hedge_vault::ID,
        )
    }

    /// Points every builder at vault `vault_id` on the same mints, oracle and pool (a
    /// new hedge-log keypair is made for ids not seen before). The vault must then be
    /// initialized.
    pub fn retarget(&mut self, vault_id: u16) {
        while self.hedge_log_kps.len() <= vault_id as usize {
            self.hedge_log_kps.push(Keypair::new());
        }
        let [vault, book, share_mint, quote_vault, underlying_vault, share_escrow] =
            self.vault_keys(vault_id);
        self.vault = vault;
        self.book = book;
        self.share_mint = share_mint;
        self.quote_vault = quote_vault;
        self.underlying_vault = underlying_vault;
        self.share_escrow = share_escrow;
        self.hedge_log = self.hedge_log_kps[vault_id as usize].pubkey();
    }

    /// Sends `ix` (an `initialize_vault`, possibly altered) after creating the hedge log.
    pub async fn send_initialize(&mut self, vault_id: u16, ix: Instruction) -> TxResult {
        let create = self.create_hedge_log_ix(vault_id).await;
        let authority = self.authority.insecure_clone();
        let log = self.hedge_log_kps[vault_id as usize].insecure_clone();
        self.env.send(&[create, ix], &[&authority, &log]).await
    }

    pub async fn initialize(&mut self, vault_id: u16, risk: RiskParams) -> TxResult {
        let ix = self.initialize_ix_for(vault_id, risk);
        self.send_initialize(vault_id, ix).await
    }

    pub fn initialize_ix(&self, risk: RiskParams) -> Instruction {
        self.initialize_ix_for(0, risk)
    }

    /// The PDAs of vault `vault_id` on this fixture's mints: (vault, book, share mint,
    /// quote vault, underlying vault, share escrow).
    pub fn vault_keys(&self, vault_id: u16) -> [Pubkey; 6] {
        let vault = pda(&[
            seeds::VAULT,
            self.authority.pubkey().as_ref(),
            self.quote_mint.as_ref(),
            self.underlying_mint.as_ref(),
            &vault_id.to_le_bytes(),
        ]);
        [
            vault,
            pda(&[seeds::BOOK, vault.as_ref()]),
            pda(&[seeds::SHARE_MINT, vault.as_ref()]),
            pda(&[seeds::QUOTE_VAULT, vault.as_ref()]),
            pda(&[seeds::UNDERLYING_VAULT, vault.as_ref()]),
            pda(&[seeds::SHARE_ESCROW, vault.as_ref()]),
        ]
    }

    pub fn initialize_ix_for(&self, vault_id: u16, risk: RiskParams) -> Instruction {
        let [vault, book, share_mint, quote_vault, underlying_vault, share_escrow] =
            self.vault_keys(vault_id);
        anchor_ix(
            ha::InitializeVault {
                authority: self.authority.pubkey(),
                vault,
                book,
                hedge_log: self.hedge_log_kps[vault_id as usize].pubkey(),
                quote_mint: self.quote_mint,
                underlying_mint: self.underlying_mint,
                share_mint,
                quote_vault,
                underlying_vault,
                share_escrow,
                oracle: self.oracle,
                dex_pool: self.pool.state,
                quote_token_program: self.quote_kind.program_id(),
                underlying_token_program: spl_token::ID,
                system_program: solana_sdk::system_program::ID,
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::InitializeVault {
                args: InitializeVaultArgs {
                    vault_id,
                    oracle_kind: self.oracle_kind,
                    oracle_feed_id: FEED_ID,
                    guardian: self.guardian.pubkey(),
                    risk_admin: Pubkey::default(),
                    risk,
                },
            },
        )
    }

    /// Sets the bank's Clock sysvar to `unix` (the bank does not move time itself).
    pub async fn set_time(&mut self, unix: i64) {
        let mut clock: Clock = self.env.ctx.banks_client.get_sysvar().await.unwrap();
        clock.unix_timestamp = unix;
        self.env.ctx.set_sysvar(&clock);
        self.now = unix;
    }

    pub async fn advance(&mut self, seconds: i64) {
        let t = self.now + seconds;
        self.set_time(t).await;
    }

    /// Writes `oracle_state` into the oracle account in the configured format.
    pub async fn write_oracle(&mut self) {
        let (data, owner) = match self.oracle_kind {
            OracleKind::PythLegacy => (
                legacy_account_data(&self.oracle_state),
                PYTH_LEGACY_PROGRAM_MAINNET,
            ),
            OracleKind::PythPullV2 => (
                pull_v2_account_data(&self.oracle_state),
                PYTH_RECEIVER_PROGRAM,
            ),
        };
        self.write_account(self.oracle, data, owner).await;
    }

    pub async fn write_account(&mut self, key: Pubkey, data: Vec<u8>, owner: Pubkey) {
        let mut acc = AccountSharedData::new(1_000_000_000, data.len(), &owner);
        acc.set_data_from_slice(&data);
        self.env.ctx.set_account(&key, &acc);
        self.env.touched.insert(key);
    }

    /// Publishes the current price again at the current time (a heartbeat update).
    pub async fn publish(&mut self) {
        let p = self.oracle_state.price;
        self.set_price(p).await;
    }

    /// Publishes a fresh price at the current time.
    pub async fn set_price(&mut self, price: i64) {
        self.oracle_state.price = price;
        self.oracle_state.publish_at(self.now);
        self.write_oracle().await;
    }

    pub async fn vault_state(&mut self) -> Vault {
        self.env.zero_copy(self.vault).await
    }

    pub async fn book_state(&mut self) -> OptionBook {
        self.env.zero_copy(self.book).await
    }

    pub async fn share_supply(&mut self) -> u64 {
        let acc = self.env.account(self.share_mint).await.unwrap();
        // Mint layout: supply u64 at offset 36 (both token programs).
        u64::from_le_bytes(acc.data[36..44].try_into().unwrap())
    }

    /// A funded user with quote and share token accounts.
    pub async fn user(&mut self, quote_amount: u64) -> User {
        let kp = Keypair::new();
        self.env.airdrop(&kp.pubkey(), 5_000_000_000).await;
        let quote = self
            .env
            .create_token_account(self.quote_mint, kp.pubkey(), self.quote_kind)
            .await;
        let shares = self
            .env
            .create_token_account(self.share_mint, kp.pubkey(), self.quote_kind)
            .await;
        if quote_amount > 0 {
            self.env
                .mint_to(self.quote_mint, quote, quote_amount, self.quote_kind)
                .await;
        }
        User { kp, quote, shares }
    }

    pub async fn balance(&mut self, token_account: Pubkey) -> u64 {
        self.env.token_balance(token_account).await
    }

    /// Snapshot of every account a test's bad input must leave unchanged.
    pub async fn snapshot(&mut self, extra: &[Pubkey]) -> Vec<Option<Account>> {
        let mut keys = vec![
            self.vault,
            self.book,
            self.share_mint,
            self.quote_vault,
            self.share_escrow,
            self.oracle,
        ];
        keys.extend_from_slice(extra);
        let mut out = Vec::new();
        for k in keys {
            out.push(self.env.account(k).await);
        }
        out
    }

    // ----- instruction builders -----

    pub fn deposit_ix(&self, lp: &User, amount: u64) -> Instruction {
        anchor_ix(
            ha::Deposit {
                lp: lp.key(),
                vault: self.vault,
                book: self.book,
                oracle: self.oracle,
                quote_mint: self.quote_mint,
                quote_vault: self.quote_vault,
                share_mint: self.share_mint,
                lp_quote: lp.quote,
                lp_shares: lp.shares,
                token_program: self.quote_kind.program_id(),
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::Deposit { amount },
        )
    }

    pub async fn deposit(&mut self, lp: &User, amount: u64) -> TxResult {
        let ix = self.deposit_ix(lp, amount);
        self.env.send(&[ix], &[&lp.kp]).await
    }

    pub fn withdrawal_pda(&self, lp: &Pubkey) -> Pubkey {
        pda(&[seeds::WITHDRAWAL, self.vault.as_ref(), lp.as_ref()])
    }

    pub fn request_withdraw_ix(&self, lp: &User, shares: u64) -> Instruction {
        anchor_ix(
            ha::RequestWithdraw {
                lp: lp.key(),
                vault: self.vault,
                book: self.book,
                oracle: self.oracle,
                share_mint: self.share_mint,
                share_escrow: self.share_escrow,
                lp_shares: lp.shares,
                request: self.withdrawal_pda(&lp.key()),
                token_program: self.quote_kind.program_id(),
                system_program: solana_sdk::system_program::ID,
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::RequestWithdraw { shares },
        )
    }

    pub async fn request_withdraw(&mut self, lp: &User, shares: u64) -> TxResult {
        let ix = self.request_withdraw_ix(lp, shares);
        self.env.send(&[ix], &[&lp.kp]).await
    }

    pub fn claim_withdraw_ix(&self, lp: &User) -> Instruction {
        anchor_ix(
            ha::ClaimWithdraw {
                lp: lp.key(),
                vault: self.vault,
                book: self.book,
                oracle: self.oracle,
                quote_mint: self.quote_mint,
                quote_vault: self.quote_vault,
                share_mint: self.share_mint,
                share_escrow: self.share_escrow,
                lp_quote: lp.quote,
                request: self.withdrawal_pda(&lp.key()),
                token_program: self.quote_kind.program_id(),
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::ClaimWithdraw {},
        )
    }

    pub async fn claim_withdraw(&mut self, lp: &User) -> TxResult {
        let ix = self.claim_withdraw_ix(lp);
        self.env.send(&[ix], &[&lp.kp]).await
    }

    pub async fn cancel_withdraw(&mut self, lp: &User) -> TxResult {
        let ix = anchor_ix(
            ha::CancelWithdraw {
                lp: lp.key(),
                vault: self.vault,
                share_mint: self.share_mint,
                share_escrow: self.share_escrow,
                lp_shares: lp.shares,
                request: self.withdrawal_pda(&lp.key()),
                token_program: self.quote_kind.program_id(),
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::CancelWithdraw {},
        );
        self.env.send(&[ix], &[&lp.kp]).await
    }

    pub async fn withdraw_request(&mut self, lp: &Pubkey) -> Option<WithdrawRequest> {
        let key = self.withdrawal_pda(lp);
        match self.env.account(key).await {
            Some(_) => Some(self.env.anchor_account(key).await),
            None => None,
        }
    }

    fn manage_accounts(&self, admin: &Pubkey) -> ha::ManageSeries {
        hedge_vault_client::ix::admin::manage(*admin, self.vault, self.book)
    }

    pub fn list_series_ix(&self, admin: &Keypair, args: ListSeriesArgs) -> Instruction {
        anchor_ix(
            self.manage_accounts(&admin.pubkey()),
            hi::ListSeries { args },
        )
    }

    pub async fn list_series_as(&mut self, admin: &Keypair, args: ListSeriesArgs) -> TxResult {
        let ix = self.list_series_ix(admin, args);
        self.env.send(&[ix], &[admin]).await
    }

    /// Lists a series as the authority and returns its id.
    pub async fn list_series(&mut self, call: bool, strike: f64, days: i64, iv_ppm: u64) -> u64 {
        let id = self.vault_state().await.next_series_id;
        let authority = self.authority.insecure_clone();
        let args = ListSeriesArgs {
            kind: if call { 0 } else { 1 },
            strike: px(strike),
            strike_expo: EXPO,
            expiry: self.now + days * 86_400,
            iv_ppm,
            max_open_interest: 1_000 * ONE_UNDERLYING,
            min_trade_size: 1,
        };
        self.list_series_as(&authority, args)
            .await
            .expect("list_series");
        id
    }

    /// Waits out `min_iv_interval_s` (since a listing or the last IV change), then
    /// publishes a fresh price and re-marks, so an IV step of at most
    /// `max_iv_step_bps` applies at once.
    pub async fn wait_for_iv_interval(&mut self) {
        let wait = self.vault_state().await.risk.min_iv_interval_s as i64;
        self.advance(wait).await;
        self.publish().await;
        self.mark_all().await;
    }

    pub async fn set_series_iv_as(
        &mut self,
        admin: &Keypair,
        series_id: u64,
        iv_ppm: u64,
    ) -> TxResult {
        let ix = anchor_ix(
            self.manage_accounts(&admin.pubkey()),
            hi::SetSeriesIv { series_id, iv_ppm },
        );
        self.env.send(&[ix], &[admin]).await
    }

    pub async fn set_series_limits_as(
        &mut self,
        admin: &Keypair,
        series_id: u64,
        max_open_interest: u64,
        min_trade_size: u64,
    ) -> TxResult {
        let ix = anchor_ix(
            self.manage_accounts(&admin.pubkey()),
            hi::SetSeriesLimits {
                series_id,
                max_open_interest,
                min_trade_size,
            },
        );
        self.env.send(&[ix], &[admin]).await
    }

    pub async fn delist_series_as(&mut self, admin: &Keypair, series_id: u64) -> TxResult {
        let ix = anchor_ix(
            self.manage_accounts(&admin.pubkey()),
            hi::DelistSeries { series_id },
        );
        self.env.send(&[ix], &[admin]).await
    }

    pub fn position_pda(&self, series_id: u64, owner: &Pubkey) -> Pubkey {
        hedge_vault_client::pda::position(&self.vault, series_id, owner)
    }

    /// The client's trade accounts for this vault (one builder per instruction lives in
    /// `hedge-vault-client`; the fixture only supplies its keys).
    pub fn trade_accounts(&self) -> TradeAccounts {
        TradeAccounts {
            vault: self.vault,
            book: self.book,
            oracle: self.oracle,
            quote_mint: self.quote_mint,
            quote_vault: self.quote_vault,
            quote_token_program: self.quote_kind.program_id(),
        }
    }

    pub fn buy_ix(
        &self,
        trader: &User,
        series_id: u64,
        size: u64,
        max_premium: u64,
    ) -> Instruction {
        self.trade_accounts()
            .buy(trader.key(), trader.quote, series_id, size, max_premium)
    }

    pub async fn buy(
        &mut self,
        trader: &User,
        series_id: u64,
        size: u64,
        max_premium: u64,
    ) -> TxResult {
        let ix = self.buy_ix(trader, series_id, size, max_premium);
        self.env.send(&[ix], &[&trader.kp]).await
    }

    pub fn sell_ix(
        &self,
        trader: &User,
        series_id: u64,
        size: u64,
        min_proceeds: u64,
    ) -> Instruction {
        self.trade_accounts()
            .sell(trader.key(), trader.quote, series_id, size, min_proceeds)
    }

    pub async fn sell(
        &mut self,
        trader: &User,
        series_id: u64,
        size: u64,
        min_proceeds: u64,
    ) -> TxResult {
        let ix = self.sell_ix(trader, series_id, size, min_proceeds);
        self.env.send(&[ix], &[&trader.kp]).await
    }

    pub fn mark_series_ix(&self, caller: &Pubkey, series_ids: &[u64]) -> Instruction {
        anchor_ix(
            ha::MarkSeries {
                caller: *caller,
                vault: self.vault,
                book: self.book,
                oracle: self.oracle,
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::MarkSeries {
                series_ids: series_ids.to_vec(),
            },
        )
    }

    /// `mark_series` for these series (paid by the payer).
    pub async fn mark_series(&mut self, series_ids: &[u64]) -> TxResult {
        let payer = self.env.payer();
        let ix = self.mark_series_ix(&payer.pubkey(), series_ids);
        self.env.send(&[ix], &[]).await
    }

    /// Re-marks every active series at the current oracle, in batches (what a keeper
    /// does before the marks go stale).
    pub async fn mark_all(&mut self) {
        let ids: Vec<u64> = self
            .book_state()
            .await
            .series
            .iter()
            .filter(|s| s.status() == hedge_vault::state::SeriesStatus::Active)
            .map(|s| s.series_id)
            .collect();
        // The first call may re-centre the book, which allows a smaller batch.
        let (vault, book) = (self.vault_state().await, self.book_state().await);
        let price = self.oracle_state.band();
        let mut size = hedge_vault::ledger::mark_batch_limit(&vault, &book, &price)
            .unwrap_or(hedge_vault::ledger::MAX_RECENTER_BATCH);
        let mut rest = &ids[..];
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(size.min(rest.len()));
            self.mark_series(chunk).await.expect("mark_series");
            rest = tail;
            size = hedge_vault::ledger::MAX_MARK_BATCH;
        }
    }

    pub async fn settle(&mut self, series_id: u64) -> TxResult {
        let payer = self.env.payer();
        let ix = self.settle_ix(&payer.pubkey(), series_id, self.oracle);
        self.env.send(&[ix], &[]).await
    }

    /// `settle_series` by `caller` reading `oracle` (a pull-oracle vault accepts any
    /// update account of its feed).
    pub fn settle_ix(&self, caller: &Pubkey, series_id: u64, oracle: Pubkey) -> Instruction {
        anchor_ix(
            ha::SettleSeries {
                caller: *caller,
                vault: self.vault,
                book: self.book,
                oracle,
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::SettleSeries { series_id },
        )
    }

    /// Posts `state` as a verified `PriceUpdateV2` into a fresh account (what anyone can
    /// do with any update from Pyth's history) and returns its address.
    pub async fn post_update(&mut self, state: OracleState) -> Pubkey {
        let key = Pubkey::new_unique();
        self.write_account(key, pull_v2_account_data(&state), PYTH_RECEIVER_PROGRAM)
            .await;
        key
    }

    pub fn exercise_ix(&self, holder: &User, series_id: u64) -> Instruction {
        anchor_ix(
            ha::Exercise {
                caller: holder.key(),
                holder: holder.key(),
                vault: self.vault,
                book: self.book,
                quote_mint: self.quote_mint,
                quote_vault: self.quote_vault,
                holder_quote: holder.quote,
                position: self.position_pda(series_id, &holder.key()),
                token_program: self.quote_kind.program_id(),
                event_authority: event_authority(),
                program: hedge_vault::ID,
            },
            hi::Exercise {},
        )
    }

    pub async fn exercise(&mut self, holder: &User, series_id: u64) -> TxResult {
        let ix = self.exercise_ix(holder, series_id);
        self.env.send(&[ix], &[&holder.kp]).await
    }

    /// The client's hedge accounts for this vault and its pool (`rebalance`,
    /// `liquidate`).
    pub fn hedge_accounts(&self) -> HedgeAccounts {
        let (pool_quote_vault, pool_underlying_vault) = if self.pool.mint_0 == self.quote_mint {
            (self.pool.vault_0, self.pool.vault_1)
        } else {
            (self.pool.vault_1, self.pool.vault_0)
        };
        HedgeAccounts {
            vault: self.vault,
            book: self.book,
            hedge_log: self.hedge_log,
            oracle: self.oracle,
            quote_mint: self.quote_mint,
            underlying_mint: self.underlying_mint,
            quote_vault: self.quote_vault,
            underlying_vault: self.underlying_vault,
            quote_token_program: self.quote_kind.program_id(),
            underlying_token_program: spl_token::ID,
            dex_authority: self.pool.authority,
            amm_config: self.pool.amm_config,
            dex_pool: self.pool.state,
            pool_quote_vault,
            pool_underlying_vault,
            observation: self.pool.observation,
        }
    }

    /// `rebalance` with the pool's accounts; `caller_quote` receives a fallback bounty.
    pub fn rebalance_ix(
        &self,
        caller: &Pubkey,
        caller_quote: Option<Pubkey>,
        min_out: u64,
    ) -> Instruction {
        self.hedge_accounts()
            .rebalance(*caller, caller_quote, min_out)
    }

    /// `liquidate`: the accounts of `rebalance`.
    pub fn liquidate_ix(&self, caller: &Pubkey, caller_quote: Option<Pubkey>) -> Instruction {
        self.hedge_accounts().liquidate(*caller, caller_quote)
    }

    pub async fn rebalance(&mut self, caller: &Keypair, caller_quote: Option<Pubkey>) -> TxResult {
        let ix = self.rebalance_ix(&caller.pubkey(), caller_quote, 0);
        self.env.send(&[ix], &[caller]).await
    }

    /// Registers `keeper` (authority).
    pub async fn add_keeper(&mut self, keeper: &Pubkey) {
        let authority = self.authority.insecure_clone();
        self.govern(
            &authority,
            hi::SetKeeper {
                keeper: *keeper,
                enabled: true,
            },
        )
        .await
        .expect("set_keeper");
    }

    pub async fn hedge_log_state(&mut self) -> hedge_vault::state::HedgeLog {
        self.env.zero_copy(self.hedge_log).await
    }

    pub fn govern_accounts(&self, signer: &Pubkey) -> ha::Govern {
        hedge_vault_client::ix::admin::govern(*signer, self.vault)
    }

    pub fn govern_ix(
        &self,
        signer: &Pubkey,
        data: impl anchor_lang::InstructionData,
    ) -> Instruction {
        anchor_ix(self.govern_accounts(signer), data)
    }

    pub async fn govern(
        &mut self,
        signer: &Keypair,
        data: impl anchor_lang::InstructionData,
    ) -> TxResult {
        let ix = self.govern_ix(&signer.pubkey(), data);
        self.env.send(&[ix], &[signer]).await
    }
}

impl TestEnv {
    pub async fn airdrop(&mut self, to: &Pubkey, lamports: u64) {
        let payer = self.payer();
        self.send(
            &[system_instruction::transfer(&payer.pubkey(), to, lamports)],
            &[],
        )
        .await
        .expect("airdrop");
    }

    pub async fn create_token_account(
        &mut self,
        mint: Pubkey,
        owner: Pubkey,
        kind: TokenKind,
    ) -> Pubkey {
        let account = Keypair::new();
        let payer = self.payer();
        let space = spl_token::state::Account::LEN;
        let rent = self.ctx.banks_client.get_rent().await.unwrap();
        let init = match kind {
            TokenKind::Spl => spl_token::instruction::initialize_account3(
                &spl_token::ID,
                &account.pubkey(),
                &mint,
                &owner,
            )
            .unwrap(),
            TokenKind::Token2022 => spl_token_2022::instruction::initialize_account3(
                &spl_token_2022::ID,
                &account.pubkey(),
                &mint,
                &owner,
            )
            .unwrap(),
        };
        self.send(
            &[
                system_instruction::create_account(
                    &payer.pubkey(),
                    &account.pubkey(),
                    rent.minimum_balance(space),
                    space as u64,
                    &kind.program_id(),
                ),
                init,
            ],
            &[&account],
        )
        .await
        .expect("create token account");
        account.pubkey()
    }

    /// Mints with the payer as mint authority (the test mints' authority).
    pub async fn mint_to(&mut self, mint: Pubkey, to: Pubkey, amount: u64, kind: TokenKind) {
        let payer = self.payer();
        let ix = match kind {
            TokenKind::Spl => spl_token::instruction::mint_to(
                &spl_token::ID,
                &mint,
                &to,
                &payer.pubkey(),
                &[],
                amount,
            )
            .unwrap(),
            TokenKind::Token2022 => spl_token_2022::instruction::mint_to(
                &spl_token_2022::ID,
                &mint,
                &to,
                &payer.pubkey(),
                &[],
                amount,
            )
            .unwrap(),
        };
        self.send(&[ix], &[]).await.expect("mint_to");
    }

    /// A plain token transfer signed by `owner` (used for donations).
    pub async fn transfer_tokens(
        &mut self,
        from: Pubkey,
        to: Pubkey,
        owner: &Keypair,
        amount: u64,
        kind: TokenKind,
    ) {
        #[allow(deprecated)]
        let ix = match kind {
            TokenKind::Spl => spl_token::instruction::transfer(
                &spl_token::ID,
                &from,
                &to,
                &owner.pubkey(),
                &[],
                amount,
            )
            .unwrap(),
            TokenKind::Token2022 => spl_token_2022::instruction::transfer(
                &spl_token_2022::ID,
                &from,
                &to,
                &owner.pubkey(),
                &[],
                amount,
            )
            .unwrap(),
        };
        self.send(&[ix], &[owner]).await.expect("transfer");
    }
}

impl VaultFixture {
    /// Moves the pool to `price` (quote per underlying unit) with a whale's swap, as
    /// arbitrageurs would after the oracle moves. Returns the whale's accounts.
    pub async fn arb_pool_to(&mut self, price: f64) {
        let (q_vault, u_vault) = if self.pool.mint_0 == self.quote_mint {
            (self.pool.vault_0, self.pool.vault_1)
        } else {
            (self.pool.vault_1, self.pool.vault_0)
        };
        let x = self.balance(q_vault).await as f64; // quote atoms
        let y = self.balance(u_vault).await as f64; // underlying atoms
                                                    // Target: x'/y' = price × 1e6 / 1e9 with x'·y' = x·y.
        let ratio = price * ONE_QUOTE as f64 / ONE_UNDERLYING as f64;
        let k = x * y;
        let y_target = (k / ratio).sqrt();
        let x_target = (k * ratio).sqrt();
        let whale = self.user(0).await;
        let und = self
            .env
            .create_token_account(self.underlying_mint, whale.key(), TokenKind::Spl)
            .await;
        let fee = 1.0 / (1.0 - self.pool_fee_rate as f64 / 1e6);
        let (input_mint, input, output, amount) = if y_target < y {
            // Buy underlying: pay quote.
            let amount = ((x_target - x) * fee).ceil() as u64;
            self.env
                .mint_to(self.quote_mint, whale.quote, amount, self.quote_kind)
                .await;
            (self.quote_mint, whale.quote, und, amount)
        } else {
            let amount = ((y_target - y) * fee).ceil() as u64;
            self.env
                .mint_to(self.underlying_mint, und, amount, TokenKind::Spl)
                .await;
            (self.underlying_mint, und, whale.quote, amount)
        };
        if amount == 0 {
            return;
        }
        let mut ix = self
            .pool
            .swap_ix(&whale.key(), &input, &output, &input_mint, amount, 0);
        // The swap's token programs follow the mints.
        let quote_program = self.quote_kind.program_id();
        if input_mint == self.quote_mint {
            ix.accounts[8].pubkey = quote_program;
        } else {
            ix.accounts[9].pubkey = quote_program;
        }
        self.env
            .send(&[ix], &[&whale.kp])
            .await
            .expect("arbitrage swap");
    }
}
