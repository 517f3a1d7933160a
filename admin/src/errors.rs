//! Every refusal of `hedge-admin`, named: bad input is refused before anything is sent.

use anchor_lang::prelude::Pubkey;
use hedge_vault::error::VaultError;
use hedge_vault_client::errors::vault_code;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminError {
    /// A flag, environment variable or config-file key is missing or malformed.
    Config { key: &'static str, problem: String },
    /// The risk file names a parameter the vault does not have.
    UnknownParam {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// A value outside its hard bounds (the program would refuse it).
    OutOfBounds {
        name: &'static str,
        value: i128,
        min: i128,
        max: i128,
    },
    /// A rule between parameters is broken (e.g. maintenance ≤ initial ≤ target).
    RuleBroken { rule: &'static str },
    /// The proposal changes nothing.
    Unchanged,
    /// The signer does not hold the role the command needs.
    WrongSigner {
        command: &'static str,
        role: &'static str,
        expected: Vec<Pubkey>,
        signer: Pubkey,
    },
    /// The address is not a hedge vault.
    NotAHedgeVault { address: Pubkey, why: String },
    /// The endpoint could not be reached or answered an error.
    Rpc { url: String, problem: String },
    /// The command cannot succeed in the vault's current state (checked before sending):
    /// `error` names the `VaultError` the program would raise.
    Refused { error: &'static str, reason: String },
    /// The program refused the transaction.
    Program { code: u32, name: String },
}

impl std::fmt::Display for AdminError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdminError::Config { key, problem } => write!(f, "{key}: {problem}"),
            AdminError::UnknownParam { name, suggestion } => {
                write!(f, "unknown risk parameter `{name}`")?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean `{s}`?)")?;
                }
                write!(f, "; `hedge-admin show` lists them")
            }
            AdminError::OutOfBounds {
                name,
                value,
                min,
                max,
            } => write!(
                f,
                "{name} = {value} is out of bounds: it must be in [{min}, {max}]"
            ),
            AdminError::RuleBroken { rule } => write!(f, "the parameters break a rule: {rule}"),
            AdminError::Unchanged => {
                f.write_str("nothing would change: the vault already has these values")
            }
            AdminError::WrongSigner {
                command,
                role,
                expected,
                signer,
            } => {
                let who: Vec<String> = expected.iter().map(|k| k.to_string()).collect();
                write!(
                    f,
                    "wrong signer: `{command}` needs the {role} ({}), not {signer}",
                    if who.is_empty() {
                        "nobody holds it".to_string()
                    } else {
                        who.join(" or ")
                    }
                )
            }
            AdminError::NotAHedgeVault { address, why } => {
                write!(f, "{address} is not a hedge vault: {why}")
            }
            AdminError::Rpc { url, problem } => write!(f, "RPC {url}: {problem}"),
            AdminError::Refused { error, reason } => {
                write!(f, "refused before sending: {reason} (VaultError::{error})")
            }
            AdminError::Program { code, name } => {
                write!(f, "the program refused the transaction: {name} ({code})")
            }
        }
    }
}

impl std::error::Error for AdminError {}

/// The vault errors a governance or series-admin transaction can meet, by code.
const GOVERNANCE_ERRORS: &[VaultError] = &[
    VaultError::RiskParamOutOfBounds,
    VaultError::Unauthorized,
    VaultError::GuardianCanOnlyTighten,
    VaultError::NoPendingRiskParams,
    VaultError::TimelockNotElapsed,
    VaultError::NoPendingAuthority,
    VaultError::KeeperRegistryFull,
    VaultError::KeeperNotFound,
    VaultError::OracleInvalidOwner,
    VaultError::SeriesNotFound,
    VaultError::InvalidSeries,
    VaultError::SeriesTableFull,
    VaultError::IvOutOfRange,
    VaultError::InvalidExpiry,
    VaultError::InvalidStrike,
    VaultError::SeriesHasOpenInterest,
    VaultError::SeriesNotActive,
    VaultError::InvalidOracleConfig,
    VaultError::InvalidBook,
    VaultError::InvalidDexPool,
    VaultError::InvalidMinTradeSize,
    VaultError::IvChangeTooSoon,
    VaultError::IvChangeTimelocked,
    VaultError::OpenInterestCapTooLarge,
    VaultError::RiskParamsUnchanged,
    VaultError::VenueUnchanged,
    VaultError::NoPendingVenue,
    VaultError::SeriesAwaitingSettlement,
    VaultError::ZeroAmount,
];

/// `VaultError::Name: message` for a vault error code, or the bare code.
pub fn vault_error_name(code: u32) -> String {
    GOVERNANCE_ERRORS
        .iter()
        .find(|e| vault_code(**e) == code)
        .map(|e| format!("VaultError::{e:?}: {e}"))
        .unwrap_or_else(|| format!("vault error {code}"))
}

/// The closest known name to `name` (a typo's likely fix), if one is close.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= 3usize.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion_and_strangers_do_not() {
        let known = ["spread_bps", "fee_bps", "timelock_s"];
        assert_eq!(closest("spred_bps", known), Some("spread_bps"));
        assert_eq!(closest("timelock", known), Some("timelock_s"));
        assert_eq!(closest("collateral_factor_percent", known), None);
    }

    #[test]
    fn program_codes_are_named() {
        let code = vault_code(VaultError::TimelockNotElapsed);
        assert!(vault_error_name(code).starts_with("VaultError::TimelockNotElapsed"));
        assert_eq!(vault_error_name(1), "vault error 1");
    }
}
