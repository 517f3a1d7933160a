//! Account decoding with the checks a client owes itself before trusting bytes: the
//! owner is the vault program, the data is long enough, the discriminator matches.

use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;
use hedge_vault::state::{OptionBook, Vault};

/// An account as fetched: address, owner, bytes.
#[derive(Clone, Copy, Debug)]
pub struct Fetched<'a> {
    pub key: &'a Pubkey,
    pub owner: &'a Pubkey,
    pub data: &'a [u8],
}

/// Why an account could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    WrongOwner,
    WrongDiscriminator,
    TooShort,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DecodeError::WrongOwner => "not owned by the hedge vault program",
            DecodeError::WrongDiscriminator => "another account type",
            DecodeError::TooShort => "too short for its type",
        })
    }
}

fn decode<T: bytemuck::Pod + Discriminator>(a: &Fetched) -> Result<T, DecodeError> {
    if *a.owner != hedge_vault::ID {
        return Err(DecodeError::WrongOwner);
    }
    if a.data.len() < 8 + core::mem::size_of::<T>() {
        return Err(DecodeError::TooShort);
    }
    if &a.data[..8] != T::DISCRIMINATOR {
        return Err(DecodeError::WrongDiscriminator);
    }
    Ok(bytemuck::pod_read_unaligned(
        &a.data[8..8 + core::mem::size_of::<T>()],
    ))
}

/// A `Vault` from its account.
pub fn vault(a: &Fetched) -> Result<Vault, DecodeError> {
    decode(a)
}

/// An `OptionBook` from its account.
pub fn book(a: &Fetched) -> Result<OptionBook, DecodeError> {
    decode(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_length_and_discriminator_are_checked() {
        let key = Pubkey::new_unique();
        let mut data = Vault::DISCRIMINATOR.to_vec();
        data.resize(8 + core::mem::size_of::<Vault>(), 0);
        let ok = Fetched {
            key: &key,
            owner: &hedge_vault::ID,
            data: &data,
        };
        assert!(vault(&ok).is_ok());
        let other = Pubkey::new_unique();
        assert_eq!(
            vault(&Fetched {
                owner: &other,
                ..ok
            })
            .err()
            .unwrap(),
            DecodeError::WrongOwner
        );
        assert_eq!(
            vault(&Fetched {
                data: &data[..100],
                ..ok
            })
            .err()
            .unwrap(),
            DecodeError::TooShort
        );
        let mut book_data = OptionBook::DISCRIMINATOR.to_vec();
        book_data.resize(data.len().max(8 + core::mem::size_of::<OptionBook>()), 0);
        assert_eq!(
            vault(&Fetched {
                data: &book_data,
                ..ok
            })
            .err()
            .unwrap(),
            DecodeError::WrongDiscriminator
        );
    }
}
