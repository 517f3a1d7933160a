//! A failed transaction's custom error, attributed to the program that raised it.
//!
//! A custom code alone is ambiguous: the vault's errors start at 6000 (Anchor's offset)
//! and so do Raydium CPMM's, so Raydium's `ExceededSlippage` (6005), raised inside the
//! vault's swap CPI, carries the same number as one of the vault's own errors. The
//! transaction error names only the outer instruction; the logs name the program that
//! failed first (the innermost), and that is what decides.

use anchor_lang::prelude::Pubkey;
use hedge_vault::dex::RAYDIUM_CPMM_PROGRAM;
use hedge_vault::error::VaultError;

/// Raydium CPMM's `ExceededSlippage`.
pub const RAYDIUM_EXCEEDED_SLIPPAGE: u32 = 6005;

/// The code of a vault error (6000 + its index).
pub fn vault_code(e: VaultError) -> u32 {
    anchor_lang::error::ERROR_CODE_OFFSET + e as u32
}

/// Which program raised a custom error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgramFailure {
    /// The vault program's own error.
    Vault(u32),
    /// Raydium CPMM's error (from the swap CPI).
    Dex(u32),
    /// Another program (token program, system program…).
    Other { program: Pubkey, code: u32 },
}

impl ProgramFailure {
    /// True if this is the vault's `e`.
    pub fn is(&self, e: VaultError) -> bool {
        *self == ProgramFailure::Vault(vault_code(e))
    }

    /// Attributes `code` to `program`.
    pub fn from_program(program: &Pubkey, code: u32) -> Self {
        if *program == hedge_vault::ID {
            ProgramFailure::Vault(code)
        } else if *program == RAYDIUM_CPMM_PROGRAM {
            ProgramFailure::Dex(code)
        } else {
            ProgramFailure::Other {
                program: *program,
                code,
            }
        }
    }

    /// Attributes `code` from the transaction's logs; without logs, to
    /// `outer_program`, the program of the instruction the error names.
    pub fn from_logs(logs: &[String], outer_program: &Pubkey, code: u32) -> Self {
        match failing_program(logs) {
            Some((program, logged)) if logged == code => Self::from_program(&program, code),
            _ => Self::from_program(outer_program, code),
        }
    }

    /// A short label for logs and metrics: `vault:6012`, `dex:6005`, `<program>:code`.
    pub fn label(&self) -> String {
        match self {
            ProgramFailure::Vault(c) => format!("vault:{c}"),
            ProgramFailure::Dex(c) => format!("dex:{c}"),
            ProgramFailure::Other { program, code } => format!("{program}:{code}"),
        }
    }
}

impl std::fmt::Display for ProgramFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProgramFailure::Dex(RAYDIUM_EXCEEDED_SLIPPAGE) => {
                f.write_str("Raydium CPMM ExceededSlippage (6005)")
            }
            ProgramFailure::Dex(c) => write!(f, "Raydium CPMM error {c}"),
            ProgramFailure::Vault(c) => write!(f, "hedge vault error {c}"),
            ProgramFailure::Other { program, code } => write!(f, "program {program} error {code}"),
        }
    }
}

/// The first `Program <id> failed: custom program error: 0x<hex>` line: the innermost
/// program that raised the error (the outer ones log the same failure after it).
pub fn failing_program(logs: &[String]) -> Option<(Pubkey, u32)> {
    logs.iter().find_map(|l| {
        let rest = l.strip_prefix("Program ")?;
        let (id, tail) = rest.split_once(" failed: custom program error: 0x")?;
        let program: Pubkey = id.parse().ok()?;
        let code = u32::from_str_radix(tail.trim(), 16).ok()?;
        Some((program, code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_failing_program_owns_the_code() {
        let logs: Vec<String> = [
            format!("Program {} invoke [1]", hedge_vault::ID),
            format!("Program {RAYDIUM_CPMM_PROGRAM} invoke [2]"),
            "Program log: AnchorError occurred. Error Code: ExceededSlippage.".to_string(),
            format!("Program {RAYDIUM_CPMM_PROGRAM} failed: custom program error: 0x1775"),
            format!(
                "Program {} failed: custom program error: 0x1775",
                hedge_vault::ID
            ),
        ]
        .into();
        let f = ProgramFailure::from_logs(&logs, &hedge_vault::ID, 6005);
        assert_eq!(f, ProgramFailure::Dex(RAYDIUM_EXCEEDED_SLIPPAGE));
        // The vault's own 6005 is a different error.
        assert_ne!(f, ProgramFailure::Vault(6005));
        // No logs: the outer instruction's program.
        assert_eq!(
            ProgramFailure::from_logs(&[], &hedge_vault::ID, 6005),
            ProgramFailure::Vault(6005)
        );
        assert!(
            ProgramFailure::Vault(vault_code(VaultError::DeltaWithinBand))
                .is(VaultError::DeltaWithinBand)
        );
        assert_eq!(f.label(), "dex:6005");
    }

    #[test]
    fn a_program_log_cannot_pose_as_the_runtime_failure_line() {
        // A `msg!` is prefixed "Program log: " by the runtime: it never parses as the
        // failure line, so a program cannot blame another one.
        let logs: Vec<String> = [
            format!("Program {} invoke [1]", hedge_vault::ID),
            format!(
                "Program log: Program {RAYDIUM_CPMM_PROGRAM} failed: custom program error: 0x1775"
            ),
            format!(
                "Program {} failed: custom program error: 0x1775",
                hedge_vault::ID
            ),
        ]
        .into();
        assert_eq!(
            ProgramFailure::from_logs(&logs, &hedge_vault::ID, 6005),
            ProgramFailure::Vault(6005)
        );
        // A logged code that differs from the transaction error's: the outer program.
        let odd = vec![format!(
            "Program {RAYDIUM_CPMM_PROGRAM} failed: custom program error: 0x1"
        )];
        assert_eq!(
            ProgramFailure::from_logs(&odd, &hedge_vault::ID, 6005),
            ProgramFailure::Vault(6005)
        );
    }
}
