//! The sandbox's Solana JSON-RPC and websocket methods over [`Chain`], served by
//! jsonrpsee. Every request and response shape is agave's own client-side type
//! (`solana-rpc-client-api`, `solana-account-decoder`, `solana-transaction-status`), so
//! the JSON matches a validator's. Unknown methods answer -32601 (jsonrpsee's default).

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use base64::Engine;
use jsonrpsee::core::server::{PendingSubscriptionSink, SubscriptionMessage};
use jsonrpsee::core::traits::IdProvider;
use jsonrpsee::types::{ErrorObjectOwned, Params, SubscriptionId};
use jsonrpsee::RpcModule;
use serde::de::DeserializeOwned;
use serde::Serialize;
use solana_account_decoder::parse_account_data::{
    AccountAdditionalDataV3, SplTokenAdditionalDataV2,
};
use solana_account_decoder::parse_token::token_amount_to_ui_amount_v3;
use solana_account_decoder::{encode_ui_account, UiAccount, UiAccountEncoding, UiDataSliceConfig};
use solana_rpc_client_api::config::{
    RpcAccountInfoConfig, RpcContextConfig, RpcEncodingConfigWrapper, RpcProgramAccountsConfig,
    RpcSendTransactionConfig, RpcSignatureStatusConfig, RpcSignatureSubscribeConfig,
    RpcSignaturesForAddressConfig, RpcSimulateTransactionConfig, RpcTokenAccountsFilter,
    RpcTransactionConfig,
};
use solana_rpc_client_api::custom_error::RpcCustomError;
use solana_rpc_client_api::filter::RpcFilterType;
use solana_rpc_client_api::response::{
    OptionalContext, ProcessedSignatureResult, Response, RpcBlockhash,
    RpcConfirmedTransactionStatusWithSignature, RpcKeyedAccount, RpcPrioritizationFee,
    RpcResponseContext, RpcSignatureResult, RpcSimulateTransactionResult, RpcVersionInfo, SlotInfo,
};
use solana_sdk::account::{Account, AccountSharedData};
use solana_sdk::commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_sdk::epoch_info::EpochInfo;
use solana_sdk::epoch_schedule::EpochSchedule;
use solana_sdk::message::{Message, VersionedMessage};
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Signature, Signer};
use solana_sdk::transaction::{Transaction, TransactionError, VersionedTransaction};
use solana_transaction_status::{
    ConfirmedTransactionWithStatusMeta, TransactionBinaryEncoding, TransactionConfirmationStatus,
    TransactionStatus, TransactionWithStatusMeta, UiTransactionEncoding, UiTransactionReturnData,
    VersionedTransactionWithStatusMeta,
};
use tokio::sync::broadcast::error::RecvError;

use crate::chain::{is_token_program, token_account_fields, Chain, ChainEvent, Faults, SendError};

/// The agave version whose bank serves these requests.
pub const AGAVE_VERSION: &str = "2.3.13";
/// Agave's limit on keys per `getMultipleAccounts`.
pub const MAX_MULTIPLE_ACCOUNTS: usize = 100;
/// Agave's limit (and default) for `getSignaturesForAddress`.
pub const MAX_SIGNATURES_FOR_ADDRESS: usize = 1_000;
/// Agave's limit on `getRecentPrioritizationFees` accounts.
pub const MAX_PRIORITY_FEE_ACCOUNTS: usize = 128;

type RpcResult<T> = Result<T, ErrorObjectOwned>;

/// The methods this endpoint serves (the conformance test walks this list).
pub const HTTP_METHODS: &[&str] = &[
    "getAccountInfo",
    "getMultipleAccounts",
    "getProgramAccounts",
    "getBalance",
    "getTokenAccountBalance",
    "getTokenAccountsByOwner",
    "getLatestBlockhash",
    "isBlockhashValid",
    "sendTransaction",
    "simulateTransaction",
    "getSignatureStatuses",
    "getTransaction",
    "getSignaturesForAddress",
    "getSlot",
    "getBlockHeight",
    "getEpochInfo",
    "getMinimumBalanceForRentExemption",
    "getFeeForMessage",
    "getRecentPrioritizationFees",
    "requestAirdrop",
    "getVersion",
    "getGenesisHash",
    "getHealth",
    "getTipAccounts",
    "sendBundle",
];

/// The sandbox's block-engine tip accounts (Jito's engine lists 8 of its own; these are
/// the sandbox's, funded at start so a tip can land on them).
pub fn tip_accounts() -> Vec<Pubkey> {
    (0..8u8)
        .map(|i| {
            Pubkey::new_from_array(
                solana_sdk::hash::hashv(&[b"hedge-sandbox-tip-account", &[i]]).to_bytes(),
            )
        })
        .collect()
}

/// The most transactions a bundle may hold (Jito's limit).
pub const MAX_BUNDLE_TRANSACTIONS: usize = 5;

fn invalid_params(msg: impl std::fmt::Display) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(-32602, format!("Invalid params: {msg}"), None::<()>)
}

fn internal(msg: impl std::fmt::Display) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(-32603, format!("Internal error: {msg}"), None::<()>)
}

/// Agave's custom errors (preflight failure, unsupported version…) as JSON-RPC errors.
fn custom(e: RpcCustomError) -> ErrorObjectOwned {
    let e: jsonrpc_core::Error = e.into();
    ErrorObjectOwned::owned(e.code.code() as i32, e.message, e.data)
}

fn pubkey(s: &str) -> RpcResult<Pubkey> {
    Pubkey::from_str(s).map_err(invalid_params)
}

fn signature(s: &str) -> RpcResult<Signature> {
    Signature::from_str(s).map_err(invalid_params)
}

/// Positional params: required first, optional rest.
struct Args<'a>(jsonrpsee::types::params::ParamsSequence<'a>);

impl<'a> Args<'a> {
    fn new(p: &'a Params<'a>) -> Self {
        Args(p.sequence())
    }
    fn next<T: DeserializeOwned>(&mut self) -> RpcResult<T> {
        self.0.next::<T>().map_err(|e| invalid_params(e.message()))
    }
    fn opt<T: DeserializeOwned>(&mut self) -> RpcResult<Option<T>> {
        self.0
            .optional_next::<T>()
            .map_err(|e| invalid_params(e.message()))
    }
}

/// Whether `account` passes `filter`, as agave's `filter_allows`.
fn filter_allows(filter: &RpcFilterType, account: &AccountSharedData) -> bool {
    use solana_sdk::account::ReadableAccount;
    match filter {
        RpcFilterType::DataSize(size) => account.data().len() as u64 == *size,
        RpcFilterType::Memcmp(compare) => compare.bytes_match(account.data()),
        RpcFilterType::TokenAccountState => {
            is_token_program(account.owner()) && token_account_fields(account).is_some()
        }
    }
}

/// The level a request asked for; agave's default is `finalized`.
fn level(c: Option<CommitmentConfig>) -> CommitmentLevel {
    c.map_or(CommitmentLevel::Finalized, |c| c.commitment)
}

/// The slot `level` sees, or agave's -32016 if below `min_context_slot`.
fn view_slot(chain: &Chain, level: CommitmentLevel, min: Option<u64>) -> RpcResult<u64> {
    chain
        .slot_at_least(level, min)
        .map_err(|e| custom(RpcCustomError::MinContextSlotNotReached { context_slot: e.0 }))
}

fn at<T>(slot: u64, value: T) -> Response<T> {
    Response {
        context: RpcResponseContext::new(slot),
        value,
    }
}

fn with_ctx<T>(chain: &Chain, value: T) -> Response<T> {
    at(chain.slot(), value)
}

/// Encodes an account as agave does, with the mint's decimals for `jsonParsed`
/// token accounts.
async fn encode(
    chain: &Chain,
    key: &Pubkey,
    account: &Account,
    encoding: UiAccountEncoding,
    slice: Option<UiDataSliceConfig>,
) -> RpcResult<UiAccount> {
    if matches!(
        encoding,
        UiAccountEncoding::Binary | UiAccountEncoding::Base58
    ) && account.data.len() > 128
        && slice.is_none()
    {
        return Err(invalid_params(
            "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.",
        ));
    }
    let mut additional = None;
    if encoding == UiAccountEncoding::JsonParsed && is_token_program(&account.owner) {
        if let Some((mint, _, _)) = token_account_fields(account) {
            if let Some(d) = chain.mint_decimals(&mint).await {
                additional = Some(AccountAdditionalDataV3 {
                    spl_token_additional_data: Some(SplTokenAdditionalDataV2::with_decimals(d)),
                });
            }
        }
    }
    Ok(encode_ui_account(key, account, encoding, additional, slice))
}

fn account_config(
    c: Option<RpcAccountInfoConfig>,
) -> (UiAccountEncoding, Option<UiDataSliceConfig>) {
    let c = c.unwrap_or_default();
    (
        c.encoding.unwrap_or(UiAccountEncoding::Binary),
        c.data_slice,
    )
}

/// (level, minimum context slot) of an account request.
fn account_level(c: &Option<RpcAccountInfoConfig>) -> (CommitmentLevel, Option<u64>) {
    c.as_ref().map_or((CommitmentLevel::Finalized, None), |c| {
        (level(c.commitment), c.min_context_slot)
    })
}

fn context_level(c: &Option<RpcContextConfig>) -> (CommitmentLevel, Option<u64>) {
    c.as_ref().map_or((CommitmentLevel::Finalized, None), |c| {
        (level(c.commitment), c.min_context_slot)
    })
}

async fn fetch(chain: &Chain, key: &Pubkey) -> RpcResult<Option<Account>> {
    chain.account(key).await.map_err(internal)
}

async fn fetch_at(chain: &Chain, key: &Pubkey, l: CommitmentLevel) -> RpcResult<Option<Account>> {
    chain.account_at(key, l).await.map_err(internal)
}

/// Decodes a wire transaction (base58 or base64, bincode).
fn decode_tx(data: &str, encoding: TransactionBinaryEncoding) -> RpcResult<VersionedTransaction> {
    let bytes = match encoding {
        TransactionBinaryEncoding::Base58 => bs58::decode(data)
            .into_vec()
            .map_err(|e| invalid_params(format!("invalid base58 encoding: {e}")))?,
        TransactionBinaryEncoding::Base64 => base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| invalid_params(format!("invalid base64 encoding: {e}")))?,
    };
    let tx: VersionedTransaction = bincode::deserialize(&bytes)
        .map_err(|e| invalid_params(format!("failed to deserialize transaction: {e}")))?;
    tx.sanitize()
        .map_err(|e| invalid_params(format!("invalid transaction: {e}")))?;
    Ok(tx)
}

fn binary_encoding(e: Option<UiTransactionEncoding>) -> RpcResult<TransactionBinaryEncoding> {
    e.unwrap_or(UiTransactionEncoding::Base58)
        .into_binary_encoding()
        .ok_or_else(|| invalid_params("unsupported encoding: use base58 or base64"))
}

fn simulation_result(
    sim: crate::chain::Simulation,
    replacement: Option<RpcBlockhash>,
) -> RpcSimulateTransactionResult {
    RpcSimulateTransactionResult {
        err: sim.err,
        logs: Some(sim.logs),
        accounts: None,
        units_consumed: Some(sim.units_consumed),
        loaded_accounts_data_size: Some(sim.loaded_accounts_data_size),
        return_data: sim.return_data.map(UiTransactionReturnData::from),
        // As agave: inner instructions parsed where a parser knows the program, else
        // partially decoded (program id, account addresses, base58 data).
        inner_instructions: Some(
            sim.inner_instructions
                .into_iter()
                .map(|i| {
                    solana_transaction_status::parse_ui_inner_instructions(
                        i,
                        &solana_sdk::message::AccountKeys::new(&sim.account_keys, None),
                    )
                })
                .collect(),
        ),
        replacement_blockhash: replacement,
    }
}

fn send_error(e: SendError) -> ErrorObjectOwned {
    match e {
        SendError::Preflight(sim) => {
            let err = sim.err.clone().unwrap_or(TransactionError::AccountNotFound);
            custom(RpcCustomError::SendTransactionPreflightFailure {
                message: format!("Transaction simulation failed: {err}"),
                result: simulation_result(sim, None),
            })
        }
        SendError::Rejected(err) => custom(RpcCustomError::SendTransactionPreflightFailure {
            message: format!("Transaction simulation failed: {err}"),
            result: RpcSimulateTransactionResult {
                err: Some(err),
                logs: Some(vec![]),
                accounts: None,
                units_consumed: Some(0),
                loaded_accounts_data_size: None,
                return_data: None,
                inner_instructions: None,
                replacement_blockhash: None,
            },
        }),
        SendError::Bank(m) => internal(m),
    }
}

/// Sequential subscription ids (web3.js reads them as JavaScript numbers).
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl IdProvider for SequentialIds {
    fn next_id(&self) -> SubscriptionId<'static> {
        SubscriptionId::Num(self.0.fetch_add(1, Ordering::Relaxed))
    }
}

macro_rules! method {
    ($m:expr, $name:literal, |$p:ident, $c:ident| -> $ret:ty $body:block) => {
        $m.register_async_method($name, |$p, $c, _| async move {
            let $c: &Chain = &$c;
            let out: $ret = async { $body }.await;
            out
        })
        .expect("method names are unique");
    };
}

/// All HTTP methods and websocket subscriptions.
pub fn module(chain: Arc<Chain>) -> RpcModule<Arc<Chain>> {
    let mut m = RpcModule::new(chain);

    method!(m, "getAccountInfo", |p,
                                  c|
     -> RpcResult<
        Response<Option<UiAccount>>,
    > {
        let mut a = Args::new(&p);
        let key = pubkey(&a.next::<String>()?)?;
        let config: Option<RpcAccountInfoConfig> = a.opt()?;
        let (l, min) = account_level(&config);
        let slot = view_slot(c, l, min)?;
        let (encoding, slice) = account_config(config);
        let value = match fetch_at(c, &key, l).await? {
            Some(acc) => Some(encode(c, &key, &acc, encoding, slice).await?),
            None => None,
        };
        Ok(at(slot, value))
    });

    method!(m, "getMultipleAccounts", |p,
                                       c|
     -> RpcResult<
        Response<Vec<Option<UiAccount>>>,
    > {
        let mut a = Args::new(&p);
        let keys: Vec<String> = a.next()?;
        if keys.len() > MAX_MULTIPLE_ACCOUNTS {
            return Err(invalid_params(format!(
                "Too many inputs provided; max {MAX_MULTIPLE_ACCOUNTS}"
            )));
        }
        let config: Option<RpcAccountInfoConfig> = a.opt()?;
        let (l, min) = account_level(&config);
        let slot = view_slot(c, l, min)?;
        let (encoding, slice) = account_config(config);
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let key = pubkey(&k)?;
            out.push(match fetch_at(c, &key, l).await? {
                Some(acc) => Some(encode(c, &key, &acc, encoding, slice).await?),
                None => None,
            });
        }
        Ok(at(slot, out))
    });

    method!(m, "getProgramAccounts", |p,
                                      c|
     -> RpcResult<
        OptionalContext<Vec<RpcKeyedAccount>>,
    > {
        let mut a = Args::new(&p);
        let program = pubkey(&a.next::<String>()?)?;
        let config: RpcProgramAccountsConfig = a.opt()?.unwrap_or_default();
        let filters = config.filters.unwrap_or_default();
        for f in &filters {
            f.verify().map_err(invalid_params)?;
        }
        let (encoding, slice) = account_config(Some(config.account_config));
        let mut out = Vec::new();
        for (key, acc) in c.program_accounts(&program).await.map_err(internal)? {
            let shared = AccountSharedData::from(acc.clone());
            if filters
                .iter()
                .all(|f: &RpcFilterType| filter_allows(f, &shared))
            {
                out.push(RpcKeyedAccount {
                    pubkey: key.to_string(),
                    account: encode(c, &key, &acc, encoding, slice).await?,
                });
            }
        }
        Ok(if config.with_context.unwrap_or(false) {
            OptionalContext::Context(with_ctx(c, out))
        } else {
            OptionalContext::NoContext(out)
        })
    });

    method!(m, "getBalance", |p, c| -> RpcResult<Response<u64>> {
        let mut a = Args::new(&p);
        let key = pubkey(&a.next::<String>()?)?;
        let (l, min) = context_level(&a.opt()?);
        let slot = view_slot(c, l, min)?;
        let lamports = fetch_at(c, &key, l).await?.map(|a| a.lamports).unwrap_or(0);
        Ok(at(slot, lamports))
    });

    method!(m, "getTokenAccountBalance", |p,
                                          c|
     -> RpcResult<
        Response<solana_account_decoder::parse_token::UiTokenAmount>,
    > {
        let key = pubkey(&Args::new(&p).next::<String>()?)?;
        let acc = fetch(c, &key)
            .await?
            .ok_or_else(|| invalid_params("could not find account"))?;
        let (mint, _, amount) =
            token_account_fields(&acc).ok_or_else(|| invalid_params("not a Token account"))?;
        let decimals = c
            .mint_decimals(&mint)
            .await
            .ok_or_else(|| invalid_params("Invalid param: mint could not be unpacked"))?;
        Ok(with_ctx(
            c,
            token_amount_to_ui_amount_v3(
                amount,
                &SplTokenAdditionalDataV2::with_decimals(decimals),
            ),
        ))
    });

    method!(m, "getTokenAccountsByOwner", |p,
                                           c|
     -> RpcResult<
        Response<Vec<RpcKeyedAccount>>,
    > {
        let mut a = Args::new(&p);
        let owner = pubkey(&a.next::<String>()?)?;
        let filter: RpcTokenAccountsFilter = a.next()?;
        let (encoding, slice) = account_config(a.opt()?);
        let (programs, mint) = match filter {
            RpcTokenAccountsFilter::Mint(m) => (
                vec![anchor_spl::token::ID, anchor_spl::token_2022::ID],
                Some(pubkey(&m)?),
            ),
            RpcTokenAccountsFilter::ProgramId(p) => {
                let p = pubkey(&p)?;
                if !is_token_program(&p) {
                    return Err(invalid_params(format!(
                        "unrecognized Token program id: {p}"
                    )));
                }
                (vec![p], None)
            }
        };
        let mut out = Vec::new();
        for program in programs {
            for (key, acc) in c.program_accounts(&program).await.map_err(internal)? {
                let Some((m, o, _)) = token_account_fields(&acc) else {
                    continue;
                };
                if o == owner && mint.is_none_or(|x| x == m) {
                    out.push(RpcKeyedAccount {
                        pubkey: key.to_string(),
                        account: encode(c, &key, &acc, encoding, slice).await?,
                    });
                }
            }
        }
        Ok(with_ctx(c, out))
    });

    method!(m, "getLatestBlockhash", |p,
                                      c|
     -> RpcResult<
        Response<RpcBlockhash>,
    > {
        let (l, min) = context_level(&Args::new(&p).opt()?);
        let slot = view_slot(c, l, min)?;
        let (hash, last_valid_block_height) = c.latest_blockhash_at(l).await.map_err(internal)?;
        Ok(at(
            slot,
            RpcBlockhash {
                blockhash: hash.to_string(),
                last_valid_block_height,
            },
        ))
    });

    method!(m, "isBlockhashValid", |p, c| -> RpcResult<Response<bool>> {
        let mut a = Args::new(&p);
        let hash =
            solana_sdk::hash::Hash::from_str(&a.next::<String>()?).map_err(invalid_params)?;
        let (l, min) = context_level(&a.opt()?);
        let slot = view_slot(c, l, min)?;
        if !c.blockhash_valid_at(&hash, l) {
            return Ok(at(slot, false));
        }
        // The bank prices a message only while its blockhash is valid.
        let probe = Message::new_with_blockhash(&[], Some(&c.faucet().pubkey()), &hash);
        let fee = c
            .fee_for_message(&VersionedMessage::Legacy(probe))
            .await
            .map_err(internal)?;
        Ok(with_ctx(c, fee.is_some()))
    });

    method!(m, "sendTransaction", |p, c| -> RpcResult<String> {
        let mut a = Args::new(&p);
        let data: String = a.next()?;
        let config: RpcSendTransactionConfig = a.opt()?.unwrap_or_default();
        let tx = decode_tx(&data, binary_encoding(config.encoding)?)?;
        if !config.skip_preflight {
            // Preflight runs at the preflight commitment (agave's default: finalized),
            // where a younger blockhash is unknown.
            let l = level(
                config
                    .preflight_commitment
                    .map(|c| CommitmentConfig { commitment: c }),
            );
            view_slot(c, l, config.min_context_slot)?;
            let sim = c.simulate_at(&tx, l).await.map_err(send_error)?;
            if sim.err.is_some() {
                return Err(send_error(SendError::Preflight(sim)));
            }
        }
        if let Some(sig) = c.intercept_send(&tx) {
            return Ok(sig.to_string());
        }
        let lose_answer = c.take_error_after_send();
        let sig = c
            .send(tx, !config.skip_preflight)
            .await
            .map_err(send_error)?;
        if lose_answer {
            return Err(internal("injected: the answer was lost after the send"));
        }
        Ok(sig.to_string())
    });

    // A block engine's methods (Jito's `getTipAccounts` and `sendBundle`), on the same
    // endpoint: bundles are all-or-nothing (every transaction must pass simulation, or
    // none is sent) and must write-lock a tip account.
    method!(m, "getTipAccounts", |_p, _c| -> RpcResult<Vec<String>> {
        Ok(tip_accounts().iter().map(|k| k.to_string()).collect())
    });

    method!(m, "sendBundle", |p, c| -> RpcResult<String> {
        let mut a = Args::new(&p);
        let data: Vec<String> = a.next()?;
        let config: Option<serde_json::Value> = a.opt()?;
        let encoding = match config
            .as_ref()
            .and_then(|v| v.get("encoding"))
            .and_then(|e| e.as_str())
        {
            None | Some("base58") => TransactionBinaryEncoding::Base58,
            Some("base64") => TransactionBinaryEncoding::Base64,
            Some(other) => return Err(invalid_params(format!("unsupported encoding: {other}"))),
        };
        if data.is_empty() || data.len() > MAX_BUNDLE_TRANSACTIONS {
            return Err(invalid_params(format!(
                "a bundle holds 1 to {MAX_BUNDLE_TRANSACTIONS} transactions"
            )));
        }
        let txs = data
            .iter()
            .map(|d| decode_tx(d, encoding))
            .collect::<RpcResult<Vec<_>>>()?;
        let tips = tip_accounts();
        let tipped = txs.iter().any(|tx| {
            let keys = tx.message.static_account_keys();
            keys.iter()
                .enumerate()
                .any(|(i, k)| tips.contains(k) && tx.message.is_maybe_writable(i, None))
        });
        if !tipped {
            return Err(invalid_params(
                "Bundles must write lock at least one tip account to be eligible for the auction.",
            ));
        }
        for tx in &txs {
            let sim = c.simulate(tx).await.map_err(send_error)?;
            if let Some(err) = sim.err {
                return Err(invalid_params(format!(
                    "bundle transaction {} failed simulation: {err}",
                    tx.signatures[0]
                )));
            }
        }
        let mut ids = Vec::new();
        for tx in txs {
            let sig = match c.intercept_send(&tx) {
                Some(sig) => sig,
                None => c.send(tx, false).await.map_err(send_error)?,
            };
            ids.push(sig.as_ref().to_vec());
        }
        let id = solana_sdk::hash::hashv(&ids.iter().map(|v| v.as_slice()).collect::<Vec<_>>());
        Ok(id.to_bytes().iter().map(|b| format!("{b:02x}")).collect())
    });

    // Not agave's: the sandbox's fault injection (see `chain::Faults`). Returns the
    // faults it replaced.
    method!(m, "sandbox_setFaults", |p, c| -> RpcResult<Faults> {
        let mut a = Args::new(&p);
        let f: Faults = a.next()?;
        Ok(c.set_faults(f))
    });

    // Not agave's: moves the sandbox's time forward (the Clock, block times and the
    // oracle's publish times together) by `seconds`; returns the new unix time.
    method!(m, "sandbox_advanceClock", |p, c| -> RpcResult<i64> {
        let mut a = Args::new(&p);
        let seconds: i64 = a.next()?;
        c.advance_clock(seconds).await.map_err(invalid_params)
    });

    method!(m, "simulateTransaction", |p,
                                       c|
     -> RpcResult<
        Response<RpcSimulateTransactionResult>,
    > {
        let mut a = Args::new(&p);
        let data: String = a.next()?;
        let config: RpcSimulateTransactionConfig = a.opt()?.unwrap_or_default();
        if config.accounts.is_some() {
            return Err(invalid_params(
                "the sandbox does not return post-simulation accounts",
            ));
        }
        if config.sig_verify && config.replace_recent_blockhash {
            return Err(invalid_params(
                "sigVerify may not be used with replaceRecentBlockhash",
            ));
        }
        let mut tx = decode_tx(&data, binary_encoding(config.encoding)?)?;
        let l = level(config.commitment);
        let slot = view_slot(c, l, config.min_context_slot)?;
        let mut replacement = None;
        if config.replace_recent_blockhash {
            let (hash, last_valid_block_height) =
                c.latest_blockhash_at(l).await.map_err(internal)?;
            tx.message.set_recent_blockhash(hash);
            replacement = Some(RpcBlockhash {
                blockhash: hash.to_string(),
                last_valid_block_height,
            });
        } else if config.sig_verify && tx.verify_with_results().iter().any(|ok| !ok) {
            return Err(custom(
                RpcCustomError::TransactionSignatureVerificationFailure,
            ));
        }
        let sim = c.simulate_at(&tx, l).await.map_err(send_error)?;
        let mut result = simulation_result(sim, replacement);
        if !config.inner_instructions {
            result.inner_instructions = None;
        }
        Ok(at(slot, result))
    });

    method!(m, "getSignatureStatuses", |p,
                                        c|
     -> RpcResult<
        Response<Vec<Option<TransactionStatus>>>,
    > {
        let mut a = Args::new(&p);
        let sigs: Vec<String> = a.next()?;
        let _config: Option<RpcSignatureStatusConfig> = a.opt()?;
        if sigs.len() > 256 {
            return Err(invalid_params("Too many inputs provided; max 256"));
        }
        let mut out = Vec::with_capacity(sigs.len());
        let tip = c.slot();
        for s in sigs {
            let sig = signature(&s)?;
            // As a validator: processed, then confirmed, then finalized (with no
            // confirmation count once rooted).
            out.push(c.status(&sig).map(|(slot, err)| {
                let reached = c.reached(slot);
                TransactionStatus {
                    slot,
                    confirmations: (reached != CommitmentLevel::Finalized)
                        .then(|| tip.saturating_sub(slot) as usize),
                    status: err.clone().map_or(Ok(()), Err),
                    err,
                    confirmation_status: Some(match reached {
                        CommitmentLevel::Finalized => TransactionConfirmationStatus::Finalized,
                        CommitmentLevel::Confirmed => TransactionConfirmationStatus::Confirmed,
                        _ => TransactionConfirmationStatus::Processed,
                    }),
                }
            }));
        }
        Ok(with_ctx(c, out))
    });

    method!(m, "getTransaction", |p,
                                  c|
     -> RpcResult<serde_json::Value> {
        let mut a = Args::new(&p);
        let sig = signature(&a.next::<String>()?)?;
        let config = a
            .opt::<RpcEncodingConfigWrapper<RpcTransactionConfig>>()?
            .map(|w| w.convert_to_current())
            .unwrap_or_default();
        let l = level(config.commitment);
        if l == CommitmentLevel::Processed {
            return Err(invalid_params(
                "Method does not support commitment below `confirmed`",
            ));
        }
        let Some(stored) = c.transaction(&sig) else {
            return Ok(serde_json::Value::Null);
        };
        if stored.slot > c.slot_at(l) {
            // Not at that commitment yet.
            return Ok(serde_json::Value::Null);
        }
        let confirmed = ConfirmedTransactionWithStatusMeta {
            slot: stored.slot,
            tx_with_meta: TransactionWithStatusMeta::Complete(VersionedTransactionWithStatusMeta {
                transaction: stored.transaction,
                meta: stored.meta,
            }),
            block_time: Some(stored.block_time),
        };
        confirmed
            .encode(
                config.encoding.unwrap_or(UiTransactionEncoding::Json),
                config.max_supported_transaction_version,
            )
            .map(|t| serde_json::to_value(t).expect("agave's types serialize"))
            .map_err(|e| match e {
                solana_transaction_status::EncodeError::UnsupportedTransactionVersion(v) => {
                    custom(RpcCustomError::UnsupportedTransactionVersion(v))
                }
            })
    });

    method!(m, "getSignaturesForAddress", |p,
                                           c|
     -> RpcResult<
        Vec<RpcConfirmedTransactionStatusWithSignature>,
    > {
        let mut a = Args::new(&p);
        let address = pubkey(&a.next::<String>()?)?;
        let config: RpcSignaturesForAddressConfig = a.opt()?.unwrap_or_default();
        let l = level(config.commitment);
        if l == CommitmentLevel::Processed {
            return Err(invalid_params(
                "Method does not support commitment below `confirmed`",
            ));
        }
        let limit = config.limit.unwrap_or(MAX_SIGNATURES_FOR_ADDRESS);
        if limit == 0 || limit > MAX_SIGNATURES_FOR_ADDRESS {
            return Err(invalid_params(format!(
                "Invalid limit; max {MAX_SIGNATURES_FOR_ADDRESS}"
            )));
        }
        let before = config.before.as_deref().map(signature).transpose()?;
        let until = config.until.as_deref().map(signature).transpose()?;
        let max_slot = view_slot(c, l, config.min_context_slot)?;
        Ok(
            c.signatures_for_address(&address, max_slot, before, until, limit)
                .into_iter()
                .map(|e| {
                    let reached = c.reached(e.slot);
                    RpcConfirmedTransactionStatusWithSignature {
                        signature: e.signature.to_string(),
                        slot: e.slot,
                        err: e.err,
                        memo: None,
                        block_time: Some(e.block_time),
                        confirmation_status: Some(match reached {
                            CommitmentLevel::Finalized => TransactionConfirmationStatus::Finalized,
                            _ => TransactionConfirmationStatus::Confirmed,
                        }),
                    }
                })
                .collect(),
        )
    });

    method!(m, "getSlot", |p, c| -> RpcResult<u64> {
        let (l, min) = context_level(&Args::new(&p).opt()?);
        view_slot(c, l, min)
    });

    method!(m, "getBlockHeight", |p, c| -> RpcResult<u64> {
        let (l, min) = context_level(&Args::new(&p).opt()?);
        view_slot(c, l, min)?;
        c.block_height_at(l).await.map_err(internal)
    });

    method!(m, "getEpochInfo", |_p, c| -> RpcResult<EpochInfo> {
        let schedule: EpochSchedule = c.epoch_schedule().await.map_err(internal)?;
        let slot = c.slot();
        let (epoch, slot_index) = schedule.get_epoch_and_slot_index(slot);
        Ok(EpochInfo {
            epoch,
            slot_index,
            slots_in_epoch: schedule.get_slots_in_epoch(epoch),
            absolute_slot: slot,
            block_height: c.block_height().await.map_err(internal)?,
            transaction_count: Some(c.transaction_count()),
        })
    });

    method!(m, "getMinimumBalanceForRentExemption", |p,
                                                     c|
     -> RpcResult<
        u64,
    > {
        let size: usize = Args::new(&p).next()?;
        Ok(c.rent().await.map_err(internal)?.minimum_balance(size))
    });

    method!(m, "getFeeForMessage", |p,
                                    c|
     -> RpcResult<
        Response<Option<u64>>,
    > {
        let mut a = Args::new(&p);
        let data: String = a.next()?;
        let _config: Option<RpcContextConfig> = a.opt()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&data)
            .map_err(|e| invalid_params(format!("invalid base64 encoding: {e}")))?;
        let message: VersionedMessage = bincode::deserialize(&bytes)
            .map_err(|e| invalid_params(format!("failed to deserialize message: {e}")))?;
        let fee = c.fee_for_message(&message).await.map_err(internal)?;
        Ok(with_ctx(c, fee))
    });

    method!(m, "getRecentPrioritizationFees", |p,
                                               c|
     -> RpcResult<
        Vec<RpcPrioritizationFee>,
    > {
        let keys: Vec<String> = Args::new(&p).opt()?.unwrap_or_default();
        if keys.len() > MAX_PRIORITY_FEE_ACCOUNTS {
            return Err(invalid_params(format!(
                "Too many inputs provided; max {MAX_PRIORITY_FEE_ACCOUNTS}"
            )));
        }
        let keys = keys
            .iter()
            .map(|k| pubkey(k))
            .collect::<RpcResult<Vec<_>>>()?;
        Ok(c.recent_priority_fees(&keys)
            .into_iter()
            .map(|(slot, prioritization_fee)| RpcPrioritizationFee {
                slot,
                prioritization_fee,
            })
            .collect())
    });

    method!(m, "requestAirdrop", |p, c| -> RpcResult<String> {
        let mut a = Args::new(&p);
        let to = pubkey(&a.next::<String>()?)?;
        let lamports: u64 = a.next()?;
        let (hash, _) = c.latest_blockhash().await.map_err(internal)?;
        let faucet = c.faucet();
        let ix = solana_system_interface::instruction::transfer(&faucet.pubkey(), &to, lamports);
        let tx = Transaction::new_signed_with_payer(&[ix], Some(&faucet.pubkey()), &[faucet], hash);
        let sig = c.send(tx.into(), true).await.map_err(send_error)?;
        Ok(sig.to_string())
    });

    method!(m, "getVersion", |_p, c| -> RpcResult<RpcVersionInfo> {
        // A validator reports the first 4 bytes of its feature set's id; the sandbox's
        // features are program-test's (all active), identified here by its genesis.
        let id = c.genesis_hash.to_bytes();
        Ok(RpcVersionInfo {
            solana_core: AGAVE_VERSION.to_string(),
            feature_set: Some(u32::from_le_bytes([id[0], id[1], id[2], id[3]])),
        })
    });

    method!(m, "getGenesisHash", |_p, c| -> RpcResult<String> {
        Ok(c.genesis_hash.to_string())
    });

    method!(m, "getHealth", |_p, _c| -> RpcResult<&'static str> {
        Ok("ok")
    });

    register_subscriptions(&mut m);
    m
}

async fn notify<T: Serialize>(sink: &jsonrpsee::core::server::SubscriptionSink, value: &T) -> bool {
    match SubscriptionMessage::from_json(value) {
        Ok(msg) => sink.send(msg).await.is_ok(),
        Err(_) => false,
    }
}

fn register_subscriptions(m: &mut RpcModule<Arc<Chain>>) {
    m.register_subscription(
        "signatureSubscribe",
        "signatureNotification",
        "signatureUnsubscribe",
        |p: Params<'static>, pending: PendingSubscriptionSink, c: Arc<Arc<Chain>>, _| async move {
            let parsed = {
                let mut a = Args::new(&p);
                a.next::<String>()
                    .and_then(|s| signature(&s))
                    .and_then(|sig| {
                        a.opt::<RpcSignatureSubscribeConfig>()
                            .map(|cfg| (sig, level(cfg.and_then(|c| c.commitment))))
                    })
            };
            let (sig, wanted) = match parsed {
                Ok(s) => s,
                Err(e) => {
                    pending.reject(e).await;
                    return Ok(());
                }
            };
            let mut events = c.subscribe();
            let sink = pending.accept().await?;
            let done = |slot, err| Response {
                context: RpcResponseContext::new(slot),
                value: RpcSignatureResult::ProcessedSignature(ProcessedSignatureResult { err }),
            };
            let rank = |l: CommitmentLevel| match l {
                CommitmentLevel::Processed => 0,
                CommitmentLevel::Confirmed => 1,
                _ => 2,
            };
            // Notified once the transaction has reached the requested commitment (a
            // slot event may be what gets it there).
            loop {
                if let Some((slot, err)) = c.status(&sig) {
                    if rank(c.reached(slot)) >= rank(wanted) {
                        notify(&sink, &done(slot, err)).await;
                        return Ok(());
                    }
                }
                match events.recv().await {
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Ok(()),
                }
                if sink.is_closed() {
                    return Ok(());
                }
            }
        },
    )
    .expect("subscription names are unique");

    m.register_subscription(
        "accountSubscribe",
        "accountNotification",
        "accountUnsubscribe",
        |p: Params<'static>, pending: PendingSubscriptionSink, c: Arc<Arc<Chain>>, _| async move {
            let parsed = {
                let mut a = Args::new(&p);
                a.next::<String>()
                    .and_then(|s| pubkey(&s))
                    .and_then(|k| a.opt::<RpcAccountInfoConfig>().map(|cfg| (k, cfg)))
            };
            let (key, config) = match parsed {
                Ok(v) => v,
                Err(e) => {
                    pending.reject(e).await;
                    return Ok(());
                }
            };
            let (wanted, _) = account_level(&config);
            let (encoding, slice) = account_config(config);
            let mut events = c.subscribe();
            let sink = pending.accept().await?;
            let mut last: Option<Account> = c.account_at(&key, wanted).await.ok().flatten();
            // A change is announced once the requested commitment's view holds it: after
            // the write for `processed`, a slot or more later for the others.
            let mut waiting = false;
            loop {
                match events.recv().await {
                    Ok(ChainEvent::Accounts(keys)) => waiting |= keys.contains(&key),
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Ok(()),
                }
                if sink.is_closed() {
                    return Ok(());
                }
                if !waiting {
                    continue;
                }
                let now = c.account_at(&key, wanted).await.ok().flatten();
                if now == last {
                    continue;
                }
                waiting = c.account(&key).await.ok().flatten() != now;
                // A closed account is reported as an empty system account, as agave does.
                let shown = now.clone().unwrap_or_default();
                if let Ok(ui) = encode(&c, &key, &shown, encoding, slice).await {
                    let slot = c.slot_at(wanted);
                    if !notify(&sink, &at(slot, ui)).await {
                        return Ok(());
                    }
                }
                last = now;
            }
        },
    )
    .expect("subscription names are unique");

    m.register_subscription(
        "slotSubscribe",
        "slotNotification",
        "slotUnsubscribe",
        |_p: Params<'static>, pending: PendingSubscriptionSink, c: Arc<Arc<Chain>>, _| async move {
            let mut events = c.subscribe();
            let sink = pending.accept().await?;
            loop {
                match events.recv().await {
                    Ok(ChainEvent::Slot { slot, parent }) => {
                        let info = SlotInfo {
                            slot,
                            parent,
                            root: parent,
                        };
                        if !notify(&sink, &info).await {
                            return Ok(());
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Ok(()),
                }
            }
        },
    )
    .expect("subscription names are unique");
}

/// HTTP middleware: answers `429 Too Many Requests` with `Retry-After: 1` while
/// [`Faults::rate_limited`] lasts (a provider's rate limit).
#[derive(Clone)]
pub struct RateLimitLayer(pub Arc<Chain>);

impl<S> tower::Layer<S> for RateLimitLayer {
    type Service = RateLimited<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RateLimited {
            inner,
            chain: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct RateLimited<S> {
    inner: S,
    chain: Arc<Chain>,
}

impl<S, B> tower::Service<http::Request<B>> for RateLimited<S>
where
    S: tower::Service<http::Request<B>, Response = jsonrpsee::server::HttpResponse>,
{
    type Response = jsonrpsee::server::HttpResponse;
    type Error = S::Error;
    type Future = futures::future::Either<
        futures::future::Ready<Result<Self::Response, S::Error>>,
        S::Future,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        if self.chain.take_rate_limit() {
            let mut resp = http::Response::new(jsonrpsee::server::HttpBody::from("rate limited"));
            *resp.status_mut() = http::StatusCode::TOO_MANY_REQUESTS;
            resp.headers_mut().insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("1"),
            );
            return futures::future::Either::Left(futures::future::ready(Ok(resp)));
        }
        futures::future::Either::Right(self.inner.call(req))
    }
}
