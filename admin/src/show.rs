//! `hedge-admin show`: the vault as its governors read it.

use std::io::{self, Write};

use anchor_lang::prelude::Pubkey;
use hedge_vault::state::{RiskParams, SeriesStatus, Tighter};

use crate::cli::PauseName;
use crate::risk_file::Change;
use crate::units::{atoms_to_decimal, format_duration, format_utc};
use crate::Chain;

/// A role's holder, or `none`.
pub fn role(k: &Pubkey) -> String {
    if *k == Pubkey::default() {
        "none".into()
    } else {
        k.to_string()
    }
}

/// The parameters that differ between `from` and `to`.
pub fn risk_changes(from: &RiskParams, to: &RiskParams) -> Vec<Change> {
    RiskParams::SPECS
        .iter()
        .filter_map(|s| {
            let (a, b) = (from.get(s.name)?, to.get(s.name)?);
            (a != b).then_some(Change {
                name: s.name,
                from: a,
                to: b,
                tightens: match s.tighter {
                    Tighter::Lower => b < a,
                    Tighter::Higher => b > a,
                    Tighter::Neither => false,
                },
            })
        })
        .collect()
}

fn countdown(eta: i64, now: i64) -> String {
    if eta <= now {
        format!("{} (timelock passed: can be applied now)", format_utc(eta))
    } else {
        format!("{} (in {})", format_utc(eta), format_duration(eta - now))
    }
}

pub fn print(c: &Chain, out: &mut dyn Write) -> io::Result<()> {
    let v = &c.vault;
    writeln!(
        out,
        "vault {} (hedge vault program {})",
        c.vault_key,
        hedge_vault::ID
    )?;
    writeln!(out, "  chain time       {}", format_utc(c.now))?;
    writeln!(out, "roles")?;
    writeln!(out, "  authority        {}", role(&v.authority))?;
    writeln!(out, "  pending authority {}", role(&v.pending_authority))?;
    writeln!(out, "  guardian         {}", role(&v.guardian))?;
    writeln!(out, "  risk admin       {}", role(&v.risk_admin))?;
    let keepers: Vec<String> = v
        .keepers
        .iter()
        .filter(|k| **k != Pubkey::default())
        .map(|k| k.to_string())
        .collect();
    writeln!(
        out,
        "  keepers          {}",
        if keepers.is_empty() {
            "none".into()
        } else {
            keepers.join(", ")
        }
    )?;
    writeln!(out, "paused             {}", PauseName::describe(v.paused))?;
    writeln!(out, "risk parameters (name = value [min, max], safer when)")?;
    for s in RiskParams::SPECS {
        let dir = match s.tighter {
            Tighter::Lower => "lower",
            Tighter::Higher => "higher",
            Tighter::Neither => "neither (always timelocked)",
        };
        writeln!(
            out,
            "  {:24} = {:>22}  [{}, {}]  {dir}",
            s.name,
            v.risk.get(s.name).unwrap_or_default(),
            s.min,
            s.max
        )?;
    }
    if v.pending_risk_eta != 0 {
        writeln!(
            out,
            "pending risk change, applicable from {}",
            countdown(v.pending_risk_eta, c.now)
        )?;
        for line in crate::risk_file::describe(&risk_changes(&v.risk, &v.pending_risk)) {
            writeln!(out, "{line}")?;
        }
    } else {
        writeln!(out, "pending risk change: none")?;
    }
    if v.pending_venue_eta != 0 {
        writeln!(
            out,
            "pending venue: oracle {} pool {}, applicable from {}",
            v.pending_oracle,
            v.pending_dex_pool,
            countdown(v.pending_venue_eta, c.now)
        )?;
    }
    if v.pending_iv_eta != 0 {
        writeln!(
            out,
            "pending IV: series {} → {}%, applicable from {}",
            v.pending_iv_series,
            v.pending_iv_ppm as f64 / 10_000.0,
            countdown(v.pending_iv_eta, c.now)
        )?;
    }
    writeln!(
        out,
        "series (id kind strike expiry IV open-interest/cap status)"
    )?;
    let ud = u32::from(v.underlying_decimals);
    let mut any = false;
    for s in c
        .book
        .series
        .iter()
        .filter(|s| s.status() != SeriesStatus::Empty)
    {
        any = true;
        let strike = if s.strike_expo < 0 {
            atoms_to_decimal(s.strike as u128, s.strike_expo.unsigned_abs())
        } else {
            (s.strike as i128 * 10i128.pow(s.strike_expo as u32)).to_string()
        };
        let status = match s.status() {
            SeriesStatus::Settled => {
                format!("settled, {} quote atoms left to pay", s.payout_remaining)
            }
            _ if s.expiry <= c.now => "expired, awaiting settlement".into(),
            _ => format!("active, expires in {}", format_duration(s.expiry - c.now)),
        };
        writeln!(
            out,
            "  {:>3} {:4} {:>10} {} {:>6.1}% {}/{} {status}",
            s.series_id,
            if s.kind == 0 { "call" } else { "put" },
            strike,
            format_utc(s.expiry),
            s.iv_ppm as f64 / 10_000.0,
            atoms_to_decimal(s.open_interest as u128, ud),
            atoms_to_decimal(s.max_open_interest as u128, ud),
        )?;
    }
    if !any {
        writeln!(out, "  none")?;
    }
    Ok(())
}
