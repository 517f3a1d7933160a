//! Each command: what the program will check, checked first (refused by name), the role
//! that must sign, and the instructions (built once the signer is known).

use std::io::Write;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_vault::instructions::list_series::{ListSeriesArgs, IV_MAX_PPM, IV_MIN_PPM, MAX_TENOR_S};
use hedge_vault::ledger::{self, IvChange};
use hedge_vault::state::{OracleKind, SeriesStatus, Vault, MAX_KEEPERS};
use hedge_vault_client::errors::vault_code;
use hedge_vault_client::ix::admin as ix;

use crate::cli::{Command, KindArg, OracleKindArg, PauseName};
use crate::config::{parse_pubkey, parse_pubkey_or_none};
use crate::errors::AdminError;
use crate::units::{decimal_to_atoms, format_duration, format_utc, parse_time, vol_to_ppm};
use crate::{risk_file, show, Chain};

/// Who must sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Authority,
    AuthorityOrGuardian,
    PendingAuthority,
    /// The authority or the risk admin (`ManageSeries`).
    SeriesAdmin,
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Authority => "authority",
            Role::AuthorityOrGuardian => "authority or guardian",
            Role::PendingAuthority => "pending authority",
            Role::SeriesAdmin => "authority or risk admin",
        }
    }

    /// The accounts holding the role now (a disabled role holds none).
    pub fn holders(&self, v: &Vault) -> Vec<Pubkey> {
        let keys = match self {
            Role::Authority => vec![v.authority],
            Role::AuthorityOrGuardian => vec![v.authority, v.guardian],
            Role::PendingAuthority => vec![v.pending_authority],
            Role::SeriesAdmin => vec![v.authority, v.risk_admin],
        };
        keys.into_iter()
            .filter(|k| *k != Pubkey::default())
            .collect()
    }
}

type After = Box<dyn Fn(&Chain, &mut dyn Write) -> std::io::Result<()>>;

/// A checked command, ready to sign.
pub struct Plan {
    pub command: &'static str,
    pub role: Role,
    pub build: Box<dyn Fn(Pubkey) -> Vec<Instruction>>,
    /// What to report once it landed (re-read from the chain).
    pub after: Option<After>,
}

fn refused(error: &'static str, reason: impl Into<String>) -> AdminError {
    AdminError::Refused {
        error,
        reason: reason.into(),
    }
}

fn input(key: &'static str) -> impl Fn(String) -> AdminError {
    move |problem| AdminError::Config { key, problem }
}

/// Checks `command` against the vault and plans it. `print_only` relaxes the checks that
/// only hold at execution time (a multisig prepares `apply-*` before the timelock ends).
pub fn plan(
    command: &Command,
    chain: &Chain,
    print_only: bool,
    out: &mut dyn Write,
) -> Result<Plan, AdminError> {
    let v = &chain.vault;
    let vault = chain.vault_key;
    let book = v.book;
    let now = chain.now;
    let w = |out: &mut dyn Write, line: String| {
        writeln!(out, "{line}").map_err(|e| input("output")(e.to_string()))
    };
    Ok(match command {
        Command::Show => unreachable!("`show` sends nothing"),
        Command::ProposeRisk { file } => {
            let text = std::fs::read_to_string(file).map_err(|e| AdminError::Config {
                key: "risk file",
                problem: format!("cannot read {}: {e}", file.display()),
            })?;
            let p = risk_file::parse(&text, &v.risk)?;
            w(
                &mut *out,
                format!("proposed risk parameters of vault {vault}:"),
            )?;
            for line in risk_file::describe(&p.changes) {
                w(&mut *out, line)?;
            }
            let tightens = p.only_tightens(&v.risk);
            let pending = v.pending_risk_eta != 0;
            if tightens {
                w(
                    &mut *out,
                    "every change tightens: it applies at once.".into(),
                )?;
                if pending {
                    w(&mut *out, format!(
                        "note: this drops the pending proposal (applicable from {}); re-propose it if it is still wanted.",
                        format_utc(v.pending_risk_eta)
                    ))?;
                }
            } else {
                let eta = now.saturating_add(v.risk.timelock_s as i64);
                w(&mut *out, format!(
                    "it loosens: it waits for the timelock ({}), then `hedge-admin apply-risk` from about {}. Only the authority may propose it.",
                    format_duration(v.risk.timelock_s as i64),
                    format_utc(eta)
                ))?;
                if pending {
                    w(
                        &mut *out,
                        "note: this replaces the pending proposal.".into(),
                    )?;
                }
            }
            let params = p.params;
            Plan {
                command: "propose-risk",
                role: if tightens {
                    Role::AuthorityOrGuardian
                } else {
                    Role::Authority
                },
                build: Box::new(move |s: Pubkey| vec![ix::propose_risk(s, vault, params)]),
                after: Some(Box::new(|c: &Chain, out: &mut dyn Write| {
                    if c.vault.pending_risk_eta != 0 {
                        writeln!(
                            out,
                            "pending: applies from {} (in {})",
                            format_utc(c.vault.pending_risk_eta),
                            format_duration(c.vault.pending_risk_eta - c.now)
                        )
                    } else {
                        writeln!(out, "applied.")
                    }
                })),
            }
        }
        Command::ApplyRisk => {
            if v.pending_risk_eta == 0 {
                return Err(refused(
                    "NoPendingRiskParams",
                    "there is no pending risk proposal",
                ));
            }
            w(&mut *out, "pending risk parameters:".into())?;
            let changes = show::risk_changes(&v.risk, &v.pending_risk);
            for line in risk_file::describe(&changes) {
                w(&mut *out, line)?;
            }
            if now < v.pending_risk_eta {
                let when = format!(
                    "the timelock ends at {} (in {})",
                    format_utc(v.pending_risk_eta),
                    format_duration(v.pending_risk_eta - now)
                );
                if !print_only {
                    return Err(refused("TimelockNotElapsed", when));
                }
                w(&mut *out, format!("note: {when}; execute it after that."))?;
            }
            Plan {
                command: "apply-risk",
                role: Role::Authority,
                build: Box::new(move |s: Pubkey| vec![ix::apply_risk(s, vault)]),
                after: Some(Box::new(|_: &Chain, out: &mut dyn Write| {
                    writeln!(out, "applied.")
                })),
            }
        }
        Command::Pause { what } | Command::Unpause { what } => {
            let pause = matches!(command, Command::Pause { .. });
            let bits = PauseName::bits(what);
            let flags = if pause {
                v.paused | bits
            } else {
                v.paused & !bits
            };
            if flags == v.paused {
                return Err(AdminError::Unchanged);
            }
            w(
                &mut *out,
                format!(
                    "paused now: {}; after: {}",
                    PauseName::describe(v.paused),
                    PauseName::describe(flags)
                ),
            )?;
            if print_only {
                // `set_pause` takes the whole set of bits, not a change to them.
                w(&mut *out, format!(
                    "note: the transaction sets the pause bits to exactly `{}`; if they change before it executes (e.g. the guardian pauses more), executing it overwrites that: re-print it.",
                    PauseName::describe(flags)
                ))?;
            }
            Plan {
                command: if pause { "pause" } else { "unpause" },
                // The guardian may only add bits.
                role: if pause {
                    Role::AuthorityOrGuardian
                } else {
                    Role::Authority
                },
                build: Box::new(move |s: Pubkey| vec![ix::set_pause(s, vault, flags)]),
                after: None,
            }
        }
        Command::SetKeeper { keeper, remove } => {
            let k = parse_pubkey("keeper", keeper)?;
            if k == Pubkey::default() {
                return Err(input("keeper")(
                    "the default address is not a keeper".into(),
                ));
            }
            let present = v.keepers.contains(&k);
            if !remove && present {
                return Err(AdminError::Unchanged);
            }
            if *remove && !present {
                return Err(refused(
                    "KeeperNotFound",
                    format!("{k} is not a registered keeper"),
                ));
            }
            if !remove && !v.keepers.contains(&Pubkey::default()) {
                return Err(refused(
                    "KeeperRegistryFull",
                    format!("all {MAX_KEEPERS} keeper slots are taken: remove one first"),
                ));
            }
            let enabled = !remove;
            Plan {
                command: "set-keeper",
                role: Role::Authority,
                build: Box::new(move |s: Pubkey| vec![ix::set_keeper(s, vault, k, enabled)]),
                after: None,
            }
        }
        Command::SetRoles {
            guardian,
            risk_admin,
        } => {
            if print_only && (guardian.is_none() || risk_admin.is_none()) {
                // `set_roles` sets both; a prepared transaction must not quietly restore
                // a role someone rotates before it executes.
                return Err(input("set-roles")(
                    "with --print-only name both --guardian and --risk-admin (the transaction sets both)".into(),
                ));
            }
            if guardian.is_none() && risk_admin.is_none() {
                return Err(input("set-roles")(
                    "name --guardian and/or --risk-admin (an address, or none)".into(),
                ));
            }
            let g = match guardian {
                Some(t) => parse_pubkey_or_none("--guardian", t)?,
                None => v.guardian,
            };
            let r = match risk_admin {
                Some(t) => parse_pubkey_or_none("--risk-admin", t)?,
                None => v.risk_admin,
            };
            if g == v.guardian && r == v.risk_admin {
                return Err(AdminError::Unchanged);
            }
            w(
                &mut *out,
                format!("guardian {} → {}", show::role(&v.guardian), show::role(&g)),
            )?;
            w(
                &mut *out,
                format!(
                    "risk admin {} → {}",
                    show::role(&v.risk_admin),
                    show::role(&r)
                ),
            )?;
            Plan {
                command: "set-roles",
                role: Role::Authority,
                build: Box::new(move |s: Pubkey| vec![ix::set_roles(s, vault, g, r)]),
                after: None,
            }
        }
        Command::ProposeAuthority { new_authority } => {
            let n = parse_pubkey_or_none("new authority", new_authority)?;
            if n == v.pending_authority {
                return Err(AdminError::Unchanged);
            }
            w(
                &mut *out,
                if n == Pubkey::default() {
                    "cancels the pending authority transfer".into()
                } else {
                    format!(
                        "{n} becomes the authority once it signs `hedge-admin accept-authority`"
                    )
                },
            )?;
            Plan {
                command: "propose-authority",
                role: Role::Authority,
                build: Box::new(move |s: Pubkey| vec![ix::propose_authority(s, vault, n)]),
                after: None,
            }
        }
        Command::AcceptAuthority => {
            if v.pending_authority == Pubkey::default() {
                return Err(refused(
                    "NoPendingAuthority",
                    "no authority transfer is pending",
                ));
            }
            Plan {
                command: "accept-authority",
                role: Role::PendingAuthority,
                build: Box::new(move |s: Pubkey| vec![ix::accept_authority(s, vault)]),
                after: None,
            }
        }
        Command::ListSeries(a) => {
            let expiry = parse_time(&a.expiry, now).map_err(input("--expiry"))?;
            if expiry <= now || expiry - now > MAX_TENOR_S {
                return Err(refused(
                    "InvalidExpiry",
                    format!(
                        "the expiry {} must be in the future and within 10 years",
                        format_utc(expiry)
                    ),
                ));
            }
            let iv_ppm = vol_to_ppm(&a.iv).map_err(input("--iv"))?;
            check_iv(iv_ppm)?;
            // The oracle's exponent, so strikes and prices share a decade.
            let strike_expo = if v.last_expo < 0 { v.last_expo } else { -8 };
            let strike = decimal_to_atoms(&a.strike, strike_expo.unsigned_abs())
                .map_err(input("--strike"))?;
            if strike == 0 || strike > i64::MAX as u64 {
                return Err(refused("InvalidStrike", "the strike must be positive"));
            }
            let ud = u32::from(v.underlying_decimals);
            let max_oi = decimal_to_atoms(&a.max_oi, ud).map_err(input("--max-oi"))?;
            let min_trade = decimal_to_atoms(&a.min_trade, ud).map_err(input("--min-trade"))?;
            check_limits(v, max_oi, min_trade)?;
            if book_full(chain) {
                return Err(refused(
                    "SeriesTableFull",
                    "every series slot is taken: delist one first",
                ));
            }
            let args = ListSeriesArgs {
                kind: match a.kind {
                    KindArg::Call => 0,
                    KindArg::Put => 1,
                },
                strike: strike as i64,
                strike_expo,
                expiry,
                iv_ppm,
                max_open_interest: max_oi,
                min_trade_size: min_trade,
            };
            w(&mut *out, format!(
                "lists series {}: {:?} strike {} expiring {} (in {}), IV {}%, OI cap {} / min trade {} (underlying atoms)",
                v.next_series_id, a.kind, a.strike, format_utc(expiry),
                format_duration(expiry - now), iv_ppm as f64 / 10_000.0, max_oi, min_trade
            ))?;
            Plan {
                command: "list-series",
                role: Role::SeriesAdmin,
                build: Box::new(move |s: Pubkey| vec![ix::list_series(s, vault, book, args)]),
                after: None,
            }
        }
        Command::SetIv { series, iv } => {
            let iv_ppm = vol_to_ppm(iv).map_err(input("iv"))?;
            check_iv(iv_ppm)?;
            let s = active_series(chain, *series)?;
            let mut scratch = *v;
            // The program's own rule, run on a copy: applies now, proposes, or refuses.
            match ledger::iv_change(&mut scratch, &s, iv_ppm, now) {
                Ok(IvChange::Apply) => w(
                    &mut *out,
                    format!(
                        "series {series}: IV {}% → {}%, applies at once",
                        s.iv_ppm as f64 / 10_000.0,
                        iv_ppm as f64 / 10_000.0
                    ),
                )?,
                Ok(IvChange::Proposed { eta }) => {
                    if v.pending_iv_eta != 0 && v.pending_iv_series != s.series_id {
                        w(&mut *out, format!(
                            "note: this replaces the pending IV change of series {} (one per vault)",
                            v.pending_iv_series
                        ))?;
                    }
                    w(&mut *out, format!(
                        "series {series}: IV {}% → {}% is larger than max_iv_step_bps ({}): this proposes it; run the same command again from {} to apply it",
                        s.iv_ppm as f64 / 10_000.0,
                        iv_ppm as f64 / 10_000.0,
                        v.risk.max_iv_step_bps,
                        format_utc(eta)
                    ))?
                }
                Err(e) if is(&e, hedge_vault::error::VaultError::IvChangeTooSoon) => {
                    let ready = s
                        .iv_changed_at
                        .saturating_add(v.risk.min_iv_interval_s as i64);
                    return Err(refused("IvChangeTooSoon", format!(
                        "series {series} changed IV less than min_iv_interval_s ago: again from {} (in {})",
                        format_utc(ready), format_duration(ready - now)
                    )));
                }
                Err(e) if is(&e, hedge_vault::error::VaultError::IvChangeTimelocked) => {
                    return Err(refused(
                        "IvChangeTimelocked",
                        format!(
                            "the proposed IV change of series {series} applies from {} (in {})",
                            format_utc(v.pending_iv_eta),
                            format_duration(v.pending_iv_eta - now)
                        ),
                    ));
                }
                Err(e) => return Err(refused("MathOverflow", e.to_string())),
            }
            let id = *series;
            Plan {
                command: "set-iv",
                role: Role::SeriesAdmin,
                build: Box::new(move |s: Pubkey| {
                    vec![ix::set_series_iv(s, vault, book, id, iv_ppm)]
                }),
                after: None,
            }
        }
        Command::SetSeriesLimits {
            series,
            max_oi,
            min_trade,
        } => {
            active_series(chain, *series)?;
            let ud = u32::from(v.underlying_decimals);
            let max_oi = decimal_to_atoms(max_oi, ud).map_err(input("--max-oi"))?;
            let min_trade = decimal_to_atoms(min_trade, ud).map_err(input("--min-trade"))?;
            check_limits(v, max_oi, min_trade)?;
            let id = *series;
            Plan {
                command: "set-series-limits",
                role: Role::SeriesAdmin,
                build: Box::new(move |s: Pubkey| {
                    vec![ix::set_series_limits(s, vault, book, id, max_oi, min_trade)]
                }),
                after: None,
            }
        }
        Command::DelistSeries { series } => {
            let s = find_series(chain, *series)?;
            if s.open_interest != 0 || s.payout_remaining != 0 {
                return Err(refused(
                    "SeriesHasOpenInterest",
                    format!(
                        "series {series} has open interest {} and {} quote atoms left to pay",
                        s.open_interest, s.payout_remaining
                    ),
                ));
            }
            let id = *series;
            Plan {
                command: "delist-series",
                role: Role::SeriesAdmin,
                build: Box::new(move |s: Pubkey| vec![ix::delist_series(s, vault, book, id)]),
                after: None,
            }
        }
        Command::ProposeVenue {
            oracle,
            pool,
            oracle_kind,
            feed_id,
        } => {
            let oracle = parse_pubkey("--oracle", oracle)?;
            let pool = parse_pubkey("--pool", pool)?;
            let kind = match oracle_kind {
                OracleKindArg::Legacy => OracleKind::PythLegacy,
                OracleKindArg::PullV2 => OracleKind::PythPullV2,
            };
            let feed = match (kind, feed_id) {
                (OracleKind::PythPullV2, None) => {
                    return Err(input("--feed-id")(
                        "a pull oracle needs its feed id (64 hex digits)".into(),
                    ))
                }
                (_, None) => [0u8; 32],
                (_, Some(h)) => parse_feed_id(h)?,
            };
            w(&mut *out, format!(
                "proposes oracle {oracle} ({oracle_kind:?}) and pool {pool}; applies after the timelock ({})",
                format_duration(v.risk.timelock_s as i64)
            ))?;
            Plan {
                command: "propose-venue",
                role: Role::Authority,
                build: Box::new(move |s: Pubkey| {
                    vec![ix::propose_venue(s, vault, oracle, pool, kind, feed)]
                }),
                after: None,
            }
        }
        Command::ApplyVenue => {
            if v.pending_venue_eta == 0 {
                return Err(refused(
                    "NoPendingVenue",
                    "no oracle or pool change is pending",
                ));
            }
            w(
                &mut *out,
                format!(
                    "pending venue: oracle {} (kind {}), pool {}, applicable from {}",
                    v.pending_oracle,
                    if v.pending_oracle_kind == 0 {
                        "legacy"
                    } else {
                        "pull-v2"
                    },
                    v.pending_dex_pool,
                    format_utc(v.pending_venue_eta)
                ),
            )?;
            if now < v.pending_venue_eta && !print_only {
                return Err(refused(
                    "TimelockNotElapsed",
                    format!(
                        "the venue change applies from {}",
                        format_utc(v.pending_venue_eta)
                    ),
                ));
            }
            Plan {
                command: "apply-venue",
                role: Role::Authority,
                build: Box::new(move |s: Pubkey| vec![ix::apply_venue(s, vault, book)]),
                after: None,
            }
        }
    })
}

fn is(e: &anchor_lang::error::Error, want: hedge_vault::error::VaultError) -> bool {
    matches!(e, anchor_lang::error::Error::AnchorError(a) if a.error_code_number == vault_code(want))
}

fn check_iv(iv_ppm: u64) -> Result<(), AdminError> {
    if (IV_MIN_PPM..=IV_MAX_PPM).contains(&iv_ppm) {
        Ok(())
    } else {
        Err(refused(
            "IvOutOfRange",
            format!(
                "IV {}% is outside [{}%, {}%]",
                iv_ppm as f64 / 10_000.0,
                IV_MIN_PPM / 10_000,
                IV_MAX_PPM / 10_000
            ),
        ))
    }
}

fn check_limits(v: &Vault, max_oi: u64, min_trade: u64) -> Result<(), AdminError> {
    if max_oi == 0 {
        return Err(refused(
            "ZeroAmount",
            "the OI cap must be at least one atom",
        ));
    }
    if max_oi > v.risk.max_series_oi {
        return Err(refused(
            "OpenInterestCapTooLarge",
            format!(
                "the OI cap {max_oi} must be in [1, max_series_oi = {}] underlying atoms",
                v.risk.max_series_oi
            ),
        ));
    }
    if min_trade == 0 || min_trade > max_oi {
        return Err(refused(
            "InvalidMinTradeSize",
            "the minimum trade must be in [1 atom, the OI cap]",
        ));
    }
    Ok(())
}

fn find_series(chain: &Chain, id: u64) -> Result<hedge_vault::state::Series, AdminError> {
    chain
        .book
        .series
        .iter()
        .find(|s| s.status() != SeriesStatus::Empty && s.series_id == id)
        .copied()
        .ok_or_else(|| {
            refused(
                "SeriesNotFound",
                format!("series {id} is not listed (see `hedge-admin show`)"),
            )
        })
}

fn active_series(chain: &Chain, id: u64) -> Result<hedge_vault::state::Series, AdminError> {
    let s = find_series(chain, id)?;
    if s.status() != SeriesStatus::Active {
        return Err(refused(
            "SeriesNotActive",
            format!("series {id} is settled"),
        ));
    }
    Ok(s)
}

fn book_full(chain: &Chain) -> bool {
    chain
        .book
        .series
        .iter()
        .all(|s| s.status() != SeriesStatus::Empty)
}

fn parse_feed_id(hex: &str) -> Result<[u8; 32], AdminError> {
    let h = hex.trim().trim_start_matches("0x");
    let bad = || input("--feed-id")(format!("`{hex}` is not 64 hex digits"));
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}
