//! The oracle adapter. Every price the program uses comes through [`load_checked`] (or
//! [`load_for_exit`] for LP exits), which reads legacy Pyth price accounts with
//! `pyth-sdk-solana` and `PriceUpdateV2` accounts with `pyth-solana-receiver-sdk`,
//! choosing by the account's owner, and applies every check with its own named error.
//!
//! The result is a conservative band: assets are valued at `price − conf` and
//! liabilities at `price + conf`.

use anchor_lang::prelude::*;
use anchor_lang::solana_program::pubkey;
use pyth_sdk_solana::state::{
    load_price_account, CorpAction, PriceInfo, PriceStatus, PriceType, SolanaPriceAccount,
};
use pyth_solana_receiver_sdk::price_update::{PriceUpdateV2, VerificationLevel};

use crate::error::VaultError;
use crate::math::DecimalPrice;
use crate::state::{OracleKind, Vault};

/// Owner of legacy Pyth price accounts (Solana mainnet).
pub const PYTH_LEGACY_PROGRAM_MAINNET: Pubkey =
    pubkey!("FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH");
/// Owner of legacy Pyth price accounts (Solana devnet).
pub const PYTH_LEGACY_PROGRAM_DEVNET: Pubkey =
    pubkey!("gSbePebfvPy7tRqimPoVecS2UsBvYv46ynrzWocc92s");
/// Owner of `PriceUpdateV2` accounts: the Pyth receiver program.
pub const PYTH_RECEIVER_PROGRAM: Pubkey = pyth_solana_receiver_sdk::ID;

const BPS: u128 = 10_000;

/// A checked oracle reading: `price ± conf`, both × 10^expo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OraclePrice {
    pub price: i64,
    pub conf: u64,
    pub expo: i32,
    pub publish_time: i64,
}

impl OraclePrice {
    /// The published price.
    pub fn mid(&self) -> DecimalPrice {
        DecimalPrice::new(self.price, self.expo)
    }

    /// price − conf: how assets are valued. Positive, since conf/price ≤ 10%.
    pub fn low(&self) -> DecimalPrice {
        DecimalPrice::new(self.price.saturating_sub(self.conf as i64), self.expo)
    }

    /// price + conf: how liabilities are valued.
    pub fn high(&self) -> DecimalPrice {
        DecimalPrice::new(self.price.saturating_add(self.conf as i64), self.expo)
    }
}

/// What kind of account `owner` holds, or `OracleInvalidOwner`.
pub fn kind_of_owner(owner: &Pubkey) -> Result<OracleKind> {
    if *owner == PYTH_LEGACY_PROGRAM_MAINNET || *owner == PYTH_LEGACY_PROGRAM_DEVNET {
        Ok(OracleKind::PythLegacy)
    } else if *owner == PYTH_RECEIVER_PROGRAM {
        Ok(OracleKind::PythPullV2)
    } else {
        err!(VaultError::OracleInvalidOwner)
    }
}

/// A parsed reading before the vault's policy checks.
struct Raw {
    price: i64,
    conf: u64,
    expo: i32,
    publish_time: i64,
    /// When the update before this one was published (settlement pins the update whose
    /// previous one came before expiry).
    prev_publish_time: i64,
    /// Why the right account's price is unusable as it stands (non-positive, not
    /// trading, not fully verified), if it is: checked before every use.
    fault: Option<VaultError>,
}

/// A settlement reading: the checked price and when the update before it was published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettlementPrice {
    pub price: OraclePrice,
    pub prev_publish_time: i64,
}

/// Parses a legacy Pyth price account. Never panics on arbitrary bytes: the size,
/// alignment and enum bytes are checked before the SDK casts the data.
// `is_multiple_of` is newer than the Rust of Solana's platform tools; keep `%`.
#[allow(clippy::manual_is_multiple_of)]
pub fn parse_legacy(data: &[u8]) -> Result<(PriceStatus, i64, u64, i32, i64, i64)> {
    let size = core::mem::size_of::<SolanaPriceAccount>();
    require!(data.len() >= size, VaultError::OracleInvalidData);
    require!(
        (data.as_ptr() as usize) % core::mem::align_of::<SolanaPriceAccount>() == 0,
        VaultError::OracleInvalidData
    );
    // The SDK casts bytes to a struct holding three `repr(u8)` enums; an out-of-range
    // byte would be undefined behaviour, so check them first.
    let ptype = data[core::mem::offset_of!(SolanaPriceAccount, ptype)];
    let agg = core::mem::offset_of!(SolanaPriceAccount, agg);
    let status = data[agg + core::mem::offset_of!(PriceInfo, status)];
    let corp = data[agg + core::mem::offset_of!(PriceInfo, corp_act)];
    require!(
        ptype <= PriceType::Price as u8
            && status <= PriceStatus::Ignored as u8
            && corp == CorpAction::NoCorpAct as u8,
        VaultError::OracleInvalidData
    );
    let account =
        load_price_account::<32, ()>(data).map_err(|_| error!(VaultError::OracleInvalidData))?;
    Ok((
        account.agg.status,
        account.agg.price,
        account.agg.conf,
        account.expo,
        account.timestamp,
        account.prev_timestamp,
    ))
}

/// Parses a `PriceUpdateV2` account (discriminator and Borsh layout).
pub fn parse_pull_v2(data: &[u8]) -> Result<PriceUpdateV2> {
    let mut slice = data;
    PriceUpdateV2::try_deserialize(&mut slice).map_err(|_| error!(VaultError::OracleInvalidData))
}

fn read(ai: &AccountInfo, vault: &Vault) -> Result<Raw> {
    let data = ai.try_borrow_data()?;
    read_data(ai.key, ai.owner, &data, vault)
}

/// The checks that need only the account's address, owner and bytes (so the keeper can
/// run them on fetched data).
fn read_data(key: &Pubkey, owner: &Pubkey, data: &[u8], vault: &Vault) -> Result<Raw> {
    require_keys_eq!(*key, vault.oracle, VaultError::OracleMismatch);
    read_any(owner, data, vault)
}

/// Every check but the account's address: the owner of the vault's kind, the feed id
/// (pull), status or verification, a positive price.
fn read_any(owner: &Pubkey, data: &[u8], vault: &Vault) -> Result<Raw> {
    read_as(owner, data, vault.oracle_kind()?, &vault.oracle_feed_id)
}

/// A proposed oracle (`propose_venue`): parsed as `kind` with `feed_id`, so an account
/// of another feed or unparseable data is refused before it could be applied. Its
/// price may be unusable right now (the faults are not checked: a new feed may be
/// between updates).
pub fn check_candidate(ai: &AccountInfo, kind: OracleKind, feed_id: &[u8; 32]) -> Result<()> {
    read_as(ai.owner, &ai.try_borrow_data()?, kind, feed_id).map(|_| ())
}

fn read_as(owner: &Pubkey, data: &[u8], want: OracleKind, feed_id: &[u8; 32]) -> Result<Raw> {
    let kind = kind_of_owner(owner)?;
    require!(kind == want, VaultError::OracleInvalidOwner);
    match kind {
        OracleKind::PythLegacy => {
            let (status, price, conf, expo, publish_time, prev_publish_time) = parse_legacy(data)?;
            let fault = if price <= 0 {
                Some(VaultError::OracleNonPositivePrice)
            } else if status != PriceStatus::Trading {
                Some(VaultError::OracleNotTrading)
            } else {
                None
            };
            Ok(Raw {
                price,
                conf,
                expo,
                publish_time,
                prev_publish_time,
                fault,
            })
        }
        OracleKind::PythPullV2 => {
            let update = parse_pull_v2(data)?;
            let msg = &update.price_message;
            require!(msg.feed_id == *feed_id, VaultError::OracleFeedIdMismatch);
            let fault = if msg.price <= 0 {
                Some(VaultError::OracleNonPositivePrice)
            } else if update.verification_level != VerificationLevel::Full {
                Some(VaultError::OracleNotFullyVerified)
            } else {
                None
            };
            Ok(Raw {
                price: msg.price,
                conf: msg.conf,
                expo: msg.exponent,
                publish_time: msg.publish_time,
                prev_publish_time: msg.prev_publish_time,
                fault,
            })
        }
    }
}

/// conf / price ≤ max_conf_bps, compared without division (exact).
fn check_confidence(raw: &Raw, max_conf_bps: u64) -> Result<()> {
    let lhs = (raw.conf as u128)
        .checked_mul(BPS)
        .ok_or(VaultError::MathOverflow)?;
    let rhs = (raw.price as u128)
        .checked_mul(max_conf_bps as u128)
        .ok_or(VaultError::MathOverflow)?;
    require!(lhs <= rhs, VaultError::OracleConfidenceTooWide);
    Ok(())
}

/// Loads and checks the vault's oracle at unix time `now`:
/// configured account (and feed id), Pyth owner of the configured kind, positive price,
/// Trading / fully verified, publish time not older than the last accepted one
/// (`OracleNotMonotonic`), age ≤ `oracle_max_age_s` (`OracleStale`), and
/// conf/price ≤ `max_conf_bps`. Call [`accept`] to record it.
pub fn load_checked(ai: &AccountInfo, vault: &Vault, now: i64) -> Result<OraclePrice> {
    checked(read(ai, vault)?, vault, now)
}

/// [`load_checked`] on fetched account data (address, owner, bytes): what the keeper
/// uses, so it accepts exactly the prices the program accepts.
pub fn load_checked_data(
    key: &Pubkey,
    owner: &Pubkey,
    data: &[u8],
    vault: &Vault,
    now: i64,
) -> Result<OraclePrice> {
    checked(read_data(key, owner, data, vault)?, vault, now)
}

fn checked(raw: Raw, vault: &Vault, now: i64) -> Result<OraclePrice> {
    if let Some(fault) = raw.fault {
        return Err(error!(fault));
    }
    require!(
        raw.publish_time >= vault.last_publish_time,
        VaultError::OracleNotMonotonic
    );
    let age = now.saturating_sub(raw.publish_time);
    require!(
        age <= vault.risk.oracle_max_age_s as i64,
        VaultError::OracleStale
    );
    check_confidence(&raw, vault.risk.max_conf_bps)?;
    Ok(OraclePrice {
        price: raw.price,
        conf: raw.conf,
        expo: raw.expo,
        publish_time: raw.publish_time,
    })
}

/// Loads a settlement reading: every check of [`load_checked`] except the age, the
/// monotonic rule and the confidence bound (settlement pins one past update instead and
/// uses its mid: `ledger::settlement_price`).
/// A pull-oracle vault accepts **any** `PriceUpdateV2` account owned by the Pyth
/// receiver with the vault's feed id, fully verified: the update that straddles expiry
/// can then always be posted from Pyth's history (Hermes) into a fresh account, even
/// after the vault's own (e.g. sponsored) account has moved on. A legacy vault reads its
/// own account, which holds the update only while it is the latest.
pub fn load_for_settlement(ai: &AccountInfo, vault: &Vault) -> Result<SettlementPrice> {
    let data = ai.try_borrow_data()?;
    load_for_settlement_data(ai.key, ai.owner, &data, vault)
}

/// [`load_for_settlement`] on fetched account data (for the keeper).
pub fn load_for_settlement_data(
    key: &Pubkey,
    owner: &Pubkey,
    data: &[u8],
    vault: &Vault,
) -> Result<SettlementPrice> {
    if vault.oracle_kind()? == OracleKind::PythLegacy {
        require_keys_eq!(*key, vault.oracle, VaultError::OracleMismatch);
    }
    let raw = read_any(owner, data, vault)?;
    if let Some(fault) = raw.fault {
        return Err(error!(fault));
    }
    // No confidence bound: the pinned update is the only one that can settle, and the
    // series settles at its mid; refusing it for a wide band would leave the series
    // (its lock, its holders) stuck for good.
    Ok(SettlementPrice {
        price: OraclePrice {
            price: raw.price,
            conf: raw.conf,
            expo: raw.expo,
            publish_time: raw.publish_time,
        },
        prev_publish_time: raw.prev_publish_time,
    })
}

/// Records an accepted reading so that older updates are refused from now on.
pub fn accept(vault: &mut Vault, p: &OraclePrice, now: i64) {
    record_range(vault, p, now);
    vault.last_price = p.price;
    vault.last_conf = p.conf;
    vault.last_expo = p.expo;
    vault.last_publish_time = p.publish_time;
}

/// Widens the recent range (see `Vault::range_bucket`) with `p`'s band. Buckets are
/// `min_hold_s` of Clock time (not publish time: a trade's price may be older than the
/// Clock, and keyed by publish time a band could leave the range sooner than
/// `min_hold_s` after it was used), so the current and previous buckets together cover
/// at least the last `min_hold_s` seconds; a change of exponent or a gap of more than a
/// bucket starts afresh.
fn record_range(vault: &mut Vault, p: &OraclePrice, now: i64) {
    let len = vault.risk.min_hold_s.max(1) as i64;
    let bucket = now.div_euclid(len);
    let low = p.price.saturating_sub(p.conf as i64);
    let high = p.price.saturating_add(p.conf as i64);
    let same_expo = vault.last_price > 0 && p.expo == vault.last_expo;
    if same_expo && bucket == vault.range_bucket && vault.range_high > 0 {
        vault.range_low = vault.range_low.min(low);
        vault.range_high = vault.range_high.max(high);
    } else {
        let next = same_expo && bucket == vault.range_bucket.saturating_add(1);
        (vault.range_prev_low, vault.range_prev_high) = if next && vault.range_high > 0 {
            (vault.range_low, vault.range_high)
        } else {
            (low, high)
        };
        vault.range_low = low;
        vault.range_high = high;
        vault.range_bucket = bucket;
    }
}

/// The recent range (lowest low, highest high) of accepted bands, if any.
pub fn recent_range(vault: &Vault) -> Option<(i64, i64)> {
    (vault.range_high > 0).then(|| {
        (
            vault.range_low.min(vault.range_prev_low),
            vault.range_high.max(vault.range_prev_high),
        )
    })
}

/// A price for LP exits. A fresh oracle is used as is (and accepted). When the account
/// is the right one but its price fails a check:
/// - a **newer readable price** (positive, trading, fully verified, published after the
///   last accepted one, within `exit_max_age_s`) that is only stale or too uncertain is
///   used with its own confidence widened by `stale_haircut_bps`: in a crash with wide
///   confidence the exit follows the market, not the last calm price;
/// - otherwise the feed is **dead** (nothing newer is readable): the last accepted price
///   up to `exit_max_age_s`, its band widened by the haircut.
///
/// Exits on either path value liabilities at the locks, over a band the marks' stressed
/// range must cover (`valuation::nav_for_exit`). Returns the price and whether it is fresh.
///
/// `haircut_bps` is the exit's own term: the vault's `stale_haircut_bps` for a request,
/// the one recorded in the request for its claim (a later change never reaches it).
pub fn load_for_exit(
    ai: &AccountInfo,
    vault: &Vault,
    now: i64,
    haircut_bps: u64,
) -> Result<(OraclePrice, bool)> {
    exit_price(read(ai, vault), vault, now, haircut_bps)
}

/// [`load_for_exit`] on fetched account data (for the keeper and the property tests).
pub fn load_for_exit_data(
    key: &Pubkey,
    owner: &Pubkey,
    data: &[u8],
    vault: &Vault,
    now: i64,
    haircut_bps: u64,
) -> Result<(OraclePrice, bool)> {
    exit_price(read_data(key, owner, data, vault), vault, now, haircut_bps)
}

/// `price` with `conf` widened by `haircut_bps` of it (rounded up), kept below the
/// price so the band's low stays positive.
fn with_haircut(
    haircut_bps: u64,
    price: i64,
    conf: u64,
    expo: i32,
    publish_time: i64,
) -> Result<OraclePrice> {
    let haircut = (price as u128)
        .checked_mul(haircut_bps as u128)
        .and_then(|v| v.checked_add(BPS - 1))
        .map(|v| v / BPS)
        .ok_or(VaultError::MathOverflow)?;
    let conf = (conf as u128)
        .checked_add(haircut)
        .and_then(|v| u64::try_from(v).ok())
        .ok_or(VaultError::MathOverflow)?;
    Ok(OraclePrice {
        price,
        conf: conf.min(price as u64 - 1),
        expo,
        publish_time,
    })
}

fn exit_price(
    read: Result<Raw>,
    vault: &Vault,
    now: i64,
    haircut_bps: u64,
) -> Result<(OraclePrice, bool)> {
    // Identity faults (wrong account, owner, feed or unparseable data) fail here.
    let raw = read?;
    let (price, conf, expo, publish_time, fault) =
        (raw.price, raw.conf, raw.expo, raw.publish_time, raw.fault);
    let exit_age = vault.risk.exit_max_age_s as i64;
    match checked(raw, vault, now) {
        Ok(p) => Ok((p, true)),
        Err(e)
            if [VaultError::OracleStale, VaultError::OracleConfidenceTooWide]
                .into_iter()
                .any(|code| is_error(&e, code))
                && fault.is_none()
                && publish_time > vault.last_publish_time
                && now.saturating_sub(publish_time) <= exit_age =>
        {
            // A newer readable price: the market's latest word, with its own conf, and
            // at least as wide as the last accepted band (with the haircut) when the
            // exponents agree, so an exiter who picks among updates anyone can post
            // (a sponsored account) gets no better low than the dead-feed path.
            let mut band = with_haircut(haircut_bps, price, conf, expo, publish_time)?;
            if expo == vault.last_expo && vault.last_price > 0 {
                let last = with_haircut(
                    haircut_bps,
                    vault.last_price,
                    vault.last_conf,
                    vault.last_expo,
                    vault.last_publish_time,
                )?;
                // The band [min of the lows, max of the highs], as a centre ± conf (the
                // low is what exits value assets at; the high only bounds coverage).
                let low = band.low().mantissa.min(last.low().mantissa).max(1);
                let high = band.high().mantissa.max(last.high().mantissa);
                band.price = low + (high - low) / 2;
                band.conf = ((high - band.price) as u64).min(band.price as u64 - 1);
            }
            Ok((band, false))
        }
        Err(e)
            if [
                VaultError::OracleStale,
                VaultError::OracleNotTrading,
                VaultError::OracleConfidenceTooWide,
                VaultError::OracleNotFullyVerified,
                VaultError::OracleNonPositivePrice,
                VaultError::OracleNotMonotonic,
            ]
            .into_iter()
            .any(|code| is_error(&e, code)) =>
        {
            // A dead feed: nothing newer than the last accepted price is readable.
            let age = now.saturating_sub(vault.last_publish_time);
            require!(
                vault.last_price > 0 && age <= exit_age,
                VaultError::OracleStale
            );
            Ok((
                with_haircut(
                    haircut_bps,
                    vault.last_price,
                    vault.last_conf,
                    vault.last_expo,
                    vault.last_publish_time,
                )?,
                false,
            ))
        }
        Err(e) => Err(e),
    }
}

/// True when `e` is the program error `code`.
pub fn is_error(e: &anchor_lang::error::Error, code: VaultError) -> bool {
    match e {
        anchor_lang::error::Error::AnchorError(a) => {
            a.error_code_number == anchor_lang::error::ERROR_CODE_OFFSET + code as u32
        }
        _ => false,
    }
}
