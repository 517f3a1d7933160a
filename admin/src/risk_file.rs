//! A risk proposal from a TOML file of the parameters to change, checked against the
//! program's own bounds and rules (`RiskParams::SPECS`, `first_violation`), and its diff
//! against the chain: which changes tighten (apply at once) and which wait.

use hedge_vault::state::{RiskParams, RiskViolation, Tighter};

use crate::errors::{closest, AdminError};

/// One changed parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub name: &'static str,
    pub from: i128,
    pub to: i128,
    /// True when this change alone makes the vault safer.
    pub tightens: bool,
}

/// The proposal: every parameter (the file's on top of the chain's) and what changed.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub params: RiskParams,
    pub changes: Vec<Change>,
}

impl Proposal {
    /// True when no change loosens: the program applies it at once.
    pub fn only_tightens(&self, current: &RiskParams) -> bool {
        self.params.only_tightens(current)
    }
}

/// Parses `text` (TOML `name = value`, integers or integer strings for values beyond
/// i64) over `current`, refusing unknown names, out-of-bounds values, broken rules and
/// a proposal that changes nothing.
pub fn parse(text: &str, current: &RiskParams) -> Result<Proposal, AdminError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| AdminError::Config {
        key: "risk file",
        problem: e.to_string(),
    })?;
    let mut params = *current;
    for (name, value) in &table {
        let Some(spec) = RiskParams::SPECS.iter().find(|s| s.name == name) else {
            return Err(AdminError::UnknownParam {
                name: name.clone(),
                suggestion: closest(name, RiskParams::SPECS.iter().map(|s| s.name)),
            });
        };
        let v: i128 = match value {
            toml::Value::Integer(i) => *i as i128,
            toml::Value::String(s) => s.replace('_', "").parse().map_err(|_| AdminError::Config {
                key: "risk file",
                problem: format!("{name}: `{s}` is not an integer"),
            })?,
            other => {
                return Err(AdminError::Config {
                    key: "risk file",
                    problem: format!(
                        "{name}: `{other}` is not an integer (values are in the parameter's own unit: _s seconds, _bps basis points, atoms)"
                    ),
                })
            }
        };
        if v < spec.min || v > spec.max || !params.set(spec.name, v) {
            return Err(AdminError::OutOfBounds {
                name: spec.name,
                value: v,
                min: spec.min,
                max: spec.max,
            });
        }
    }
    match params.first_violation() {
        None => {}
        Some(RiskViolation::OutOfBounds(name)) => {
            let spec = RiskParams::SPECS
                .iter()
                .find(|s| s.name == name)
                .expect("a spec");
            return Err(AdminError::OutOfBounds {
                name,
                value: params.get(name).expect("known"),
                min: spec.min,
                max: spec.max,
            });
        }
        Some(rule) => {
            return Err(AdminError::RuleBroken {
                rule: rule.describe(),
            })
        }
    }
    let changes: Vec<Change> = RiskParams::SPECS
        .iter()
        .filter_map(|s| {
            let (from, to) = (current.get(s.name)?, params.get(s.name)?);
            (from != to).then_some(Change {
                name: s.name,
                from,
                to,
                tightens: match s.tighter {
                    Tighter::Lower => to < from,
                    Tighter::Higher => to > from,
                    Tighter::Neither => false,
                },
            })
        })
        .collect();
    if changes.is_empty() {
        return Err(AdminError::Unchanged);
    }
    Ok(Proposal { params, changes })
}

/// The diff as lines: `name  from → to  tightens | loosens | neither way is safer`. When
/// it applies is the whole proposal's matter (one loosening makes all of it wait), so the
/// callers say it once, after the lines.
pub fn describe(changes: &[Change]) -> Vec<String> {
    let width = changes.iter().map(|c| c.name.len()).max().unwrap_or(0);
    changes
        .iter()
        .map(|c| {
            let spec = RiskParams::SPECS.iter().find(|s| s.name == c.name);
            let how = match (c.tightens, spec.map(|s| s.tighter)) {
                (true, _) => "tightens",
                (false, Some(Tighter::Neither)) => "neither way is safer (a change waits)",
                (false, _) => "loosens",
            };
            format!("  {:width$}  {} → {}   {how}", c.name, c.from, c.to)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tightening_loosening_and_refusals() {
        let cur = RiskParams::DEFAULT;
        let p = parse("spread_bps = 150\nmax_utilization_bps = 7000", &cur).unwrap();
        assert!(p.only_tightens(&cur));
        assert_eq!(p.changes.len(), 2);
        let p = parse("spread_bps = 50", &cur).unwrap();
        assert!(!p.only_tightens(&cur));
        assert!(!p.changes[0].tightens);
        assert!(matches!(
            parse("spred_bps = 50", &cur),
            Err(AdminError::UnknownParam {
                suggestion: Some("spread_bps"),
                ..
            })
        ));
        assert!(matches!(
            parse("spread_bps = 5000", &cur),
            Err(AdminError::OutOfBounds {
                name: "spread_bps",
                max: 2_000,
                ..
            })
        ));
        assert!(matches!(
            parse("maintenance_margin_bps = 20000", &cur),
            Err(AdminError::RuleBroken { .. })
        ));
        assert!(matches!(
            parse("spread_bps = 100", &cur),
            Err(AdminError::Unchanged)
        ));
        assert!(matches!(
            parse("spread_bps = 1.5", &cur),
            Err(AdminError::Config { .. })
        ));
        let big = parse("deposit_cap = \"18446744073709551615\"", &cur).unwrap();
        assert_eq!(big.params.deposit_cap, u64::MAX);
    }
}
