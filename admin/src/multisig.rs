//! What a multisig needs instead of a signature: Squads imports a transaction message
//! (base58 of its serialized bytes); a Realms / SPL Governance proposal takes each
//! instruction as base64 of its Borsh `InstructionData` (program id, accounts with
//! signer and writable flags, data).

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use base64::Engine;
use solana_sdk::hash::Hash;
use solana_sdk::message::Message;

/// The line prefixes `print` writes (and tests and scripts read).
pub const SQUADS_PREFIX: &str = "squads-message-base58: ";
pub const REALMS_PREFIX: &str = "realms-instruction-base64: ";

/// The legacy message with `signer` paying and signing, base58 (Squads' import).
pub fn squads_message(ixs: &[Instruction], signer: &Pubkey, blockhash: Hash) -> String {
    let message = Message::new_with_blockhash(ixs, Some(signer), &blockhash);
    bs58::encode(message.serialize()).into_string()
}

/// One instruction as SPL Governance's `InstructionData`, Borsh, base64.
pub fn realms_instruction(ix: &Instruction) -> String {
    let mut out = Vec::with_capacity(32 + 4 + ix.accounts.len() * 34 + 4 + ix.data.len());
    out.extend_from_slice(ix.program_id.as_ref());
    out.extend_from_slice(&(ix.accounts.len() as u32).to_le_bytes());
    for a in &ix.accounts {
        out.extend_from_slice(a.pubkey.as_ref());
        out.push(u8::from(a.is_signer));
        out.push(u8::from(a.is_writable));
    }
    out.extend_from_slice(&(ix.data.len() as u32).to_le_bytes());
    out.extend_from_slice(&ix.data);
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Reads back [`realms_instruction`]'s encoding (for checks and tests).
pub fn decode_realms_instruction(b64: &str) -> Option<Instruction> {
    let b = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let mut r = Reader { b: &b, at: 0 };
    let program_id = Pubkey::try_from(r.take(32)?).ok()?;
    let n = r.u32()? as usize;
    let mut accounts = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let pubkey = Pubkey::try_from(r.take(32)?).ok()?;
        let flags = r.take(2)?;
        accounts.push(AccountMeta {
            pubkey,
            is_signer: flags[0] == 1,
            is_writable: flags[1] == 1,
        });
    }
    let len = r.u32()? as usize;
    let data = r.take(len)?.to_vec();
    (r.at == b.len()).then_some(Instruction {
        program_id,
        accounts,
        data,
    })
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

/// Reads back [`squads_message`]'s encoding into its instructions (for checks and tests).
/// The fee payer (the signer) reads back writable, as every fee payer is.
pub fn decode_squads_message(b58: &str) -> Option<(Message, Vec<Instruction>)> {
    let bytes = bs58::decode(b58.trim()).into_vec().ok()?;
    let message: Message = bincode::deserialize(&bytes).ok()?;
    let ixs = message
        .instructions
        .iter()
        .map(|c| {
            let key = |i: u8| message.account_keys.get(i as usize).copied();
            Some(Instruction {
                program_id: key(c.program_id_index)?,
                accounts: c
                    .accounts
                    .iter()
                    .map(|&i| {
                        Some(AccountMeta {
                            pubkey: key(i)?,
                            is_signer: message.is_signer(i as usize),
                            is_writable: message.is_maybe_writable(i as usize, None),
                        })
                    })
                    .collect::<Option<_>>()?,
                data: c.data.clone(),
            })
        })
        .collect::<Option<_>>()?;
    Some((message, ixs))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPL Governance's `InstructionData` Borsh layout, written out by hand: program
    /// id, u32 account count, per account (pubkey, is_signer, is_writable), u32 data
    /// length, data.
    #[test]
    fn the_realms_encoding_is_spl_governances_instruction_data() {
        let a = Pubkey::new_from_array([1; 32]);
        let b = Pubkey::new_from_array([2; 32]);
        let ix = Instruction {
            program_id: Pubkey::new_from_array([7; 32]),
            accounts: vec![
                AccountMeta::new_readonly(a, true),
                AccountMeta::new(b, false),
            ],
            data: vec![0xAA, 0xBB, 0xCC],
        };
        let mut want = vec![7u8; 32];
        want.extend([2, 0, 0, 0]);
        want.extend([1u8; 32]);
        want.extend([1, 0]);
        want.extend([2u8; 32]);
        want.extend([0, 1]);
        want.extend([3, 0, 0, 0, 0xAA, 0xBB, 0xCC]);
        let got = base64::engine::general_purpose::STANDARD
            .decode(realms_instruction(&ix))
            .unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn both_encodings_read_back_to_the_same_instruction() {
        let signer = Pubkey::new_unique();
        let ix = Instruction {
            program_id: hedge_vault::ID,
            accounts: vec![
                // The signer pays the fee in the message, so it reads back writable.
                AccountMeta::new(signer, true),
                AccountMeta::new(Pubkey::new_unique(), false),
            ],
            data: vec![1, 2, 3],
        };
        assert_eq!(
            decode_realms_instruction(&realms_instruction(&ix)),
            Some(ix.clone())
        );
        let (message, ixs) = decode_squads_message(&squads_message(
            std::slice::from_ref(&ix),
            &signer,
            Hash::default(),
        ))
        .unwrap();
        assert_eq!(message.account_keys[0], signer);
        assert_eq!(ixs, vec![ix]);
        assert!(decode_realms_instruction("not base64!").is_none());
    }
}
