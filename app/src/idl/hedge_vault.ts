/**
 * The hedge vault program's IDL as a TypeScript type (camelCase, as Anchor's
 * `target/types/`), for `Program<HedgeVault>`. Generated from
 * programs/hedge_vault/idl/hedge_vault.json by `bash scripts/idl.sh write`: do not edit.
 */
export type HedgeVault = {
  "accounts": [
    {
      "discriminator": [
        16,
        199,
        100,
        175,
        182,
        173,
        249,
        221
      ],
      "name": "hedgeLog"
    },
    {
      "discriminator": [
        195,
        186,
        158,
        160,
        89,
        180,
        55,
        218
      ],
      "name": "optionBook"
    },
    {
      "discriminator": [
        170,
        188,
        143,
        228,
        122,
        64,
        247,
        208
      ],
      "name": "position"
    },
    {
      "discriminator": [
        211,
        8,
        232,
        43,
        2,
        152,
        117,
        119
      ],
      "name": "vault"
    },
    {
      "discriminator": [
        186,
        239,
        174,
        191,
        189,
        13,
        47,
        196
      ],
      "name": "withdrawRequest"
    }
  ],
  "address": "CPdvMY94H7DpNoTrNmByJ7m12w7C5hdZE926djWNP8Bd",
  "errors": [
    {
      "code": 6000,
      "msg": "Arithmetic overflow",
      "name": "mathOverflow"
    },
    {
      "code": 6001,
      "msg": "Division by zero",
      "name": "divideByZero"
    },
    {
      "code": 6002,
      "msg": "Argument outside the domain of ln or sqrt",
      "name": "argumentOutOfDomain"
    },
    {
      "code": 6003,
      "msg": "Spot price is not in (0, 1e12]",
      "name": "spotOutOfRange"
    },
    {
      "code": 6004,
      "msg": "Strike is not in (0, 1e12]",
      "name": "strikeOutOfRange"
    },
    {
      "code": 6005,
      "msg": "Strike and spot are more than nine decades apart",
      "name": "moneynessOutOfRange"
    },
    {
      "code": 6006,
      "msg": "Volatility is outside [0.1%, 1000%]",
      "name": "volOutOfRange"
    },
    {
      "code": 6007,
      "msg": "Time to expiry is outside [1 s, 10 years]",
      "name": "timeOutOfRange"
    },
    {
      "code": 6008,
      "msg": "Quote rate is outside [-50%, 100%]",
      "name": "rateOutOfRange"
    },
    {
      "code": 6009,
      "msg": "Underlying yield is outside [-50%, 100%]",
      "name": "divYieldOutOfRange"
    },
    {
      "code": 6010,
      "msg": "The quote and underlying mints must differ",
      "name": "sameMint"
    },
    {
      "code": 6011,
      "msg": "A risk parameter is outside its hard bounds",
      "name": "riskParamOutOfBounds"
    },
    {
      "code": 6012,
      "msg": "This instruction is paused",
      "name": "instructionPaused"
    },
    {
      "code": 6013,
      "msg": "The signer is not allowed to do this",
      "name": "unauthorized"
    },
    {
      "code": 6014,
      "msg": "The guardian may only pause or tighten",
      "name": "guardianCanOnlyTighten"
    },
    {
      "code": 6015,
      "msg": "No risk parameter change is pending",
      "name": "noPendingRiskParams"
    },
    {
      "code": 6016,
      "msg": "The timelock of the pending change has not elapsed",
      "name": "timelockNotElapsed"
    },
    {
      "code": 6017,
      "msg": "No authority transfer is pending for this signer",
      "name": "noPendingAuthority"
    },
    {
      "code": 6018,
      "msg": "The keeper registry is full",
      "name": "keeperRegistryFull"
    },
    {
      "code": 6019,
      "msg": "The keeper is not registered",
      "name": "keeperNotFound"
    },
    {
      "code": 6020,
      "msg": "The oracle account is not owned by a Pyth program of the configured kind",
      "name": "oracleInvalidOwner"
    },
    {
      "code": 6021,
      "msg": "The oracle account is not the one configured for this vault",
      "name": "oracleMismatch"
    },
    {
      "code": 6022,
      "msg": "The price update is for another feed",
      "name": "oracleFeedIdMismatch"
    },
    {
      "code": 6023,
      "msg": "The oracle account cannot be parsed",
      "name": "oracleInvalidData"
    },
    {
      "code": 6024,
      "msg": "The oracle price is not positive",
      "name": "oracleNonPositivePrice"
    },
    {
      "code": 6025,
      "msg": "The oracle price status is not Trading",
      "name": "oracleNotTrading"
    },
    {
      "code": 6026,
      "msg": "The price update is not fully verified",
      "name": "oracleNotFullyVerified"
    },
    {
      "code": 6027,
      "msg": "The oracle price is too old",
      "name": "oracleStale"
    },
    {
      "code": 6028,
      "msg": "The oracle confidence interval is too wide",
      "name": "oracleConfidenceTooWide"
    },
    {
      "code": 6029,
      "msg": "The price update is older than the last accepted one",
      "name": "oracleNotMonotonic"
    },
    {
      "code": 6030,
      "msg": "The amount must be positive",
      "name": "zeroAmount"
    },
    {
      "code": 6031,
      "msg": "The deposit is below the minimum or mints no shares",
      "name": "depositTooSmall"
    },
    {
      "code": 6032,
      "msg": "The deposit would exceed the vault's cap",
      "name": "depositCapExceeded"
    },
    {
      "code": 6033,
      "msg": "The vault's NAV is not positive",
      "name": "vaultInsolvent"
    },
    {
      "code": 6034,
      "msg": "The withdrawal delay has not elapsed",
      "name": "withdrawNotReady"
    },
    {
      "code": 6035,
      "msg": "Not enough unlocked collateral to pay this",
      "name": "insufficientFreeCollateral"
    },
    {
      "code": 6036,
      "msg": "No such series in this vault",
      "name": "seriesNotFound"
    },
    {
      "code": 6037,
      "msg": "The series data is invalid",
      "name": "invalidSeries"
    },
    {
      "code": 6038,
      "msg": "All series slots are in use",
      "name": "seriesTableFull"
    },
    {
      "code": 6039,
      "msg": "Implied vol is outside [1%, 500%]",
      "name": "ivOutOfRange"
    },
    {
      "code": 6040,
      "msg": "Expiry must be in the future and within 10 years",
      "name": "invalidExpiry"
    },
    {
      "code": 6041,
      "msg": "Strike must be positive and within the price domain",
      "name": "invalidStrike"
    },
    {
      "code": 6042,
      "msg": "The series still has open interest",
      "name": "seriesHasOpenInterest"
    },
    {
      "code": 6043,
      "msg": "The series has expired",
      "name": "seriesExpired"
    },
    {
      "code": 6044,
      "msg": "The series is not active",
      "name": "seriesNotActive"
    },
    {
      "code": 6045,
      "msg": "The series has not expired yet",
      "name": "seriesNotExpired"
    },
    {
      "code": 6046,
      "msg": "The series is not settled",
      "name": "seriesNotSettled"
    },
    {
      "code": 6047,
      "msg": "The price was published before expiry",
      "name": "settlementPriceTooEarly"
    },
    {
      "code": 6048,
      "msg": "The price was published after the settlement window",
      "name": "settlementWindowClosed"
    },
    {
      "code": 6049,
      "msg": "Premium above the trader's maximum or proceeds below the minimum",
      "name": "slippageExceeded"
    },
    {
      "code": 6050,
      "msg": "The trade would leave the vault below its initial margin",
      "name": "initialMarginBreached"
    },
    {
      "code": 6051,
      "msg": "The trade would push utilisation over its cap",
      "name": "utilizationCapExceeded"
    },
    {
      "code": 6052,
      "msg": "The trade would push net vega beyond its limit",
      "name": "vegaLimitExceeded"
    },
    {
      "code": 6053,
      "msg": "The trade would exceed the series' max open interest",
      "name": "openInterestCapExceeded"
    },
    {
      "code": 6054,
      "msg": "The position is smaller than the amount",
      "name": "insufficientPosition"
    },
    {
      "code": 6055,
      "msg": "The vault received less than the amount sent",
      "name": "quoteTransferShortfall"
    },
    {
      "code": 6056,
      "msg": "Oracle kind or feed id is invalid",
      "name": "invalidOracleConfig"
    },
    {
      "code": 6057,
      "msg": "The quote mint is not this vault's",
      "name": "invalidQuoteMint"
    },
    {
      "code": 6058,
      "msg": "The quote token account is not this vault's",
      "name": "invalidQuoteVault"
    },
    {
      "code": 6059,
      "msg": "The share mint is not this vault's",
      "name": "invalidShareMint"
    },
    {
      "code": 6060,
      "msg": "The share escrow is not this vault's",
      "name": "invalidShareEscrow"
    },
    {
      "code": 6061,
      "msg": "The option book is not this vault's",
      "name": "invalidBook"
    },
    {
      "code": 6062,
      "msg": "The token account does not belong to the signer or has the wrong mint",
      "name": "invalidTokenAccount"
    },
    {
      "code": 6063,
      "msg": "The share balance is smaller than the amount",
      "name": "insufficientShares"
    },
    {
      "code": 6064,
      "msg": "The series expires too soon to trade",
      "name": "tooCloseToExpiry"
    },
    {
      "code": 6065,
      "msg": "Mint decimals are outside the supported range",
      "name": "invalidMintDecimals"
    },
    {
      "code": 6066,
      "msg": "The DEX program is not Raydium CPMM",
      "name": "invalidDexProgram"
    },
    {
      "code": 6067,
      "msg": "The pool is not the one configured for this vault",
      "name": "invalidDexPool"
    },
    {
      "code": 6068,
      "msg": "A DEX account does not match the configured pool",
      "name": "dexAccountMismatch"
    },
    {
      "code": 6069,
      "msg": "The pool does not accept swaps now",
      "name": "dexSwapDisabled"
    },
    {
      "code": 6070,
      "msg": "The hedge cannot be sized within the pool's depth",
      "name": "hedgeSizeTooLarge"
    },
    {
      "code": 6071,
      "msg": "Net delta is inside the band and the price has not moved enough",
      "name": "deltaWithinBand"
    },
    {
      "code": 6072,
      "msg": "The minimum interval since the last hedge has not passed",
      "name": "hedgeIntervalNotElapsed"
    },
    {
      "code": 6073,
      "msg": "Only a registered keeper may rebalance or liquidate now",
      "name": "notKeeper"
    },
    {
      "code": 6074,
      "msg": "The swap filled outside the oracle price ± slippage",
      "name": "fillOutsideSlippage"
    },
    {
      "code": 6075,
      "msg": "The hedge did not reduce the absolute net delta",
      "name": "hedgeDidNotReduceDelta"
    },
    {
      "code": 6076,
      "msg": "The hedge crossed zero delta by more than the band",
      "name": "hedgeOvershoot"
    },
    {
      "code": 6077,
      "msg": "The hedge log is not this vault's",
      "name": "invalidHedgeLog"
    },
    {
      "code": 6078,
      "msg": "The vault is above its maintenance margin",
      "name": "vaultHealthy"
    },
    {
      "code": 6079,
      "msg": "The vault is unwinding: new sales and withdrawal claims are stopped",
      "name": "vaultInUnwind"
    },
    {
      "code": 6080,
      "msg": "Net delta is long but the vault holds no underlying to sell (it cannot short)",
      "name": "noInventoryToSell"
    },
    {
      "code": 6081,
      "msg": "A series' mark is stale (too old, the spot left its window, or the risk parameters or IV changed): call mark_series",
      "name": "marksStale"
    },
    {
      "code": 6082,
      "msg": "The trade is below the series' minimum size",
      "name": "tradeBelowMinimum"
    },
    {
      "code": 6083,
      "msg": "The vault already has its maximum number of series with open interest",
      "name": "openSeriesCapReached"
    },
    {
      "code": 6084,
      "msg": "mark_series takes 1 to MAX_MARK_BATCH distinct listed series",
      "name": "invalidMarkBatch"
    },
    {
      "code": 6085,
      "msg": "The minimum trade size must be at least 1 and at most the open-interest cap",
      "name": "invalidMinTradeSize"
    },
    {
      "code": 6086,
      "msg": "This mark re-centres the book (spot over half the reference away): mark MAX_RECENTER_BATCH series",
      "name": "markBatchTooLargeToRecenter"
    },
    {
      "code": 6087,
      "msg": "The oracle price is older than trade_max_price_age_s: post a newer price update in the same transaction",
      "name": "priceTooOldToTrade"
    },
    {
      "code": 6088,
      "msg": "This series' IV changed less than min_iv_interval_s ago",
      "name": "ivChangeTooSoon"
    },
    {
      "code": 6089,
      "msg": "This IV change is larger than max_iv_step_bps and its timelock has not passed",
      "name": "ivChangeTimelocked"
    },
    {
      "code": 6090,
      "msg": "The open-interest cap is above the vault's max_series_oi",
      "name": "openInterestCapTooLarge"
    },
    {
      "code": 6091,
      "msg": "Underlying mint does not match the vault",
      "name": "invalidUnderlyingMint"
    },
    {
      "code": 6092,
      "msg": "Underlying token vault does not match the vault",
      "name": "invalidUnderlyingVault"
    },
    {
      "code": 6093,
      "msg": "The proposed risk parameters equal the current ones",
      "name": "riskParamsUnchanged"
    },
    {
      "code": 6094,
      "msg": "The settlement price must be the first update at or after expiry (its previous update published before expiry)",
      "name": "settlementPriceNotFirstAfterExpiry"
    },
    {
      "code": 6095,
      "msg": "The mint has a Token-2022 extension the vault cannot hold safely (permanent delegate, transfer hook, pausable, transfer fee, non-transferable, frozen by default)",
      "name": "unsupportedMintExtension"
    },
    {
      "code": 6096,
      "msg": "The mint account is malformed",
      "name": "invalidMint"
    },
    {
      "code": 6097,
      "msg": "The proposed oracle and pool equal the current ones",
      "name": "venueUnchanged"
    },
    {
      "code": 6098,
      "msg": "No oracle or pool change is pending",
      "name": "noPendingVenue"
    },
    {
      "code": 6099,
      "msg": "An expired series awaits settlement: settle it first",
      "name": "seriesAwaitingSettlement"
    }
  ],
  "events": [
    {
      "discriminator": [
        166,
        192,
        219,
        188,
        41,
        209,
        195,
        26
      ],
      "name": "authorityAccepted"
    },
    {
      "discriminator": [
        244,
        117,
        94,
        112,
        53,
        151,
        35,
        89
      ],
      "name": "authorityProposed"
    },
    {
      "discriminator": [
        111,
        141,
        26,
        45,
        161,
        35,
        100,
        57
      ],
      "name": "deposited"
    },
    {
      "discriminator": [
        199,
        234,
        66,
        198,
        152,
        62,
        234,
        154
      ],
      "name": "exercised"
    },
    {
      "discriminator": [
        116,
        85,
        200,
        22,
        76,
        163,
        56,
        243
      ],
      "name": "keeperSet"
    },
    {
      "discriminator": [
        231,
        57,
        55,
        75,
        0,
        170,
        246,
        68
      ],
      "name": "liquidated"
    },
    {
      "discriminator": [
        188,
        142,
        35,
        153,
        27,
        254,
        127,
        233
      ],
      "name": "optionTraded"
    },
    {
      "discriminator": [
        175,
        57,
        198,
        136,
        192,
        66,
        204,
        73
      ],
      "name": "pauseSet"
    },
    {
      "discriminator": [
        74,
        101,
        57,
        244,
        181,
        179,
        52,
        182
      ],
      "name": "rebalanced"
    },
    {
      "discriminator": [
        46,
        250,
        182,
        37,
        162,
        172,
        133,
        96
      ],
      "name": "riskParamsChanged"
    },
    {
      "discriminator": [
        214,
        13,
        236,
        87,
        106,
        220,
        125,
        38
      ],
      "name": "rolesSet"
    },
    {
      "discriminator": [
        4,
        60,
        84,
        155,
        85,
        94,
        123,
        250
      ],
      "name": "seriesDelisted"
    },
    {
      "discriminator": [
        177,
        116,
        142,
        55,
        218,
        212,
        108,
        155
      ],
      "name": "seriesIvProposed"
    },
    {
      "discriminator": [
        27,
        85,
        41,
        29,
        231,
        226,
        87,
        66
      ],
      "name": "seriesIvSet"
    },
    {
      "discriminator": [
        205,
        246,
        180,
        75,
        118,
        252,
        50,
        231
      ],
      "name": "seriesLimitsSet"
    },
    {
      "discriminator": [
        234,
        122,
        29,
        253,
        225,
        171,
        71,
        93
      ],
      "name": "seriesListed"
    },
    {
      "discriminator": [
        253,
        204,
        1,
        109,
        184,
        97,
        87,
        158
      ],
      "name": "seriesMarked"
    },
    {
      "discriminator": [
        119,
        185,
        208,
        158,
        40,
        59,
        197,
        235
      ],
      "name": "seriesSettled"
    },
    {
      "discriminator": [
        180,
        43,
        207,
        2,
        18,
        71,
        3,
        75
      ],
      "name": "vaultInitialized"
    },
    {
      "discriminator": [
        51,
        70,
        79,
        18,
        227,
        238,
        177,
        75
      ],
      "name": "venueChangeProposed"
    },
    {
      "discriminator": [
        76,
        206,
        184,
        123,
        245,
        208,
        230,
        42
      ],
      "name": "venueChanged"
    },
    {
      "discriminator": [
        162,
        153,
        181,
        47,
        154,
        132,
        183,
        117
      ],
      "name": "withdrawCancelled"
    },
    {
      "discriminator": [
        77,
        130,
        89,
        38,
        239,
        172,
        174,
        85
      ],
      "name": "withdrawClaimed"
    },
    {
      "discriminator": [
        114,
        16,
        240,
        206,
        93,
        128,
        151,
        39
      ],
      "name": "withdrawRequested"
    }
  ],
  "instructions": [
    {
      "accounts": [
        {
          "name": "signer",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [],
      "discriminator": [
        107,
        86,
        198,
        91,
        33,
        12,
        107,
        160
      ],
      "docs": [
        "The pending authority accepts."
      ],
      "name": "acceptAuthority"
    },
    {
      "accounts": [
        {
          "name": "signer",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [],
      "discriminator": [
        128,
        224,
        149,
        118,
        237,
        66,
        179,
        240
      ],
      "docs": [
        "Applies pending risk parameters after their timelock (authority)."
      ],
      "name": "applyRiskParams"
    },
    {
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [],
      "discriminator": [
        215,
        42,
        159,
        27,
        27,
        46,
        224,
        126
      ],
      "docs": [
        "Applies the pending oracle and pool after their timelock (authority); retires",
        "every mark.",
        "#### Special Errors",
        "- `Unauthorized`, `NoPendingVenue`, `TimelockNotElapsed`, `SeriesAwaitingSettlement`."
      ],
      "name": "applyVenue"
    },
    {
      "accounts": [
        {
          "name": "trader",
          "signer": true,
          "writable": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "oracle"
        },
        {
          "name": "quoteMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "quoteVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "traderQuote",
          "writable": true
        },
        {
          "docs": [
            "The trader's position in this series; created on the first buy. `init_if_needed`",
            "is safe here: the PDA is unique per (vault, series, trader) and every field is",
            "either set on creation or only incremented."
          ],
          "name": "position",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  112,
                  111,
                  115,
                  105,
                  116,
                  105,
                  111,
                  110
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              },
              {
                "kind": "arg",
                "path": "seriesId"
              },
              {
                "kind": "account",
                "path": "trader"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "tokenProgram"
        },
        {
          "address": "11111111111111111111111111111111",
          "name": "systemProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "seriesId",
          "type": "u64"
        },
        {
          "name": "size",
          "type": "u64"
        },
        {
          "name": "maxPremium",
          "type": "u64"
        }
      ],
      "discriminator": [
        242,
        253,
        221,
        183,
        67,
        244,
        140,
        119
      ],
      "docs": [
        "Trader buys `size` underlying atoms of a series for at most `max_premium`.",
        "#### Special Errors",
        "- `SlippageExceeded`, `InitialMarginBreached`, `UtilizationCapExceeded`,",
        "`VegaLimitExceeded`, `OpenInterestCapExceeded`, `SeriesExpired`."
      ],
      "name": "buyOption"
    },
    {
      "accounts": [
        {
          "name": "lp",
          "signer": true,
          "writable": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "shareMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "shareEscrow",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "lpShares",
          "writable": true
        },
        {
          "name": "request",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  105,
                  116,
                  104,
                  100,
                  114,
                  97,
                  119,
                  97,
                  108
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              },
              {
                "kind": "account",
                "path": "lp"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "tokenProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [],
      "discriminator": [
        112,
        53,
        226,
        58,
        158,
        30,
        37,
        168
      ],
      "docs": [
        "LP takes back the escrowed shares of a pending request."
      ],
      "name": "cancelWithdraw"
    },
    {
      "accounts": [
        {
          "name": "lp",
          "signer": true,
          "writable": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "docs": [
            "Read only: the claim reads the book's sums and locks."
          ],
          "name": "book",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "oracle"
        },
        {
          "name": "quoteMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "quoteVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "shareMint",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "shareEscrow",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "lpQuote",
          "writable": true
        },
        {
          "name": "request",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  105,
                  116,
                  104,
                  100,
                  114,
                  97,
                  119,
                  97,
                  108
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              },
              {
                "kind": "account",
                "path": "lp"
              }
            ]
          },
          "writable": true
        },
        {
          "docs": [
            "Shares and quote share one token program (the share mint copies the quote's)."
          ],
          "name": "tokenProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [],
      "discriminator": [
        232,
        89,
        154,
        117,
        16,
        204,
        182,
        224
      ],
      "docs": [
        "LP claims a request after the delay, at min(value at request, value now).",
        "#### Special Errors",
        "- `WithdrawNotReady`, `InsufficientFreeCollateral`, `OracleStale`."
      ],
      "name": "claimWithdraw"
    },
    {
      "accounts": [
        {
          "name": "admin",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "seriesId",
          "type": "u64"
        }
      ],
      "discriminator": [
        36,
        18,
        160,
        107,
        234,
        23,
        238,
        162
      ],
      "docs": [
        "Frees a series' slot once nothing is open or owed (authority or risk admin)."
      ],
      "name": "delistSeries"
    },
    {
      "accounts": [
        {
          "name": "lp",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "oracle"
        },
        {
          "name": "quoteMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "quoteVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "shareMint",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "lpQuote",
          "writable": true
        },
        {
          "name": "lpShares",
          "writable": true
        },
        {
          "name": "tokenProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "amount",
          "type": "u64"
        }
      ],
      "discriminator": [
        242,
        35,
        198,
        137,
        82,
        225,
        242,
        182
      ],
      "docs": [
        "LP deposits `amount` quote atoms and receives shares at NAV.",
        "#### Special Errors",
        "- `ZeroAmount`, `DepositTooSmall`, `DepositCapExceeded`, `VaultInsolvent`, oracle errors."
      ],
      "name": "deposit"
    },
    {
      "accounts": [
        {
          "docs": [
            "Anyone may exercise a settled position; the payout and the position's rent go",
            "to its owner. Keepers use this to close out positions so series can be delisted."
          ],
          "name": "caller",
          "signer": true
        },
        {
          "name": "holder",
          "writable": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "quoteMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "quoteVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "holderQuote",
          "writable": true
        },
        {
          "name": "position",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  112,
                  111,
                  115,
                  105,
                  116,
                  105,
                  111,
                  110
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              },
              {
                "account": "position",
                "kind": "account",
                "path": "position.series_id"
              },
              {
                "kind": "account",
                "path": "holder"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "tokenProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [],
      "discriminator": [
        144,
        79,
        103,
        64,
        241,
        78,
        80,
        174
      ],
      "docs": [
        "Holder is paid the cash payoff of a settled position."
      ],
      "name": "exercise"
    },
    {
      "accounts": [
        {
          "name": "authority",
          "signer": true,
          "writable": true
        },
        {
          "name": "vault",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  118,
                  97,
                  117,
                  108,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "authority"
              },
              {
                "kind": "account",
                "path": "quoteMint"
              },
              {
                "kind": "account",
                "path": "underlyingMint"
              },
              {
                "kind": "arg",
                "path": "args.vault_id"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "book",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  98,
                  111,
                  111,
                  107
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              }
            ]
          },
          "writable": true
        },
        {
          "docs": [
            "The rebalance ring buffer. At over 10 KiB it cannot be created by CPI, so the",
            "client creates it (owned by this program, `HedgeLog::SPACE` bytes, zeroed) in the",
            "same transaction; `zero` checks it is fresh."
          ],
          "name": "hedgeLog",
          "writable": true
        },
        {
          "name": "quoteMint"
        },
        {
          "name": "underlyingMint"
        },
        {
          "docs": [
            "LP shares use the quote mint's token program and its decimals plus the",
            "virtual-share offset, so one displayed share starts at one quote unit."
          ],
          "name": "shareMint",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  115,
                  104,
                  97,
                  114,
                  101,
                  95,
                  109,
                  105,
                  110,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "quoteVault",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  113,
                  117,
                  111,
                  116,
                  101,
                  95,
                  118,
                  97,
                  117,
                  108,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "underlyingVault",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  117,
                  110,
                  100,
                  101,
                  114,
                  108,
                  121,
                  105,
                  110,
                  103,
                  95,
                  118,
                  97,
                  117,
                  108,
                  116
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "shareEscrow",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  115,
                  104,
                  97,
                  114,
                  101,
                  95,
                  101,
                  115,
                  99,
                  114,
                  111,
                  119
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              }
            ]
          },
          "writable": true
        },
        {
          "docs": [
            "the oracle adapter checks the data on every use."
          ],
          "name": "oracle"
        },
        {
          "docs": [
            "the two mints (`dex::require_pool_of`)."
          ],
          "name": "dexPool"
        },
        {
          "name": "quoteTokenProgram"
        },
        {
          "name": "underlyingTokenProgram"
        },
        {
          "address": "11111111111111111111111111111111",
          "name": "systemProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "args",
          "type": {
            "defined": {
              "name": "initializeVaultArgs"
            }
          }
        }
      ],
      "discriminator": [
        48,
        191,
        163,
        44,
        71,
        129,
        63,
        164
      ],
      "docs": [
        "Creates a vault, its option book, LP share mint, share escrow and token accounts.",
        "",
        "### Authority",
        "- `authority`: pays and becomes the vault's admin.",
        "#### Special Errors",
        "- `SameMint`, `RiskParamOutOfBounds`, `OracleInvalidOwner`, `InvalidOracleConfig`."
      ],
      "name": "initializeVault"
    },
    {
      "accounts": [
        {
          "docs": [
            "A registered keeper, or anyone once the fallback conditions hold."
          ],
          "name": "caller",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "docs": [
            "Writable for `liquidate` (it force-settles series)."
          ],
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "hedgeLog",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "oracle"
        },
        {
          "name": "quoteMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "underlyingMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "quoteVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "underlyingVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "docs": [
            "The caller's quote account, for the fallback bounty (not read for keepers)."
          ],
          "name": "callerQuote",
          "optional": true,
          "writable": true
        },
        {
          "address": "CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C",
          "name": "dexProgram"
        },
        {
          "name": "dexAuthority"
        },
        {
          "name": "ammConfig"
        },
        {
          "name": "dexPool",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "docs": [
            "The pool's vaults for the quote and the underlying (handler checks both)."
          ],
          "name": "poolQuoteVault",
          "writable": true
        },
        {
          "name": "poolUnderlyingVault",
          "writable": true
        },
        {
          "name": "observation",
          "writable": true
        },
        {
          "name": "quoteTokenProgram"
        },
        {
          "name": "underlyingTokenProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [],
      "discriminator": [
        223,
        179,
        226,
        125,
        48,
        46,
        39,
        74
      ],
      "docs": [
        "Emergency unwind (registered keeper): below maintenance margin, force-settles the",
        "riskiest series at model value and sells underlying if quote is short, until",
        "health is back above the target ratio. Accounts as `rebalance`.",
        "#### Special Errors",
        "- `VaultHealthy`, `NotKeeper`, `FillOutsideSlippage`."
      ],
      "name": "liquidate"
    },
    {
      "accounts": [
        {
          "name": "admin",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "args",
          "type": {
            "defined": {
              "name": "listSeriesArgs"
            }
          }
        }
      ],
      "discriminator": [
        223,
        92,
        74,
        191,
        6,
        29,
        64,
        139
      ],
      "docs": [
        "Lists an option series (authority or risk admin).",
        "#### Special Errors",
        "- `InvalidExpiry`, `InvalidStrike`, `IvOutOfRange`, `SeriesTableFull`, `Unauthorized`."
      ],
      "name": "listSeries"
    },
    {
      "accounts": [
        {
          "docs": [
            "Anyone may mark: it only refreshes valuations at the checked oracle price."
          ],
          "name": "caller",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "oracle"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "seriesIds",
          "type": {
            "vec": "u64"
          }
        }
      ],
      "discriminator": [
        152,
        117,
        16,
        29,
        53,
        10,
        87,
        123
      ],
      "docs": [
        "Re-marks up to `MAX_MARK_BATCH` series at the oracle price: each series' value,",
        "greeks, bounds and stressed values (five option evaluations each), with the",
        "book's sums and locks kept in step. Instructions that read the sums need every",
        "open series' mark fresh.",
        "",
        "### Authority",
        "- Anyone.",
        "#### Special Errors",
        "- `InvalidMarkBatch` (empty, too many or repeated ids), `SeriesNotFound`,",
        "`SeriesNotActive`, the oracle's errors."
      ],
      "name": "markSeries"
    },
    {
      "accounts": [
        {
          "name": "signer",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "newAuthority",
          "type": "pubkey"
        }
      ],
      "discriminator": [
        20,
        148,
        236,
        198,
        76,
        119,
        99,
        142
      ],
      "docs": [
        "Names a new authority, who must accept (authority)."
      ],
      "name": "proposeAuthority"
    },
    {
      "accounts": [
        {
          "name": "signer",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "params",
          "type": {
            "defined": {
              "name": "riskParams"
            }
          }
        }
      ],
      "discriminator": [
        35,
        118,
        38,
        137,
        84,
        75,
        29,
        90
      ],
      "docs": [
        "Proposes risk parameters: tightening applies now, loosening after the timelock."
      ],
      "name": "proposeRiskParams"
    },
    {
      "accounts": [
        {
          "name": "authority",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "docs": [
            "oracle adapter checks its data on every use once applied."
          ],
          "name": "oracle"
        },
        {
          "docs": [
            "(`dex::require_pool_of`)."
          ],
          "name": "dexPool"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "oracleKind",
          "type": {
            "defined": {
              "name": "oracleKind"
            }
          }
        },
        {
          "name": "oracleFeedId",
          "type": {
            "array": [
              "u8",
              32
            ]
          }
        }
      ],
      "discriminator": [
        127,
        247,
        135,
        201,
        103,
        49,
        122,
        74
      ],
      "docs": [
        "Proposes a new oracle (account, kind, feed id) and DEX pool, validated like at",
        "creation; applied by `apply_venue` after `timelock_s` (authority).",
        "#### Special Errors",
        "- `Unauthorized`, `OracleInvalidOwner`, `InvalidOracleConfig`, `InvalidDexPool`,",
        "`VenueUnchanged`."
      ],
      "name": "proposeVenue"
    },
    {
      "accounts": [
        {
          "docs": [
            "A registered keeper, or anyone once the fallback conditions hold."
          ],
          "name": "caller",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "docs": [
            "Writable for `liquidate` (it force-settles series)."
          ],
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "hedgeLog",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "oracle"
        },
        {
          "name": "quoteMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "underlyingMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "quoteVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "underlyingVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "docs": [
            "The caller's quote account, for the fallback bounty (not read for keepers)."
          ],
          "name": "callerQuote",
          "optional": true,
          "writable": true
        },
        {
          "address": "CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C",
          "name": "dexProgram"
        },
        {
          "name": "dexAuthority"
        },
        {
          "name": "ammConfig"
        },
        {
          "name": "dexPool",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "docs": [
            "The pool's vaults for the quote and the underlying (handler checks both)."
          ],
          "name": "poolQuoteVault",
          "writable": true
        },
        {
          "name": "poolUnderlyingVault",
          "writable": true
        },
        {
          "name": "observation",
          "writable": true
        },
        {
          "name": "quoteTokenProgram"
        },
        {
          "name": "underlyingTokenProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "minOut",
          "type": "u64"
        }
      ],
      "discriminator": [
        108,
        158,
        77,
        9,
        210,
        52,
        88,
        62
      ],
      "docs": [
        "Hedges the book's net delta on the configured Raydium CPMM pool (registered",
        "keeper, or anyone after `keeper_grace_s` with |Δ| past the hard band, for a bounty).",
        "The program computes delta, band, size and minimum out; `min_out` can only raise it.",
        "#### Special Errors",
        "- `DeltaWithinBand`, `HedgeIntervalNotElapsed`, `NotKeeper`, `FillOutsideSlippage`,",
        "`HedgeDidNotReduceDelta`, `HedgeOvershoot`, `InvalidDexProgram`, `InvalidDexPool`."
      ],
      "name": "rebalance"
    },
    {
      "accounts": [
        {
          "name": "lp",
          "signer": true,
          "writable": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "oracle"
        },
        {
          "name": "shareMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "shareEscrow",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "lpShares",
          "writable": true
        },
        {
          "docs": [
            "One pending request per LP and vault; a second request fails until this one is",
            "claimed or cancelled."
          ],
          "name": "request",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  119,
                  105,
                  116,
                  104,
                  100,
                  114,
                  97,
                  119,
                  97,
                  108
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              },
              {
                "kind": "account",
                "path": "lp"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "tokenProgram"
        },
        {
          "address": "11111111111111111111111111111111",
          "name": "systemProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "shares",
          "type": "u64"
        }
      ],
      "discriminator": [
        137,
        95,
        187,
        96,
        250,
        138,
        31,
        182
      ],
      "docs": [
        "LP escrows `shares` and records their value for a later claim.",
        "#### Special Errors",
        "- `ZeroAmount`, `InsufficientShares`, `OracleStale` (beyond `exit_max_age_s`)."
      ],
      "name": "requestWithdraw"
    },
    {
      "accounts": [
        {
          "name": "trader",
          "signer": true,
          "writable": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "oracle"
        },
        {
          "name": "quoteMint",
          "relations": [
            "vault"
          ]
        },
        {
          "name": "quoteVault",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "traderQuote",
          "writable": true
        },
        {
          "name": "position",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  112,
                  111,
                  115,
                  105,
                  116,
                  105,
                  111,
                  110
                ]
              },
              {
                "kind": "account",
                "path": "vault"
              },
              {
                "account": "position",
                "kind": "account",
                "path": "position.series_id"
              },
              {
                "kind": "account",
                "path": "trader"
              }
            ]
          },
          "writable": true
        },
        {
          "name": "tokenProgram"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "size",
          "type": "u64"
        },
        {
          "name": "minProceeds",
          "type": "u64"
        }
      ],
      "discriminator": [
        23,
        32,
        9,
        222,
        166,
        50,
        188,
        106
      ],
      "docs": [
        "Trader sells `size` back to the vault for at least `min_proceeds`."
      ],
      "name": "sellOption"
    },
    {
      "accounts": [
        {
          "name": "signer",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "keeper",
          "type": "pubkey"
        },
        {
          "name": "enabled",
          "type": "bool"
        }
      ],
      "discriminator": [
        102,
        94,
        23,
        78,
        157,
        222,
        243,
        214
      ],
      "docs": [
        "Adds or removes a keeper (authority)."
      ],
      "name": "setKeeper"
    },
    {
      "accounts": [
        {
          "name": "signer",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "flags",
          "type": "u32"
        }
      ],
      "discriminator": [
        63,
        32,
        154,
        2,
        56,
        103,
        79,
        45
      ],
      "docs": [
        "Sets pause bits (authority: any; guardian: only adds)."
      ],
      "name": "setPause"
    },
    {
      "accounts": [
        {
          "name": "signer",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "guardian",
          "type": "pubkey"
        },
        {
          "name": "riskAdmin",
          "type": "pubkey"
        }
      ],
      "discriminator": [
        119,
        86,
        129,
        161,
        55,
        23,
        250,
        12
      ],
      "docs": [
        "Sets the guardian and the risk admin (authority)."
      ],
      "name": "setRoles"
    },
    {
      "accounts": [
        {
          "name": "admin",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "seriesId",
          "type": "u64"
        },
        {
          "name": "ivPpm",
          "type": "u64"
        }
      ],
      "discriminator": [
        232,
        159,
        168,
        207,
        12,
        183,
        53,
        14
      ],
      "docs": [
        "Sets a series' implied vol (authority or risk admin)."
      ],
      "name": "setSeriesIv"
    },
    {
      "accounts": [
        {
          "name": "admin",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "seriesId",
          "type": "u64"
        },
        {
          "name": "maxOpenInterest",
          "type": "u64"
        },
        {
          "name": "minTradeSize",
          "type": "u64"
        }
      ],
      "discriminator": [
        161,
        115,
        30,
        48,
        253,
        103,
        145,
        198
      ],
      "docs": [
        "Sets a series' open-interest cap and minimum trade size (1 ≤ minimum ≤ cap).",
        "",
        "### Authority",
        "- The authority or the risk admin.",
        "#### Special Errors",
        "- `InvalidMinTradeSize`, `ZeroAmount`, `SeriesNotActive`, `Unauthorized`."
      ],
      "name": "setSeriesLimits"
    },
    {
      "accounts": [
        {
          "docs": [
            "Anyone may settle."
          ],
          "name": "caller",
          "signer": true
        },
        {
          "name": "vault",
          "writable": true
        },
        {
          "name": "book",
          "relations": [
            "vault"
          ],
          "writable": true
        },
        {
          "docs": [
            "pull-oracle vault any `PriceUpdateV2` of its feed (owner, feed id, verification)."
          ],
          "name": "oracle"
        },
        {
          "name": "eventAuthority",
          "pda": {
            "seeds": [
              {
                "kind": "const",
                "value": [
                  95,
                  95,
                  101,
                  118,
                  101,
                  110,
                  116,
                  95,
                  97,
                  117,
                  116,
                  104,
                  111,
                  114,
                  105,
                  116,
                  121
                ]
              }
            ]
          }
        },
        {
          "name": "program"
        }
      ],
      "args": [
        {
          "name": "seriesId",
          "type": "u64"
        }
      ],
      "discriminator": [
        117,
        139,
        23,
        250,
        111,
        55,
        22,
        125
      ],
      "docs": [
        "Settles an expired series at the update that straddles expiry (anyone, any time).",
        "#### Special Errors",
        "- `SeriesNotExpired`, `SettlementPriceTooEarly`, `SettlementPriceNotFirstAfterExpiry`."
      ],
      "name": "settleSeries"
    }
  ],
  "metadata": {
    "description": "Automatically delta-hedged European options vault",
    "name": "hedgeVault",
    "repository": "https://github.com/hedge-vault/hedge-vault",
    "spec": "0.1.0",
    "version": "0.1.0"
  },
  "types": [
    {
      "name": "authorityAccepted",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "oldAuthority",
            "type": "pubkey"
          },
          {
            "name": "newAuthority",
            "type": "pubkey"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "authorityProposed",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "pendingAuthority",
            "type": "pubkey"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "The book's sums over its open series and what they need to be trusted: kept in step",
        "with every mark and open-interest change (`valuation`), so instructions read them",
        "instead of pricing every series."
      ],
      "name": "bookSummary",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "docs": [
              "The spot (QPU) and time the aggregates are expanded around."
            ],
            "name": "refSpot",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "refTime",
            "type": "i64"
          },
          {
            "docs": [
              "Earliest `valid_until` over the open series' marks."
            ],
            "name": "freshUntil",
            "type": "i64"
          },
          {
            "docs": [
              "The open marks' windows intersected, as oracle mantissas at `expo`: any price in",
              "[window_low, window_high] is inside every open series' window."
            ],
            "name": "windowLow",
            "type": "i64"
          },
          {
            "name": "windowHigh",
            "type": "i64"
          },
          {
            "docs": [
              "The open marks' common epoch; `u64::MAX` when they differ or one is missing."
            ],
            "name": "epoch",
            "type": "u64"
          },
          {
            "docs": [
              "The open marks' common oracle exponent (`i32::MIN` when they differ)."
            ],
            "name": "expo",
            "type": "i32"
          },
          {
            "docs": [
              "Series with open interest."
            ],
            "name": "openSeries",
            "type": "u32"
          },
          {
            "name": "agg",
            "type": {
              "defined": {
                "name": "storedAggregates"
              }
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "deposited",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "lp",
            "type": "pubkey"
          },
          {
            "docs": [
              "Quote atoms received."
            ],
            "name": "amount",
            "type": "u64"
          },
          {
            "name": "shares",
            "type": "u64"
          },
          {
            "name": "navBefore",
            "type": "u64"
          },
          {
            "name": "supplyBefore",
            "type": "u64"
          },
          {
            "name": "quoteAssetsAfter",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "exercised",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "holder",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "name": "size",
            "type": "u64"
          },
          {
            "name": "paid",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "hedgeLog",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "docs": [
              "Total rebalances recorded; the next slot is `count % 64`."
            ],
            "name": "count",
            "type": "u64"
          },
          {
            "name": "records",
            "type": {
              "array": [
                {
                  "defined": {
                    "name": "rebalanceRecord"
                  }
                },
                64
              ]
            }
          },
          {
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                128
              ]
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "initializeVaultArgs",
      "type": {
        "fields": [
          {
            "docs": [
              "Distinguishes several vaults on the same mint pair (PDA seed)."
            ],
            "name": "vaultId",
            "type": "u16"
          },
          {
            "name": "oracleKind",
            "type": {
              "defined": {
                "name": "oracleKind"
              }
            }
          },
          {
            "docs": [
              "Pyth feed id; required (non-zero) for `PythPullV2`."
            ],
            "name": "oracleFeedId",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "guardian",
            "type": "pubkey"
          },
          {
            "name": "riskAdmin",
            "type": "pubkey"
          },
          {
            "name": "risk",
            "type": {
              "defined": {
                "name": "riskParams"
              }
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "keeperSet",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "keeper",
            "type": "pubkey"
          },
          {
            "name": "enabled",
            "type": "bool"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "liquidated",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "keeper",
            "type": "pubkey"
          },
          {
            "docs": [
              "The series force-settled (0 if none was open)."
            ],
            "name": "seriesId",
            "type": "u64"
          },
          {
            "docs": [
              "Quote atoms per underlying unit paid to its holders (after any haircut)."
            ],
            "name": "payoutPerUnit",
            "type": "u64"
          },
          {
            "name": "totalOwed",
            "type": "u64"
          },
          {
            "docs": [
              "True when holders were cut pro rata because the vault could not pay model value."
            ],
            "name": "haircut",
            "type": "bool"
          },
          {
            "name": "underlyingSold",
            "type": "u64"
          },
          {
            "name": "quoteReceived",
            "type": "u64"
          },
          {
            "name": "bounty",
            "type": "u64"
          },
          {
            "docs": [
              "Stressed assets and liabilities, quote atoms, before and after."
            ],
            "name": "stressedAssetsBefore",
            "type": "u64"
          },
          {
            "name": "stressedLiabilitiesBefore",
            "type": "u64"
          },
          {
            "name": "stressedAssetsAfter",
            "type": "u64"
          },
          {
            "name": "stressedLiabilitiesAfter",
            "type": "u64"
          },
          {
            "docs": [
              "Still unwinding after this call."
            ],
            "name": "unwind",
            "type": "bool"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "listSeriesArgs",
      "type": {
        "fields": [
          {
            "docs": [
              "0 call, 1 put."
            ],
            "name": "kind",
            "type": "u8"
          },
          {
            "docs": [
              "Strike = strike × 10^strike_expo, quote units per underlying unit."
            ],
            "name": "strike",
            "type": "i64"
          },
          {
            "name": "strikeExpo",
            "type": "i32"
          },
          {
            "docs": [
              "Unix seconds; in the future, at most 10 years away."
            ],
            "name": "expiry",
            "type": "i64"
          },
          {
            "name": "ivPpm",
            "type": "u64"
          },
          {
            "docs": [
              "Underlying atoms."
            ],
            "name": "maxOpenInterest",
            "type": "u64"
          },
          {
            "docs": [
              "Smallest trade, underlying atoms: in [1, max_open_interest]."
            ],
            "name": "minTradeSize",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "A series' mark: its values at one oracle price, cached so that instructions need not",
        "price the whole book (see `hedge_math::marks` for what each value bounds, and",
        "`valuation` for how they are used). Values are per underlying unit in quote atoms",
        "(QPU), except delta and Γ·S."
      ],
      "name": "mark",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "docs": [
              "Oracle mid mantissa (at `expo`) the mark was computed at; 0: no mark yet."
            ],
            "name": "price",
            "type": "i64"
          },
          {
            "docs": [
              "Clock time (unix s) of the mark."
            ],
            "name": "time",
            "type": "i64"
          },
          {
            "docs": [
              "Publish time of the oracle price it used."
            ],
            "name": "publishTime",
            "type": "i64"
          },
          {
            "docs": [
              "Unix time after which the mark is stale: `time` + min(`max_mark_age_s`, a quarter",
              "of the time to expiry)."
            ],
            "name": "validUntil",
            "type": "i64"
          },
          {
            "docs": [
              "The vault's `risk_epoch` at marking; a change of risk parameters (or of the",
              "series' IV, which sets it to `u64::MAX`) retires the mark."
            ],
            "name": "epoch",
            "type": "u64"
          },
          {
            "name": "expo",
            "type": "i32"
          },
          {
            "docs": [
              "m: the spot window (± bps of `price`) the bounds hold in."
            ],
            "name": "windowBps",
            "type": "u32"
          },
          {
            "name": "value",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "delta",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "gammaSpot",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "vega",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "theta",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "boundUp",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "boundDown",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "stressDown",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "stressUp",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "optionBook",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "series",
            "type": {
              "array": [
                {
                  "defined": {
                    "name": "series"
                  }
                },
                32
              ]
            }
          },
          {
            "name": "summary",
            "type": {
              "defined": {
                "name": "bookSummary"
              }
            }
          },
          {
            "docs": [
              "Space for fields added by later versions. Always zero."
            ],
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                128
              ]
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "optionTraded",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "trader",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "docs": [
              "Underlying atoms."
            ],
            "name": "size",
            "type": "u64"
          },
          {
            "docs": [
              "True for a buy from the vault, false for a sale back to it."
            ],
            "name": "buy",
            "type": "bool"
          },
          {
            "docs": [
              "Model value of `size` in quote atoms (before spread and fee)."
            ],
            "name": "modelValue",
            "type": "u64"
          },
          {
            "docs": [
              "Premium paid (buy) or proceeds received (sell), quote atoms."
            ],
            "name": "amount",
            "type": "u64"
          },
          {
            "name": "positionAfter",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "Oracle account formats the adapter reads."
      ],
      "name": "oracleKind",
      "repr": {
        "kind": "rust"
      },
      "type": {
        "kind": "enum",
        "variants": [
          {
            "name": "pythLegacy"
          },
          {
            "name": "pythPullV2"
          }
        ]
      }
    },
    {
      "name": "pauseSet",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "by",
            "type": "pubkey"
          },
          {
            "name": "old",
            "type": "u32"
          },
          {
            "name": "new",
            "type": "u32"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "A trader's long position in one series: `[\"position\", vault, series_id LE, owner]`."
      ],
      "name": "position",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "docs": [
              "Long size, underlying atoms."
            ],
            "name": "size",
            "type": "u64"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "docs": [
              "Until this unix time a buy-back is paid at most `hold_value / hold_size` per",
              "atom: the model value of the units bought in the last `min_hold_s`."
            ],
            "name": "holdUntil",
            "type": "i64"
          },
          {
            "name": "holdValue",
            "type": "u64"
          },
          {
            "name": "holdSize",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "One rebalance. Deltas and gammas are in underlying atoms; prices in quote atoms per",
        "underlying unit unless noted.",
        "No implicit padding, so the Borsh encoding (the `Rebalanced` event) is byte for byte",
        "the in-account layout."
      ],
      "name": "rebalanceRecord",
      "repr": {
        "kind": "c"
      },
      "type": {
        "fields": [
          {
            "docs": [
              "Unix time and slot of the hedge."
            ],
            "name": "time",
            "type": "i64"
          },
          {
            "name": "slot",
            "type": "u64"
          },
          {
            "docs": [
              "Oracle price and confidence mantissas (at `oracle_expo`)."
            ],
            "name": "oraclePrice",
            "type": "i64"
          },
          {
            "name": "oracleConf",
            "type": "u64"
          },
          {
            "docs": [
              "Net delta before and after, underlying atoms (signed; the vault is short options)."
            ],
            "name": "deltaBefore",
            "type": "i64"
          },
          {
            "name": "deltaAfter",
            "type": "i64"
          },
          {
            "docs": [
              "Book gamma × spot (delta change per 100% spot move), underlying atoms, before and",
              "after (the trade leaves it unchanged: only options carry gamma)."
            ],
            "name": "gammaBefore",
            "type": "i64"
          },
          {
            "name": "gammaAfter",
            "type": "i64"
          },
          {
            "docs": [
              "The band |delta| had to exceed, underlying atoms."
            ],
            "name": "band",
            "type": "u64"
          },
          {
            "docs": [
              "Underlying atoms bought (side 0) or sold (side 1)."
            ],
            "name": "size",
            "type": "u64"
          },
          {
            "docs": [
              "Quote atoms paid or received."
            ],
            "name": "quoteAmount",
            "type": "u64"
          },
          {
            "docs": [
              "Fill price, quote atoms per underlying unit."
            ],
            "name": "fillPrice",
            "type": "u64"
          },
          {
            "docs": [
              "Fill vs oracle, bps; positive = worse for the vault."
            ],
            "name": "fillDistanceBps",
            "type": "i64"
          },
          {
            "docs": [
              "DEX trade fee, quote atoms (converted at the oracle for underlying-side fees)."
            ],
            "name": "feesPaid",
            "type": "u64"
          },
          {
            "docs": [
              "Bounty paid to a permissionless caller, quote atoms."
            ],
            "name": "bounty",
            "type": "u64"
          },
          {
            "name": "keeper",
            "type": "pubkey"
          },
          {
            "name": "oracleExpo",
            "type": "i32"
          },
          {
            "docs": [
              "0 = bought underlying, 1 = sold underlying."
            ],
            "name": "side",
            "type": "u8"
          },
          {
            "docs": [
              "1 when the caller was not a registered keeper (the fallback)."
            ],
            "name": "fallback",
            "type": "u8"
          },
          {
            "name": "pad",
            "type": {
              "array": [
                "u8",
                2
              ]
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "rebalanced",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "docs": [
              "The record also stored in the vault's hedge log."
            ],
            "name": "record",
            "type": {
              "defined": {
                "name": "rebalanceRecord"
              }
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "Risk parameters of one vault. All fields are 8 bytes so the struct has no",
        "padding, and its Borsh encoding (instruction arguments, events) is byte for",
        "byte its in-account layout."
      ],
      "name": "riskParams",
      "repr": {
        "kind": "c"
      },
      "type": {
        "fields": [
          {
            "docs": [
              "Oracle: max age of a price, seconds, by the Clock's unix time."
            ],
            "name": "oracleMaxAgeS",
            "type": "u64"
          },
          {
            "docs": [
              "Oracle: max age of the last accepted price for LP exits while the oracle is stale."
            ],
            "name": "exitMaxAgeS",
            "type": "u64"
          },
          {
            "docs": [
              "Oracle: max confidence / price, basis points."
            ],
            "name": "maxConfBps",
            "type": "u64"
          },
          {
            "docs": [
              "Haircut on the last accepted price when LPs exit on a stale oracle, bps."
            ],
            "name": "staleHaircutBps",
            "type": "u64"
          },
          {
            "docs": [
              "Seconds between a withdrawal request and its claim."
            ],
            "name": "withdrawDelayS",
            "type": "u64"
          },
          {
            "docs": [
              "Smallest first deposit, quote atoms."
            ],
            "name": "minFirstDeposit",
            "type": "u64"
          },
          {
            "docs": [
              "Max NAV after a deposit, quote atoms."
            ],
            "name": "depositCap",
            "type": "u64"
          },
          {
            "docs": [
              "Half-spread around model value on trades, bps of value."
            ],
            "name": "spreadBps",
            "type": "u64"
          },
          {
            "docs": [
              "Trading fee, bps of model value, paid to the vault."
            ],
            "name": "feeBps",
            "type": "u64"
          },
          {
            "docs": [
              "Stressed assets / stressed liabilities a trade must leave, bps (12,500 = 1.25)."
            ],
            "name": "initialMarginBps",
            "type": "u64"
          },
          {
            "docs": [
              "Below this stressed ratio the vault may be liquidated, bps."
            ],
            "name": "maintenanceMarginBps",
            "type": "u64"
          },
          {
            "docs": [
              "Liquidation stops once the stressed ratio is back above this, bps."
            ],
            "name": "targetMarginBps",
            "type": "u64"
          },
          {
            "docs": [
              "Stress: spot moves down and up by this, bps of spot."
            ],
            "name": "spotShockBps",
            "type": "u64"
          },
          {
            "docs": [
              "Stress: implied vol rises by this many bps of 1.00 (2,000 = +20 vol points)."
            ],
            "name": "volShockBps",
            "type": "u64"
          },
          {
            "docs": [
              "Max locked / total collateral, bps."
            ],
            "name": "maxUtilizationBps",
            "type": "u64"
          },
          {
            "docs": [
              "Max |net vega| (per 1.00 of vol) as bps of NAV."
            ],
            "name": "maxVegaBps",
            "type": "u64"
          },
          {
            "docs": [
              "Quote rate r used in pricing, bps per year (signed)."
            ],
            "name": "rateBps",
            "type": "i64"
          },
          {
            "docs": [
              "Underlying yield q used in pricing, bps per year (signed)."
            ],
            "name": "divYieldBps",
            "type": "i64"
          },
          {
            "docs": [
              "Seconds a loosening proposal waits before it can be applied."
            ],
            "name": "timelockS",
            "type": "u64"
          },
          {
            "docs": [
              "Legacy oracles only: a legacy account shows each update for about a slot, so a",
              "series also settles at the vault's own account's update published within this",
              "many seconds of expiry (the settler picks among them: keep it short). Pull",
              "oracles settle only at the update that straddles expiry."
            ],
            "name": "settleWindowS",
            "type": "u64"
          },
          {
            "docs": [
              "No sales or buy-backs in the last this-many seconds before expiry."
            ],
            "name": "tradeCutoffS",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: smallest band on |net delta|, underlying atoms."
            ],
            "name": "deltaBandMin",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: k of the gamma band k·|Γ|·S·σ·√(min_interval), in bps (10,000 = 1.0)."
            ],
            "name": "bandKBps",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: seconds between hedges unless |delta| exceeds `delta_band_hard`."
            ],
            "name": "minIntervalS",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: |net delta| that justifies an immediate hedge, underlying atoms."
            ],
            "name": "deltaBandHard",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: a price move since the last hedge that triggers one, bps."
            ],
            "name": "priceTriggerBps",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: largest trade per call, underlying atoms."
            ],
            "name": "maxHedgePerCall",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: largest price impact on the pool's reserves, bps."
            ],
            "name": "maxImpactBps",
            "type": "u64"
          },
          {
            "docs": [
              "Hedging: fill price within oracle ± this, bps (also sets minimum out)."
            ],
            "name": "maxSlippageBps",
            "type": "u64"
          },
          {
            "docs": [
              "Seconds without a hedge (while |delta| > hard band) before anyone may rebalance."
            ],
            "name": "keeperGraceS",
            "type": "u64"
          },
          {
            "docs": [
              "Largest bounty for a permissionless hedge or a liquidation, quote atoms."
            ],
            "name": "maxBounty",
            "type": "u64"
          },
          {
            "docs": [
              "Bounty as a fraction of the trade's quote notional, bps."
            ],
            "name": "bountyBps",
            "type": "u64"
          },
          {
            "docs": [
              "Marks: a series' mark is stale after this many seconds (or a quarter of its time",
              "to expiry, if less)."
            ],
            "name": "maxMarkAgeS",
            "type": "u64"
          },
          {
            "docs": [
              "Marks: ± spot window a mark covers, bps of its price; beyond it the mark is stale."
            ],
            "name": "maxMarkMoveBps",
            "type": "u64"
          },
          {
            "docs": [
              "Most series with open interest at once (each costs a mark to keep fresh)."
            ],
            "name": "maxOpenSeries",
            "type": "u64"
          },
          {
            "docs": [
              "Trades, deposits and withdrawal requests: max age of the oracle price, seconds.",
              "A pull-oracle account holds whatever verified update was pushed last and anyone",
              "can push a newer one, so every second of allowed age is a window in which a",
              "trader can choose between two prices. 10 s keeps that choice to what a price",
              "moves in seconds (≈0.05% at 80% vol), below the spread and fee of a round trip;",
              "clients post a fresh update in the same transaction (Pyth's pull model)."
            ],
            "name": "tradeMaxPriceAgeS",
            "type": "u64"
          },
          {
            "docs": [
              "A buy-back within this many seconds of the position's last buy is paid at most",
              "what the buy was priced at (model value per unit), and trades within it after an",
              "IV change use the worse of the old and new IV, and trades price at the worst band",
              "accepted within it. At least twice the price age above, so a price chosen from",
              "that window is held at market risk longer than it was known in advance. 60 s: a",
              "minute of market risk for a round trip, nothing for an honest holder."
            ],
            "name": "minHoldS",
            "type": "u64"
          },
          {
            "docs": [
              "Largest IV change `set_series_iv` applies at once, bps of 1.00 (1,000 = 10 vol",
              "points); a larger one is proposed and waits for `timelock_s`, so LPs can leave."
            ],
            "name": "maxIvStepBps",
            "type": "u64"
          },
          {
            "docs": [
              "Seconds between two immediate IV changes of one series: with the step, IV moves",
              "at most 10 points an hour by default without the timelock."
            ],
            "name": "minIvIntervalS",
            "type": "u64"
          },
          {
            "docs": [
              "Largest open-interest cap a series may be listed or set with, underlying atoms",
              "(10,000 units of a 9-decimal underlying by default; set it for the asset at",
              "initialisation). Raising it waits for the timelock like any loosening."
            ],
            "name": "maxSeriesOi",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "riskParamsChanged",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "by",
            "type": "pubkey"
          },
          {
            "name": "params",
            "type": {
              "defined": {
                "name": "riskParams"
              }
            }
          },
          {
            "docs": [
              "True when in force now; false when pending until `eta`."
            ],
            "name": "applied",
            "type": "bool"
          },
          {
            "name": "eta",
            "type": "i64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "rolesSet",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "guardian",
            "type": "pubkey"
          },
          {
            "name": "riskAdmin",
            "type": "pubkey"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "series",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "docs": [
              "Never reused within a vault; positions are keyed by it."
            ],
            "name": "seriesId",
            "type": "u64"
          },
          {
            "docs": [
              "Strike mantissa; value = strike × 10^strike_expo (quote units per underlying unit)."
            ],
            "name": "strike",
            "type": "i64"
          },
          {
            "docs": [
              "Expiry, unix seconds."
            ],
            "name": "expiry",
            "type": "i64"
          },
          {
            "docs": [
              "Implied vol used for pricing, parts per million (1,000,000 = 100%)."
            ],
            "name": "ivPpm",
            "type": "u64"
          },
          {
            "docs": [
              "The vault's net short open interest, underlying atoms (sum of holders' sizes)."
            ],
            "name": "openInterest",
            "type": "u64"
          },
          {
            "docs": [
              "Cap on `open_interest`, underlying atoms."
            ],
            "name": "maxOpenInterest",
            "type": "u64"
          },
          {
            "docs": [
              "Quote atoms reserved against this series: its larger stressed liability (from",
              "its mark), rounded up."
            ],
            "name": "lockedQuote",
            "type": "u64"
          },
          {
            "docs": [
              "Settlement price mantissa (at `settlement_expo`); 0 until settled."
            ],
            "name": "settlementPrice",
            "type": "i64"
          },
          {
            "docs": [
              "Cash owed per underlying unit at settlement, quote atoms (rounded down); the same",
              "for every holder."
            ],
            "name": "payoutPerUnit",
            "type": "u64"
          },
          {
            "docs": [
              "Quote atoms still owed to holders of this settled series."
            ],
            "name": "payoutRemaining",
            "type": "u64"
          },
          {
            "docs": [
              "Smallest trade, underlying atoms (a sell-back of a whole smaller position is",
              "allowed), so dust cannot spread the book over many series."
            ],
            "name": "minTradeSize",
            "type": "u64"
          },
          {
            "name": "strikeExpo",
            "type": "i32"
          },
          {
            "name": "settlementExpo",
            "type": "i32"
          },
          {
            "docs": [
              "[`OptionKind`]: 0 call, 1 put."
            ],
            "name": "kind",
            "type": "u8"
          },
          {
            "docs": [
              "[`SeriesStatus`] as u8."
            ],
            "name": "status",
            "type": "u8"
          },
          {
            "name": "pad",
            "type": {
              "array": [
                "u8",
                2
              ]
            }
          },
          {
            "docs": [
              "The IV before the last change (`iv_ppm` at listing): trades within `min_hold_s`",
              "of a change use the worse of the two, so no one profits from knowing it first."
            ],
            "name": "prevIvPpm",
            "type": "u32"
          },
          {
            "docs": [
              "Unix time of the last IV change (the listing time at first)."
            ],
            "name": "ivChangedAt",
            "type": "i64"
          },
          {
            "name": "mark",
            "type": {
              "defined": {
                "name": "mark"
              }
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "seriesDelisted",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "An IV change larger than `max_iv_step_bps` was proposed: `set_series_iv` with the",
        "same series and IV applies it from `eta` (LPs may leave in between)."
      ],
      "name": "seriesIvProposed",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "name": "currentIvPpm",
            "type": "u64"
          },
          {
            "name": "proposedIvPpm",
            "type": "u64"
          },
          {
            "name": "eta",
            "type": "i64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "seriesIvSet",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "name": "oldIvPpm",
            "type": "u64"
          },
          {
            "name": "newIvPpm",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "A series' open-interest cap and minimum trade changed."
      ],
      "name": "seriesLimitsSet",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "name": "maxOpenInterest",
            "type": "u64"
          },
          {
            "name": "minTradeSize",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "seriesListed",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "name": "kind",
            "type": "u8"
          },
          {
            "name": "strike",
            "type": "i64"
          },
          {
            "name": "strikeExpo",
            "type": "i32"
          },
          {
            "name": "expiry",
            "type": "i64"
          },
          {
            "name": "ivPpm",
            "type": "u64"
          },
          {
            "name": "maxOpenInterest",
            "type": "u64"
          },
          {
            "name": "minTradeSize",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "Series re-marked at one oracle price (their values are in the book)."
      ],
      "name": "seriesMarked",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "seriesIds",
            "type": {
              "vec": "u64"
            }
          },
          {
            "name": "price",
            "type": "i64"
          },
          {
            "name": "conf",
            "type": "u64"
          },
          {
            "name": "expo",
            "type": "i32"
          },
          {
            "name": "publishTime",
            "type": "i64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "seriesSettled",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "seriesId",
            "type": "u64"
          },
          {
            "name": "settlementPrice",
            "type": "i64"
          },
          {
            "name": "settlementExpo",
            "type": "i32"
          },
          {
            "name": "publishTime",
            "type": "i64"
          },
          {
            "docs": [
              "Quote atoms per underlying unit."
            ],
            "name": "payoutPerUnit",
            "type": "u64"
          },
          {
            "name": "totalOwed",
            "type": "u64"
          },
          {
            "docs": [
              "True when the payout was cut pro rata because the vault could not cover it."
            ],
            "name": "haircut",
            "type": "bool"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "`hedge_math::marks::Aggregates` as stored."
      ],
      "name": "storedAggregates",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "name": "p",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "q",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "c",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "boundUp",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "boundDown",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "theta",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "thetaT",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "thetaAbs",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "thetaAbsT",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "delta0",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "delta1",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "gammaSpot",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "gammaVol",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "vega",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "stressDown",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          },
          {
            "name": "stressUp",
            "type": {
              "defined": {
                "name": "storedFx"
              }
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "A Q64.64 fixed-point value (`hedge_math::Fx`) as stored: its two's-complement bits",
        "in two little-endian words, so accounts keep 8-byte alignment and plain integers."
      ],
      "name": "storedFx",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "name": "lo",
            "type": "u64"
          },
          {
            "name": "hi",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "vault",
      "repr": {
        "kind": "c"
      },
      "serialization": "bytemuck",
      "type": {
        "fields": [
          {
            "docs": [
              "Admin key: governance instructions need its signature."
            ],
            "name": "authority",
            "type": "pubkey"
          },
          {
            "docs": [
              "Proposed new authority; becomes `authority` when it signs `accept_authority`."
            ],
            "name": "pendingAuthority",
            "type": "pubkey"
          },
          {
            "docs": [
              "May only make things safer: set pause bits, propose tightening parameters."
            ],
            "name": "guardian",
            "type": "pubkey"
          },
          {
            "docs": [
              "May list series, set IVs and delist (besides the authority)."
            ],
            "name": "riskAdmin",
            "type": "pubkey"
          },
          {
            "docs": [
              "Collateral mint (e.g. USDC); deposits, premiums and payouts are in it."
            ],
            "name": "quoteMint",
            "type": "pubkey"
          },
          {
            "docs": [
              "The asset options are written on; the hedge inventory is in it."
            ],
            "name": "underlyingMint",
            "type": "pubkey"
          },
          {
            "docs": [
              "LP share mint, mint authority = this vault."
            ],
            "name": "shareMint",
            "type": "pubkey"
          },
          {
            "docs": [
              "Vault-owned quote token account (PDA)."
            ],
            "name": "quoteVault",
            "type": "pubkey"
          },
          {
            "docs": [
              "Vault-owned underlying token account (PDA)."
            ],
            "name": "underlyingVault",
            "type": "pubkey"
          },
          {
            "docs": [
              "Vault-owned share account holding shares of pending withdrawals (PDA)."
            ],
            "name": "shareEscrow",
            "type": "pubkey"
          },
          {
            "docs": [
              "The vault's option book (PDA)."
            ],
            "name": "book",
            "type": "pubkey"
          },
          {
            "docs": [
              "The ring buffer of recent rebalances (created by the client at initialization)."
            ],
            "name": "hedgeLog",
            "type": "pubkey"
          },
          {
            "docs": [
              "The configured price account (legacy Pyth or PriceUpdateV2)."
            ],
            "name": "oracle",
            "type": "pubkey"
          },
          {
            "docs": [
              "Pyth feed id; checked for `PythPullV2`."
            ],
            "name": "oracleFeedId",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "docs": [
              "The DEX pool hedges go through (used from the hedging release on)."
            ],
            "name": "dexPool",
            "type": "pubkey"
          },
          {
            "docs": [
              "Keepers allowed to rebalance and liquidate; `Pubkey::default()` is an empty slot."
            ],
            "name": "keepers",
            "type": {
              "array": [
                "pubkey",
                8
              ]
            }
          },
          {
            "docs": [
              "Quote owned by the vault for its LPs, in quote atoms: deposits + premiums + fees",
              "− withdrawals − payouts. Never read from the token account, so a donation cannot",
              "move the share price."
            ],
            "name": "quoteAssets",
            "type": "u64"
          },
          {
            "docs": [
              "Underlying hedge inventory, in underlying atoms."
            ],
            "name": "underlyingAssets",
            "type": "u64"
          },
          {
            "docs": [
              "Quote atoms reserved against written options (sum of the series' locks)."
            ],
            "name": "lockedQuote",
            "type": "u64"
          },
          {
            "docs": [
              "Shares held in escrow for pending withdrawals."
            ],
            "name": "escrowedShares",
            "type": "u64"
          },
          {
            "docs": [
              "Quote atoms owed to option holders for settled series and not yet exercised."
            ],
            "name": "settledPayoutsOwed",
            "type": "u64"
          },
          {
            "docs": [
              "Last accepted oracle price: mantissa, confidence (same exponent) and exponent."
            ],
            "name": "lastPrice",
            "type": "i64"
          },
          {
            "name": "lastConf",
            "type": "u64"
          },
          {
            "docs": [
              "Publish time (unix s) of the last accepted price; older updates are refused."
            ],
            "name": "lastPublishTime",
            "type": "i64"
          },
          {
            "docs": [
              "Creation time, unix seconds."
            ],
            "name": "createdAt",
            "type": "i64"
          },
          {
            "docs": [
              "Series ids are never reused: positions are keyed by them."
            ],
            "name": "nextSeriesId",
            "type": "u64"
          },
          {
            "docs": [
              "Unix time after which `pending_risk` may be applied; 0 when none is pending."
            ],
            "name": "pendingRiskEta",
            "type": "i64"
          },
          {
            "docs": [
              "Unix time of the last rebalance (0: never)."
            ],
            "name": "lastHedgeTime",
            "type": "i64"
          },
          {
            "docs": [
              "Oracle price mantissa (at `last_expo`) used by the last rebalance."
            ],
            "name": "lastHedgePrice",
            "type": "i64"
          },
          {
            "docs": [
              "Rebalances so far."
            ],
            "name": "rebalanceCount",
            "type": "u64"
          },
          {
            "docs": [
              "Bumped whenever the risk parameters change: marks computed under older ones are",
              "stale (`OptionBook` marks carry the epoch they were computed in)."
            ],
            "name": "riskEpoch",
            "type": "u64"
          },
          {
            "name": "risk",
            "type": {
              "defined": {
                "name": "riskParams"
              }
            }
          },
          {
            "name": "pendingRisk",
            "type": {
              "defined": {
                "name": "riskParams"
              }
            }
          },
          {
            "docs": [
              "An IV change larger than `max_iv_step_bps`, waiting for the timelock: the series,",
              "the IV, and the unix time from which `set_series_iv` with the same two applies",
              "it (0: none pending). One at a time; a new large proposal replaces it."
            ],
            "name": "pendingIvSeries",
            "type": "u64"
          },
          {
            "name": "pendingIvPpm",
            "type": "u64"
          },
          {
            "name": "pendingIvEta",
            "type": "i64"
          },
          {
            "docs": [
              "The accepted oracle band's extremes (price ∓ conf mantissas at `last_expo`) in the",
              "current `min_hold_s`-long bucket of Clock time and the one before it: trades",
              "price at the worst of them, so buying at one accepted price and selling at another",
              "(from any wallet) within the hold pays nothing (`ledger::trade_spot`)."
            ],
            "name": "rangeBucket",
            "type": "i64"
          },
          {
            "name": "rangeLow",
            "type": "i64"
          },
          {
            "name": "rangeHigh",
            "type": "i64"
          },
          {
            "name": "rangePrevLow",
            "type": "i64"
          },
          {
            "name": "rangePrevHigh",
            "type": "i64"
          },
          {
            "name": "lastExpo",
            "type": "i32"
          },
          {
            "docs": [
              "Bits of [`pause`]."
            ],
            "name": "paused",
            "type": "u32"
          },
          {
            "docs": [
              "Distinguishes vaults on the same mint pair (PDA seed)."
            ],
            "name": "vaultId",
            "type": "u16"
          },
          {
            "name": "quoteDecimals",
            "type": "u8"
          },
          {
            "name": "underlyingDecimals",
            "type": "u8"
          },
          {
            "docs": [
              "[`OracleKind`] as u8."
            ],
            "name": "oracleKind",
            "type": "u8"
          },
          {
            "docs": [
              "Layout version, [`VAULT_VERSION`]."
            ],
            "name": "version",
            "type": "u8"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "name": "shareMintBump",
            "type": "u8"
          },
          {
            "name": "quoteVaultBump",
            "type": "u8"
          },
          {
            "name": "underlyingVaultBump",
            "type": "u8"
          },
          {
            "name": "shareEscrowBump",
            "type": "u8"
          },
          {
            "name": "bookBump",
            "type": "u8"
          },
          {
            "docs": [
              "1 while the vault is unwinding (stressed margin fell below maintenance): no new",
              "sales and no withdrawal claims until it is back above the target ratio."
            ],
            "name": "unwind",
            "type": "u8"
          },
          {
            "docs": [
              "Explicit padding to the next 8-byte boundary."
            ],
            "name": "pad0",
            "type": {
              "array": [
                "u8",
                3
              ]
            }
          },
          {
            "docs": [
              "Who created the vault (its first authority): a PDA seed, never changes."
            ],
            "name": "creator",
            "type": "pubkey"
          },
          {
            "docs": [
              "A proposed oracle and pool (`propose_venue`), applied by `apply_venue` from",
              "`pending_venue_eta` (0: none pending)."
            ],
            "name": "pendingOracle",
            "type": "pubkey"
          },
          {
            "name": "pendingDexPool",
            "type": "pubkey"
          },
          {
            "name": "pendingOracleFeedId",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "pendingVenueEta",
            "type": "i64"
          },
          {
            "name": "pendingOracleKind",
            "type": "u8"
          },
          {
            "name": "pad1",
            "type": {
              "array": [
                "u8",
                7
              ]
            }
          },
          {
            "docs": [
              "Space for fields added by later versions. Always zero."
            ],
            "name": "reserved",
            "type": {
              "array": [
                "u8",
                680
              ]
            }
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "vaultInitialized",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "authority",
            "type": "pubkey"
          },
          {
            "name": "quoteMint",
            "type": "pubkey"
          },
          {
            "name": "underlyingMint",
            "type": "pubkey"
          },
          {
            "name": "shareMint",
            "type": "pubkey"
          },
          {
            "name": "oracle",
            "type": "pubkey"
          },
          {
            "name": "vaultId",
            "type": "u16"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "A new oracle and pool were proposed; `apply_venue` may apply them from `eta`."
      ],
      "name": "venueChangeProposed",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "oracle",
            "type": "pubkey"
          },
          {
            "name": "oracleKind",
            "type": "u8"
          },
          {
            "name": "oracleFeedId",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "dexPool",
            "type": "pubkey"
          },
          {
            "name": "eta",
            "type": "i64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "The vault now prices against `oracle` and hedges on `dex_pool`."
      ],
      "name": "venueChanged",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "oracle",
            "type": "pubkey"
          },
          {
            "name": "oracleKind",
            "type": "u8"
          },
          {
            "name": "oracleFeedId",
            "type": {
              "array": [
                "u8",
                32
              ]
            }
          },
          {
            "name": "dexPool",
            "type": "pubkey"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "withdrawCancelled",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "lp",
            "type": "pubkey"
          },
          {
            "name": "shares",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "withdrawClaimed",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "lp",
            "type": "pubkey"
          },
          {
            "name": "shares",
            "type": "u64"
          },
          {
            "docs": [
              "Quote atoms paid."
            ],
            "name": "paid",
            "type": "u64"
          },
          {
            "name": "quoteAssetsAfter",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "docs": [
        "An LP's pending withdrawal: `[\"withdrawal\", vault, owner]`. One at a time per LP."
      ],
      "name": "withdrawRequest",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "owner",
            "type": "pubkey"
          },
          {
            "docs": [
              "Shares moved into the vault's escrow."
            ],
            "name": "shares",
            "type": "u64"
          },
          {
            "docs": [
              "Value per share at request as a fraction: (NAV + virtual assets) over",
              "(share supply + virtual shares), both at request time."
            ],
            "name": "navAtRequest",
            "type": "u64"
          },
          {
            "name": "supplyAtRequest",
            "type": "u64"
          },
          {
            "docs": [
              "Unix time of the request."
            ],
            "name": "requestedAt",
            "type": "i64"
          },
          {
            "name": "bump",
            "type": "u8"
          },
          {
            "docs": [
              "The exit's terms, fixed at request so a later governance change (even a",
              "\"tightening\" such as a longer delay or a larger haircut) never reaches it:",
              "claimable from this time (`requested_at + withdraw_delay_s` then) ..."
            ],
            "name": "claimableAt",
            "type": "i64"
          },
          {
            "docs": [
              "... and with this stale-price haircut (`stale_haircut_bps` then)."
            ],
            "name": "exitHaircutBps",
            "type": "u64"
          }
        ],
        "kind": "struct"
      }
    },
    {
      "name": "withdrawRequested",
      "type": {
        "fields": [
          {
            "name": "vault",
            "type": "pubkey"
          },
          {
            "name": "lp",
            "type": "pubkey"
          },
          {
            "name": "shares",
            "type": "u64"
          },
          {
            "docs": [
              "Value per share at request = nav_plus_virtual / supply_plus_virtual."
            ],
            "name": "navPlusVirtual",
            "type": "u64"
          },
          {
            "name": "supplyPlusVirtual",
            "type": "u64"
          },
          {
            "name": "requestedAt",
            "type": "i64"
          }
        ],
        "kind": "struct"
      }
    }
  ]
};
