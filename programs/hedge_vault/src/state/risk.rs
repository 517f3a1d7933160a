//! Risk parameters: every value has hard-coded bounds and a direction that says which
//! way is safer for the vault. Governance may tighten at once; loosening waits for the
//! timelock (see `propose_risk_params`).

use anchor_lang::prelude::*;

use crate::error::VaultError;
use crate::state::book::MAX_SERIES;

/// Which way a parameter moves to make the vault safer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tighter {
    Lower,
    Higher,
    /// Neither way is safer (e.g. the pricing rate): every change waits for the timelock.
    Neither,
}

/// One parameter as clients see it: its name, hard bounds and safer direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskParamSpec {
    pub name: &'static str,
    pub min: i128,
    pub max: i128,
    pub tighter: Tighter,
    pub doc: &'static str,
}

/// The rule a set of risk parameters breaks (`RiskParams::first_violation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiskViolation {
    /// This field is outside its hard bounds.
    OutOfBounds(&'static str),
    /// maintenance ≤ initial ≤ target margin.
    MarginOrder,
    /// exit_max_age_s ≥ oracle_max_age_s.
    ExitAge,
    /// delta_band_hard ≥ delta_band_min.
    DeltaBands,
    /// max_mark_move_bps ≥ 2 × max_conf_bps.
    MarkWindow,
    /// trade_max_price_age_s ≤ oracle_max_age_s.
    TradePriceAge,
    /// min_hold_s ≥ 2 × trade_max_price_age_s.
    MinHold,
    /// withdraw_delay_s ≤ timelock_s.
    WithdrawDelay,
}

impl RiskViolation {
    /// The rule in words.
    pub fn describe(&self) -> &'static str {
        match self {
            RiskViolation::OutOfBounds(_) => "outside its hard bounds",
            RiskViolation::MarginOrder => {
                "maintenance_margin_bps ≤ initial_margin_bps ≤ target_margin_bps"
            }
            RiskViolation::ExitAge => "exit_max_age_s ≥ oracle_max_age_s",
            RiskViolation::DeltaBands => "delta_band_hard ≥ delta_band_min",
            RiskViolation::MarkWindow => "max_mark_move_bps ≥ 2 × max_conf_bps",
            RiskViolation::TradePriceAge => "trade_max_price_age_s ≤ oracle_max_age_s",
            RiskViolation::MinHold => "min_hold_s ≥ 2 × trade_max_price_age_s",
            RiskViolation::WithdrawDelay => {
                "withdraw_delay_s ≤ timelock_s (a loosening waits at least as long as an LP's exit)"
            }
        }
    }
}

macro_rules! risk_params {
    ($( $(#[doc = $doc:literal])* $name:ident : $ty:ident = $default:expr, [$min:expr, $max:expr], $dir:ident; )*) => {
        /// Risk parameters of one vault. All fields are 8 bytes so the struct has no
        /// padding, and its Borsh encoding (instruction arguments, events) is byte for
        /// byte its in-account layout.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, AnchorSerialize, AnchorDeserialize,
            bytemuck::Pod, bytemuck::Zeroable,
        )]
        #[repr(C)]
        pub struct RiskParams {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        impl RiskParams {
            /// Sensible defaults for a USDC-quoted vault (see the README for the reasoning).
            pub const DEFAULT: RiskParams = RiskParams { $( $name: $default, )* };

            /// Every field within its hard bounds, and the cross-field rules.
            pub fn validate(&self) -> Result<()> {
                match self.first_violation() {
                    None => Ok(()),
                    Some(_) => err!(VaultError::RiskParamOutOfBounds),
                }
            }

            /// The first hard bound or cross-field rule `self` breaks, named, so clients
            /// (the admin CLI) refuse a proposal with the reason before sending it.
            // Some bounds are the type's own limits; the macro checks every field alike.
            #[allow(unused_comparisons)]
            pub fn first_violation(&self) -> Option<RiskViolation> {
                $(
                    if !(self.$name >= $min && self.$name <= $max) {
                        return Some(RiskViolation::OutOfBounds(stringify!($name)));
                    }
                )*
                let rules = [
                    (
                        self.maintenance_margin_bps <= self.initial_margin_bps
                            && self.initial_margin_bps <= self.target_margin_bps,
                        RiskViolation::MarginOrder,
                    ),
                    (self.exit_max_age_s >= self.oracle_max_age_s, RiskViolation::ExitAge),
                    (self.delta_band_hard >= self.delta_band_min, RiskViolation::DeltaBands),
                    // A fresh mark must hold the band (price ± conf) with room to move: a
                    // window narrower than the widest accepted confidence would make every
                    // mark stale on arrival and freeze exits and liquidation.
                    (self.max_mark_move_bps >= 2 * self.max_conf_bps, RiskViolation::MarkWindow),
                    // A trade's price is a fresh price; the hold must outlast twice the
                    // window in which a trader can choose between prices; and a loosening
                    // must wait at least as long as an LP's exit, so LPs who disagree can
                    // leave first.
                    (self.trade_max_price_age_s <= self.oracle_max_age_s, RiskViolation::TradePriceAge),
                    (self.min_hold_s >= 2 * self.trade_max_price_age_s, RiskViolation::MinHold),
                    (self.withdraw_delay_s <= self.timelock_s, RiskViolation::WithdrawDelay),
                ];
                rules.iter().find(|(ok, _)| !ok).map(|(_, v)| *v)
            }

            /// Every parameter's name, hard bounds and safer direction, in field order.
            pub const SPECS: &[RiskParamSpec] = &[
                $( RiskParamSpec {
                    name: stringify!($name),
                    min: $min as i128,
                    max: $max as i128,
                    tighter: Tighter::$dir,
                    doc: concat!($($doc, " "),*),
                }, )*
            ];

            /// A parameter's value by name (`None` for an unknown name).
            pub fn get(&self, name: &str) -> Option<i128> {
                match name {
                    $( stringify!($name) => Some(self.$name as i128), )*
                    _ => None,
                }
            }

            /// Sets a parameter by name; `false` for an unknown name or a value its
            /// type cannot hold (bounds are `first_violation`'s business).
            pub fn set(&mut self, name: &str, value: i128) -> bool {
                match name {
                    $( stringify!($name) => match $ty::try_from(value) {
                        Ok(v) => {
                            self.$name = v;
                            true
                        }
                        Err(_) => false,
                    }, )*
                    _ => false,
                }
            }

            /// True when no field of `self` is looser than in `current`.
            pub fn only_tightens(&self, current: &RiskParams) -> bool {
                $(
                    let same = self.$name == current.$name;
                    let ok = same || match Tighter::$dir {
                        Tighter::Lower => self.$name < current.$name,
                        Tighter::Higher => self.$name > current.$name,
                        Tighter::Neither => false,
                    };
                    if !ok {
                        return false;
                    }
                )*
                true
            }
        }
    };
}

risk_params! {
    /// Oracle: max age of a price, seconds, by the Clock's unix time.
    oracle_max_age_s: u64 = 60, [5, 600], Lower;
    /// Oracle: max age of the last accepted price for LP exits while the oracle is stale.
    exit_max_age_s: u64 = 86_400, [60, 604_800], Lower;
    /// Oracle: max confidence / price, basis points.
    max_conf_bps: u64 = 100, [1, 1_000], Lower;
    /// Haircut on the last accepted price when LPs exit on a stale oracle, bps.
    stale_haircut_bps: u64 = 500, [0, 5_000], Higher;
    /// Seconds between a withdrawal request and its claim.
    withdraw_delay_s: u64 = 86_400, [0, 2_592_000], Higher;
    /// Smallest first deposit, quote atoms.
    min_first_deposit: u64 = 1_000_000, [1, 1_000_000_000_000], Higher;
    /// Max NAV after a deposit, quote atoms.
    deposit_cap: u64 = 10_000_000_000_000, [0, u64::MAX], Lower;
    /// Half-spread around model value on trades, bps of value.
    spread_bps: u64 = 100, [0, 2_000], Higher;
    /// Trading fee, bps of model value, paid to the vault.
    fee_bps: u64 = 30, [0, 1_000], Higher;
    /// Stressed assets / stressed liabilities a trade must leave, bps (12,500 = 1.25).
    initial_margin_bps: u64 = 12_500, [10_000, 50_000], Higher;
    /// Below this stressed ratio the vault may be liquidated, bps.
    maintenance_margin_bps: u64 = 11_000, [10_000, 50_000], Higher;
    /// Liquidation stops once the stressed ratio is back above this, bps.
    target_margin_bps: u64 = 13_000, [10_000, 50_000], Higher;
    /// Stress: spot moves down and up by this, bps of spot.
    spot_shock_bps: u64 = 2_000, [100, 9_000], Higher;
    /// Stress: implied vol rises by this many bps of 1.00 (2,000 = +20 vol points).
    vol_shock_bps: u64 = 2_000, [0, 50_000], Higher;
    /// Max locked / total collateral, bps.
    max_utilization_bps: u64 = 8_000, [0, 10_000], Lower;
    /// Max |net vega| (per 1.00 of vol) as bps of NAV.
    max_vega_bps: u64 = 10_000, [0, 100_000], Lower;
    /// Quote rate r used in pricing, bps per year (signed).
    rate_bps: i64 = 0, [-5_000, 10_000], Neither;
    /// Underlying yield q used in pricing, bps per year (signed).
    div_yield_bps: i64 = 0, [-5_000, 10_000], Neither;
    /// Seconds a loosening proposal waits before it can be applied.
    timelock_s: u64 = 86_400, [60, 2_592_000], Higher;
    /// Legacy oracles only: a legacy account shows each update for about a slot, so a
    /// series also settles at the vault's own account's update published within this
    /// many seconds of expiry (the settler picks among them: keep it short). Pull
    /// oracles settle only at the update that straddles expiry.
    settle_window_s: u64 = 60, [10, 3_600], Neither;
    /// No sales or buy-backs in the last this-many seconds before expiry.
    trade_cutoff_s: u64 = 300, [0, 86_400], Higher;
    /// Hedging: smallest band on |net delta|, underlying atoms.
    delta_band_min: u64 = 100_000_000, [0, MAX_FX_ATOMS], Neither;
    /// Hedging: k of the gamma band k·|Γ|·S·σ·√(min_interval), in bps (10,000 = 1.0).
    band_k_bps: u64 = 10_000, [0, 100_000], Neither;
    /// Hedging: seconds between hedges unless |delta| exceeds `delta_band_hard`.
    min_interval_s: u64 = 60, [0, 86_400], Neither;
    /// Hedging: |net delta| that justifies an immediate hedge, underlying atoms.
    delta_band_hard: u64 = 5_000_000_000, [0, MAX_FX_ATOMS], Neither;
    /// Hedging: a price move since the last hedge that triggers one, bps.
    price_trigger_bps: u64 = 200, [1, 5_000], Neither;
    /// Hedging: largest trade per call, underlying atoms.
    max_hedge_per_call: u64 = 50_000_000_000, [1, MAX_FX_ATOMS], Lower;
    /// Hedging: largest price impact on the pool's reserves, bps.
    max_impact_bps: u64 = 100, [1, 2_000], Lower;
    /// Hedging: fill price within oracle ± this, bps (also sets minimum out).
    max_slippage_bps: u64 = 100, [1, 2_000], Lower;
    /// Seconds without a hedge (while |delta| > hard band) before anyone may rebalance.
    keeper_grace_s: u64 = 600, [60, 86_400], Neither;
    /// Largest bounty for a permissionless hedge or a liquidation, quote atoms.
    max_bounty: u64 = 10_000_000, [0, u64::MAX], Lower;
    /// Bounty as a fraction of the trade's quote notional, bps.
    bounty_bps: u64 = 10, [0, 500], Lower;
    /// Marks: a series' mark is stale after this many seconds (or a quarter of its time
    /// to expiry, if less).
    max_mark_age_s: u64 = 300, [10, 3_600], Lower;
    /// Marks: ± spot window a mark covers, bps of its price; beyond it the mark is stale.
    max_mark_move_bps: u64 = 300, [10, 2_000], Lower;
    /// Most series with open interest at once (each costs a mark to keep fresh).
    max_open_series: u64 = 32, [1, MAX_SERIES as u64], Lower;
    /// Trades, deposits and withdrawal requests: max age of the oracle price, seconds.
    /// A pull-oracle account holds whatever verified update was pushed last and anyone
    /// can push a newer one, so every second of allowed age is a window in which a
    /// trader can choose between two prices. 10 s keeps that choice to what a price
    /// moves in seconds (≈0.05% at 80% vol), below the spread and fee of a round trip;
    /// clients post a fresh update in the same transaction (Pyth's pull model).
    trade_max_price_age_s: u64 = 10, [2, 60], Lower;
    /// A buy-back within this many seconds of the position's last buy is paid at most
    /// what the buy was priced at (model value per unit), and trades within it after an
    /// IV change use the worse of the old and new IV, and trades price at the worst band
    /// accepted within it. At least twice the price age above, so a price chosen from
    /// that window is held at market risk longer than it was known in advance. 60 s: a
    /// minute of market risk for a round trip, nothing for an honest holder.
    min_hold_s: u64 = 60, [10, 86_400], Higher;
    /// Largest IV change `set_series_iv` applies at once, bps of 1.00 (1,000 = 10 vol
    /// points); a larger one is proposed and waits for `timelock_s`, so LPs can leave.
    max_iv_step_bps: u64 = 1_000, [10, 50_000], Lower;
    /// Seconds between two immediate IV changes of one series: with the step, IV moves
    /// at most 10 points an hour by default without the timelock.
    min_iv_interval_s: u64 = 3_600, [60, 604_800], Higher;
    /// Largest open-interest cap a series may be listed or set with, underlying atoms
    /// (10,000 units of a 9-decimal underlying by default; set it for the asset at
    /// initialisation). Raising it waits for the timelock like any loosening.
    max_series_oi: u64 = 10_000_000_000_000, [1, MAX_FX_ATOMS], Lower;
}

const_assert_eq!(core::mem::size_of::<RiskParams>(), 40 * 8);

/// Largest atom count the hedging math holds (`Fx` = Q64.64 has 63 integer bits):
/// the bound of the band and hedge-size parameters, so no governable value can make
/// every rebalance fail with `MathOverflow`.
pub const MAX_FX_ATOMS: u64 = i64::MAX as u64;

use static_assertions::const_assert_eq;
