//! Governance: risk parameters (tighten now, loosen after the timelock, always within
//! hard bounds), the guardian's tighten-only powers, pause flags, the keeper registry
//! and the two-step authority transfer. Events are read back from the bank.

use hedge_vault::error::VaultError;
use hedge_vault::events::{AuthorityAccepted, KeeperSet, PauseSet, RiskParamsChanged};
use hedge_vault::instruction as hi;
use hedge_vault::state::{pause, OracleKind, RiskParams, MAX_KEEPERS};
use hedge_vault_tests::fixture::*;
use hedge_vault_tests::*;
use solana_sdk::pubkey::Pubkey;
use solana_sdk::signature::{Keypair, Signer};

async fn setup() -> (VaultFixture, Keypair, Keypair, Keypair) {
    let mut f = VaultFixture::new(OracleKind::PythLegacy, TokenKind::Spl).await;
    let stranger = Keypair::new();
    f.env.airdrop(&stranger.pubkey(), 1_000_000_000).await;
    let authority = f.authority.insecure_clone();
    let guardian = f.guardian.insecure_clone();
    (f, authority, guardian, stranger)
}

#[tokio::test]
async fn risk_params_tighten_now_loosen_after_timelock() {
    let (mut f, authority, guardian, stranger) = setup().await;
    let current = test_risk();

    // Tightening by the guardian applies at once, and emits the event.
    let tighter = RiskParams {
        max_conf_bps: 50,
        spread_bps: 200,
        ..current
    };
    let ix = anchor_ix(
        f.govern_accounts(&guardian.pubkey()),
        hi::ProposeRiskParams { params: tighter },
    );
    let events = f.env.send_with_events(&[ix], &[&guardian]).await.unwrap();
    let e: RiskParamsChanged = find_event(&events).expect("event");
    assert!(e.applied);
    assert_eq!(e.params, tighter);
    assert_eq!(f.vault_state().await.risk, tighter);

    // Loosening by the guardian is refused; by a stranger, unauthorized.
    let looser = RiskParams {
        max_conf_bps: 150,
        ..tighter
    };
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.govern(&guardian, hi::ProposeRiskParams { params: looser })
            .await,
        VaultError::GuardianCanOnlyTighten,
    );
    assert_vault_error(
        &f.govern(&stranger, hi::ProposeRiskParams { params: tighter })
            .await,
        VaultError::Unauthorized,
    );
    // Out of bounds, even for the authority.
    assert_vault_error(
        &f.govern(
            &authority,
            hi::ProposeRiskParams {
                params: RiskParams {
                    spot_shock_bps: 9_500,
                    ..tighter
                },
            },
        )
        .await,
        VaultError::RiskParamOutOfBounds,
    );
    // A mark window narrower than twice the widest accepted confidence would leave no
    // band a fresh mark holds: refused, even though each value is within its bounds
    // (and the guardian's "tightening" to it as well).
    for who in [&authority, &guardian] {
        assert_vault_error(
            &f.govern(
                who,
                hi::ProposeRiskParams {
                    params: RiskParams {
                        max_mark_move_bps: 2 * tighter.max_conf_bps - 1,
                        ..tighter
                    },
                },
            )
            .await,
            VaultError::RiskParamOutOfBounds,
        );
    }
    // Each within its bounds, but together unsafe: a trade price older than the oracle
    // accepts, a hold shorter than the window of price choice, and a loosening that
    // could apply before an LP who disagrees can leave (a "tightening" of the delay).
    for bad in [
        RiskParams {
            oracle_max_age_s: 20,
            trade_max_price_age_s: 30,
            ..tighter
        },
        RiskParams {
            trade_max_price_age_s: 30,
            min_hold_s: 20,
            ..tighter
        },
        RiskParams {
            withdraw_delay_s: tighter.timelock_s + 1,
            ..tighter
        },
    ] {
        assert_vault_error(
            &f.govern(&authority, hi::ProposeRiskParams { params: bad })
                .await,
            VaultError::RiskParamOutOfBounds,
        );
    }
    assert_vault_error(
        &f.govern(&authority, hi::ApplyRiskParams {}).await,
        VaultError::NoPendingRiskParams,
    );
    assert_eq!(f.snapshot(&[]).await, before);

    // Loosening by the authority waits for the timelock. A neutral change (the rate)
    // counts as loosening.
    let proposal = RiskParams {
        rate_bps: 400,
        ..looser
    };
    f.govern(&authority, hi::ProposeRiskParams { params: proposal })
        .await
        .unwrap();
    let v = f.vault_state().await;
    assert_eq!(v.risk, tighter);
    assert_eq!(v.pending_risk, proposal);
    assert_eq!(v.pending_risk_eta, f.now + current.timelock_s as i64);
    // A no-op proposal (the current parameters) neither cancels the pending change nor
    // retires the marks, from either role.
    let before = f.snapshot(&[]).await;
    for who in [&authority, &guardian] {
        assert_vault_error(
            &f.govern(who, hi::ProposeRiskParams { params: tighter })
                .await,
            VaultError::RiskParamsUnchanged,
        );
    }
    assert_eq!(f.snapshot(&[]).await, before);
    f.advance(current.timelock_s as i64 - 1).await;
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.govern(&authority, hi::ApplyRiskParams {}).await,
        VaultError::TimelockNotElapsed,
    );
    assert_vault_error(
        &f.govern(&stranger, hi::ApplyRiskParams {}).await,
        VaultError::Unauthorized,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    f.advance(1).await;
    f.govern(&authority, hi::ApplyRiskParams {}).await.unwrap();
    let v = f.vault_state().await;
    assert_eq!(v.risk, proposal);
    assert_eq!(v.pending_risk_eta, 0);

    // A tightening while a loosening is pending drops the pending one, so applying it
    // later cannot undo the tightening.
    let loosen = RiskParams {
        deposit_cap: proposal.deposit_cap + 1,
        ..proposal
    };
    f.govern(&authority, hi::ProposeRiskParams { params: loosen })
        .await
        .unwrap();
    let tighten = RiskParams {
        max_conf_bps: 40,
        ..proposal
    };
    f.govern(&guardian, hi::ProposeRiskParams { params: tighten })
        .await
        .unwrap();
    let v = f.vault_state().await;
    assert_eq!((v.risk, v.pending_risk_eta), (tighten, 0));
    f.advance(current.timelock_s as i64).await;
    assert_vault_error(
        &f.govern(&authority, hi::ApplyRiskParams {}).await,
        VaultError::NoPendingRiskParams,
    );
}

#[tokio::test]
async fn pause_flags() {
    let (mut f, authority, guardian, stranger) = setup().await;
    let ix = anchor_ix(
        f.govern_accounts(&guardian.pubkey()),
        hi::SetPause {
            flags: pause::BUY_OPTION,
        },
    );
    let events = f.env.send_with_events(&[ix], &[&guardian]).await.unwrap();
    let e: PauseSet = find_event(&events).unwrap();
    assert_eq!(
        (e.old, e.new, e.by),
        (0, pause::BUY_OPTION, guardian.pubkey())
    );
    // The guardian may add bits but not clear them.
    f.govern(
        &guardian,
        hi::SetPause {
            flags: pause::BUY_OPTION | pause::DEPOSIT,
        },
    )
    .await
    .unwrap();
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.govern(
            &guardian,
            hi::SetPause {
                flags: pause::DEPOSIT,
            },
        )
        .await,
        VaultError::GuardianCanOnlyTighten,
    );
    assert_vault_error(
        &f.govern(&stranger, hi::SetPause { flags: pause::ALL })
            .await,
        VaultError::Unauthorized,
    );
    assert_vault_error(
        &f.govern(&authority, hi::SetPause { flags: 1 << 20 }).await,
        VaultError::RiskParamOutOfBounds,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    // The authority unpauses.
    f.govern(&authority, hi::SetPause { flags: 0 })
        .await
        .unwrap();
    assert_eq!(f.vault_state().await.paused, 0);
}

#[tokio::test]
async fn keeper_registry() {
    let (mut f, authority, guardian, _) = setup().await;
    let k = Pubkey::new_unique();
    let ix = anchor_ix(
        f.govern_accounts(&authority.pubkey()),
        hi::SetKeeper {
            keeper: k,
            enabled: true,
        },
    );
    let events = f.env.send_with_events(&[ix], &[&authority]).await.unwrap();
    let e: KeeperSet = find_event(&events).unwrap();
    assert!(e.enabled && e.keeper == k);
    assert!(f.vault_state().await.is_keeper(&k));
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.govern(
            &guardian,
            hi::SetKeeper {
                keeper: Pubkey::new_unique(),
                enabled: true,
            },
        )
        .await,
        VaultError::Unauthorized,
    );
    assert_vault_error(
        &f.govern(
            &authority,
            hi::SetKeeper {
                keeper: Pubkey::new_unique(),
                enabled: false,
            },
        )
        .await,
        VaultError::KeeperNotFound,
    );
    assert_vault_error(
        &f.govern(
            &authority,
            hi::SetKeeper {
                keeper: Pubkey::default(),
                enabled: true,
            },
        )
        .await,
        VaultError::KeeperNotFound,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    for _ in 1..MAX_KEEPERS {
        f.govern(
            &authority,
            hi::SetKeeper {
                keeper: Pubkey::new_unique(),
                enabled: true,
            },
        )
        .await
        .unwrap();
    }
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.govern(
            &authority,
            hi::SetKeeper {
                keeper: Pubkey::new_unique(),
                enabled: true,
            },
        )
        .await,
        VaultError::KeeperRegistryFull,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    f.govern(
        &authority,
        hi::SetKeeper {
            keeper: k,
            enabled: false,
        },
    )
    .await
    .unwrap();
    assert!(!f.vault_state().await.is_keeper(&k));
}

#[tokio::test]
async fn two_step_authority_transfer() {
    let (mut f, authority, guardian, stranger) = setup().await;
    let before = f.snapshot(&[]).await;
    assert_vault_error(
        &f.govern(
            &stranger,
            hi::ProposeAuthority {
                new_authority: stranger.pubkey(),
            },
        )
        .await,
        VaultError::Unauthorized,
    );
    assert_vault_error(
        &f.govern(&stranger, hi::AcceptAuthority {}).await,
        VaultError::NoPendingAuthority,
    );
    assert_eq!(f.snapshot(&[]).await, before);
    f.govern(
        &authority,
        hi::ProposeAuthority {
            new_authority: stranger.pubkey(),
        },
    )
    .await
    .unwrap();
    assert_vault_error(
        &f.govern(&guardian, hi::AcceptAuthority {}).await,
        VaultError::NoPendingAuthority,
    );
    let ix = anchor_ix(
        f.govern_accounts(&stranger.pubkey()),
        hi::AcceptAuthority {},
    );
    let events = f.env.send_with_events(&[ix], &[&stranger]).await.unwrap();
    let e: AuthorityAccepted = find_event(&events).unwrap();
    assert_eq!(
        (e.old_authority, e.new_authority),
        (authority.pubkey(), stranger.pubkey())
    );
    let v = f.vault_state().await;
    assert_eq!(v.authority, stranger.pubkey());
    assert_eq!(v.pending_authority, Pubkey::default());
    // The old authority has no power left.
    assert_vault_error(
        &f.govern(&authority, hi::SetPause { flags: 0 }).await,
        VaultError::Unauthorized,
    );
    // Roles: the new authority can replace the guardian.
    f.govern(
        &stranger,
        hi::SetRoles {
            guardian: Pubkey::default(),
            risk_admin: guardian.pubkey(),
        },
    )
    .await
    .unwrap();
    assert_vault_error(
        &f.govern(&guardian, hi::SetPause { flags: pause::ALL })
            .await,
        VaultError::Unauthorized,
    );
}
