//! Property tests of the fixed-point BSM: put-call parity, delta bounds, monotonicity
//! where theory says so, the expiry limits, named domain errors, and agreement with an
//! f64 implementation written here.

mod common;

use common::{fx, num};
use hedge_math::bsm::{self, OptionKind};
use hedge_math::{BsmInputs, DecimalPrice, Fx, MathError, ScaledFx};
use proptest::prelude::*;

const YEAR: f64 = 31_536_000.0;

fn f(v: ScaledFx) -> f64 {
    common::scaled(v)
}

fn dec(v: f64) -> DecimalPrice {
    // 15 significant digits: exact decimal, as a Pyth price would be.
    let e = v.log10().floor() as i32 - 14;
    DecimalPrice::new((v / 10f64.powi(e)).round() as i64, e)
}

fn value(p: DecimalPrice) -> f64 {
    p.mantissa as f64 * 10f64.powi(p.expo)
}

#[derive(Clone, Copy, Debug)]
struct Case {
    spot: f64,
    moneyness: f64,
    vol: f64,
    years: f64,
    rate: f64,
    q: f64,
}

impl Case {
    fn inputs(&self, kind: OptionKind) -> BsmInputs {
        BsmInputs {
            kind,
            spot: dec(self.spot),
            strike: dec(self.spot * self.moneyness),
            vol: fx(self.vol),
            rate: fx(self.rate),
            div_yield: fx(self.q),
            time_s: fx((self.years * YEAR).round()),
        }
    }
}

fn case() -> impl Strategy<Value = Case> {
    (
        -4.0f64..6.0, // log10 spot: 1e-4 .. 1e6
        -0.7f64..0.7, // log10 K/S
        0.01f64..3.0, // vol
        -5.0f64..0.5, // log10 years: ~5 min .. 3 years
        -0.1f64..0.3, // rate
        0.0f64..0.15, // yield
    )
        .prop_map(|(ls, lm, vol, ly, rate, q)| Case {
            spot: 10f64.powf(ls),
            moneyness: 10f64.powf(lm),
            vol,
            years: 10f64.powf(ly),
            rate,
            q,
        })
}

/// Plain f64 BSM, independent of the program code (libm's erfc for N).
mod f64_bsm {
    pub fn n(x: f64) -> f64 {
        0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
    }
    pub fn phi(x: f64) -> f64 {
        (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
    }
    /// (price, delta, gamma, vega, theta)
    pub fn greeks(call: bool, s: f64, k: f64, v: f64, t: f64, r: f64, q: f64) -> [f64; 5] {
        let st = v * t.sqrt();
        let d1 = ((s / k).ln() + (r - q + 0.5 * v * v) * t) / st;
        let d2 = d1 - st;
        let (dq, dr) = ((-q * t).exp(), (-r * t).exp());
        let gamma = dq * phi(d1) / (s * st);
        let vega = s * dq * phi(d1) * t.sqrt();
        let decay = -s * dq * phi(d1) * v / (2.0 * t.sqrt());
        if call {
            [
                s * dq * n(d1) - k * dr * n(d2),
                dq * n(d1),
                gamma,
                vega,
                decay - r * k * dr * n(d2) + q * s * dq * n(d1),
            ]
        } else {
            [
                k * dr * n(-d2) - s * dq * n(-d1),
                -dq * n(-d1),
                gamma,
                vega,
                decay + r * k * dr * n(-d2) - q * s * dq * n(-d1),
            ]
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn put_call_parity(c in case()) {
        let call = bsm::price(&c.inputs(OptionKind::Call)).unwrap();
        let put = bsm::price(&c.inputs(OptionKind::Put)).unwrap();
        let i = c.inputs(OptionKind::Call);
        let (s, k) = (value(i.spot), value(i.strike));
        let t = (c.years * YEAR).round() / YEAR;
        let forward = s * (-c.q * t).exp() - k * (-c.rate * t).exp();
        let gap = (f(call) - f(put) - forward).abs() / s.max(k);
        prop_assert!(gap < 1e-12, "parity gap {gap:e}");
    }

    #[test]
    fn delta_within_unit_interval(c in case()) {
        let dc = bsm::delta(&c.inputs(OptionKind::Call)).unwrap();
        let dp = bsm::delta(&c.inputs(OptionKind::Put)).unwrap();
        prop_assert!(dc >= Fx::ZERO && dc <= Fx::ONE, "call delta {dc}");
        prop_assert!(dp <= Fx::ZERO && dp >= -Fx::ONE, "put delta {dp}");
    }

    #[test]
    fn monotone_in_spot(c in case(), bump in 1.0001f64..1.5) {
        let lo = c;
        let hi = Case { spot: c.spot * bump, moneyness: c.moneyness / bump, ..c };
        // Same strike, higher spot: calls gain, puts lose (tolerance: rounding only).
        let tol = 1e-15 * c.spot * c.moneyness.max(1.0) * bump;
        let (cl, ch) = (f(bsm::price(&lo.inputs(OptionKind::Call)).unwrap()), f(bsm::price(&hi.inputs(OptionKind::Call)).unwrap()));
        let (pl, ph) = (f(bsm::price(&lo.inputs(OptionKind::Put)).unwrap()), f(bsm::price(&hi.inputs(OptionKind::Put)).unwrap()));
        prop_assert!(ch >= cl - tol, "call {cl} -> {ch}");
        prop_assert!(ph <= pl + tol, "put {pl} -> {ph}");
        // Call delta is non-decreasing in spot (gamma ≥ 0).
        let (dl, dh) = (bsm::delta(&lo.inputs(OptionKind::Call)).unwrap(), bsm::delta(&hi.inputs(OptionKind::Call)).unwrap());
        prop_assert!(dh >= dl.sub_(fx(1e-15)).unwrap(), "delta {dl} -> {dh}");
    }

    #[test]
    fn monotone_in_vol(c in case(), bump in 1.001f64..2.0) {
        let hi = Case { vol: (c.vol * bump).min(10.0), ..c };
        let tol = 1e-15 * c.spot * c.moneyness.max(1.0);
        for kind in [OptionKind::Call, OptionKind::Put] {
            let lo_v = f(bsm::price(&c.inputs(kind)).unwrap());
            let hi_v = f(bsm::price(&hi.inputs(kind)).unwrap());
            prop_assert!(hi_v >= lo_v - tol, "{kind:?} {lo_v} -> {hi_v}");
            prop_assert!(bsm::vega(&c.inputs(kind)).unwrap().value >= Fx::ZERO);
            prop_assert!(bsm::gamma(&c.inputs(kind)).unwrap().value >= Fx::ZERO);
        }
    }

    #[test]
    fn monotone_in_time_without_carry(c in case(), bump in 1.01f64..3.0) {
        // With r = q = 0 both calls and puts are worth more with more time.
        let base = Case { rate: 0.0, q: 0.0, ..c };
        let longer = Case { years: (base.years * bump).min(10.0), ..base };
        let tol = 1e-15 * c.spot * c.moneyness.max(1.0);
        for kind in [OptionKind::Call, OptionKind::Put] {
            let short_v = f(bsm::price(&base.inputs(kind)).unwrap());
            let long_v = f(bsm::price(&longer.inputs(kind)).unwrap());
            prop_assert!(long_v >= short_v - tol, "{kind:?} {short_v} -> {long_v}");
            prop_assert!(bsm::theta(&base.inputs(kind)).unwrap().value <= Fx::ZERO);
        }
    }

    #[test]
    fn agrees_with_f64(c in case()) {
        for kind in [OptionKind::Call, OptionKind::Put] {
            let i = c.inputs(kind);
            let g = bsm::greeks(&i).unwrap();
            let (s, k) = (value(i.spot), value(i.strike));
            let t = (c.years * YEAR).round() / YEAR;
            let want = f64_bsm::greeks(kind == OptionKind::Call, s, k, c.vol, t, c.rate, c.q);
            let got = [f(g.price), num(g.delta), f(g.gamma), f(g.vega), f(g.theta)];
            // f64 itself loses ~1e-13 relative on these formulas; the bounds are loose
            // enough for f64 and tight enough to catch any formula slip.
            let scale = [s.max(k), 1.0, want[2].abs().max(1.0 / s), s.max(want[3].abs()), s.max(want[4].abs())];
            for m in 0..5 {
                let err = (got[m] - want[m]).abs() / scale[m];
                prop_assert!(err < 1e-9, "{kind:?} measure {m}: got {} want {} ({err:e})", got[m], want[m]);
            }
        }
    }

    #[test]
    fn scale_invariance(c in case(), shift in -6i32..6) {
        // V(λS, λK) = λ V(S, K) for λ = 10^shift: same digits, shifted exponents.
        let i = c.inputs(OptionKind::Call);
        let mut j = i;
        j.spot.expo += shift;
        j.strike.expo += shift;
        if let (Ok(a), Ok(b)) = (bsm::greeks(&i), bsm::greeks(&j)) {
            prop_assert_eq!(a.price.value, b.price.value);
            prop_assert_eq!(a.price.expo + shift, b.price.expo);
            prop_assert_eq!(a.delta, b.delta);
            prop_assert_eq!(a.gamma.value, b.gamma.value);
        }
    }
}

#[test]
fn expiry_gives_intrinsic_and_exact_delta() {
    let at = |kind, spot: i64, strike: i64| {
        bsm::greeks(&BsmInputs {
            kind,
            spot: DecimalPrice::new(spot, 0),
            strike: DecimalPrice::new(strike, 0),
            vol: fx(0.5),
            rate: Fx::ZERO,
            div_yield: Fx::ZERO,
            time_s: Fx::ZERO,
        })
        .unwrap()
    };
    let itm_call = at(OptionKind::Call, 120, 100);
    assert_eq!(f(itm_call.price), 20.0);
    assert_eq!(itm_call.delta, Fx::ONE);
    assert_eq!(itm_call.gamma.value, Fx::ZERO);
    assert_eq!(itm_call.vega.value, Fx::ZERO);
    assert_eq!(itm_call.theta.value, Fx::ZERO);
    assert_eq!(at(OptionKind::Call, 80, 100).delta, Fx::ZERO);
    assert_eq!(f(at(OptionKind::Call, 80, 100).price), 0.0);
    assert_eq!(at(OptionKind::Put, 80, 100).delta, -Fx::ONE);
    assert_eq!(f(at(OptionKind::Put, 80, 100).price), 20.0);
    assert_eq!(at(OptionKind::Put, 120, 100).delta, Fx::ZERO);
    assert_eq!(at(OptionKind::Call, 100, 100).delta, Fx::ZERO);
    assert_eq!(at(OptionKind::Put, 100, 100).delta, Fx::ZERO);
}

#[test]
fn small_prices_are_as_precise_as_large_ones() {
    // Same digits at 1e-4 and 1e5: identical mantissas of every output.
    let mk = |expo| BsmInputs {
        kind: OptionKind::Put,
        spot: DecimalPrice::new(123_456_789, expo),
        strike: DecimalPrice::new(130_000_000, expo),
        vol: fx(0.65),
        rate: fx(0.04),
        div_yield: fx(0.01),
        time_s: fx(2_592_000.0),
    };
    let small = bsm::greeks(&mk(-12)).unwrap();
    let large = bsm::greeks(&mk(-3)).unwrap();
    assert_eq!(small.price.value, large.price.value);
    assert_eq!(small.price.expo + 9, large.price.expo);
    assert_eq!(small.delta, large.delta);
    assert_eq!(small.theta.value, large.theta.value);
}

#[test]
fn domain_errors_are_named() {
    let ok = BsmInputs {
        kind: OptionKind::Call,
        spot: DecimalPrice::new(100, 0),
        strike: DecimalPrice::new(100, 0),
        vol: fx(0.3),
        rate: fx(0.05),
        div_yield: Fx::ZERO,
        time_s: fx(86_400.0),
    };
    assert!(bsm::greeks(&ok).is_ok());
    let cases: Vec<(BsmInputs, MathError)> = vec![
        (
            BsmInputs {
                spot: DecimalPrice::new(0, 0),
                ..ok
            },
            MathError::SpotOutOfRange,
        ),
        (
            BsmInputs {
                spot: DecimalPrice::new(-5, 0),
                ..ok
            },
            MathError::SpotOutOfRange,
        ),
        (
            BsmInputs {
                spot: DecimalPrice::new(1_000_000_000_001, 0),
                ..ok
            },
            MathError::SpotOutOfRange,
        ),
        (
            BsmInputs {
                spot: DecimalPrice::new(i64::MAX, i32::MAX),
                ..ok
            },
            MathError::SpotOutOfRange,
        ),
        (
            BsmInputs {
                spot: DecimalPrice::new(1, i32::MIN),
                ..ok
            },
            MathError::SpotOutOfRange,
        ),
        (
            BsmInputs {
                strike: DecimalPrice::new(0, 0),
                ..ok
            },
            MathError::StrikeOutOfRange,
        ),
        (
            BsmInputs {
                strike: DecimalPrice::new(2, 12),
                ..ok
            },
            MathError::StrikeOutOfRange,
        ),
        (
            BsmInputs {
                strike: DecimalPrice::new(1, -9),
                ..ok
            },
            MathError::MoneynessOutOfRange,
        ),
        (
            BsmInputs {
                vol: fx(0.0009),
                ..ok
            },
            MathError::VolOutOfRange,
        ),
        (
            BsmInputs {
                vol: fx(10.01),
                ..ok
            },
            MathError::VolOutOfRange,
        ),
        (
            BsmInputs {
                vol: Fx::ZERO,
                ..ok
            },
            MathError::VolOutOfRange,
        ),
        (
            BsmInputs {
                time_s: fx(0.5),
                ..ok
            },
            MathError::TimeOutOfRange,
        ),
        (
            BsmInputs {
                time_s: fx(315_360_001.0),
                ..ok
            },
            MathError::TimeOutOfRange,
        ),
        (
            BsmInputs {
                time_s: -Fx::ONE,
                ..ok
            },
            MathError::TimeOutOfRange,
        ),
        (
            BsmInputs {
                rate: fx(-0.51),
                ..ok
            },
            MathError::RateOutOfRange,
        ),
        (
            BsmInputs {
                rate: fx(1.01),
                ..ok
            },
            MathError::RateOutOfRange,
        ),
        (
            BsmInputs {
                div_yield: fx(-0.6),
                ..ok
            },
            MathError::DivYieldOutOfRange,
        ),
        (
            BsmInputs {
                div_yield: fx(2.0),
                ..ok
            },
            MathError::DivYieldOutOfRange,
        ),
    ];
    for (inputs, want) in cases {
        assert_eq!(bsm::greeks(&inputs), Err(want), "{inputs:?}");
        assert_eq!(bsm::delta(&inputs), Err(want), "{inputs:?}");
    }
    // The edges of the domain are inside it and give finite numbers, never a panic.
    let edges = [
        BsmInputs {
            spot: DecimalPrice::new(1, 12),
            strike: DecimalPrice::new(1, 12),
            ..ok
        },
        BsmInputs {
            spot: DecimalPrice::new(1, -18),
            strike: DecimalPrice::new(9, -10),
            ..ok
        },
        BsmInputs {
            vol: fx(0.001),
            time_s: Fx::ONE,
            ..ok
        },
        BsmInputs {
            vol: fx(10.0),
            time_s: fx(315_360_000.0),
            ..ok
        },
        BsmInputs {
            rate: fx(-0.5),
            div_yield: Fx::ONE,
            time_s: fx(315_360_000.0),
            ..ok
        },
        BsmInputs {
            rate: Fx::ONE,
            div_yield: fx(-0.5),
            time_s: fx(315_360_000.0),
            ..ok
        },
        BsmInputs {
            strike: DecimalPrice::new(9, 9),
            ..ok
        },
        BsmInputs {
            strike: DecimalPrice::new(1, -7),
            vol: fx(0.001),
            time_s: Fx::ONE,
            ..ok
        },
    ];
    for e in edges {
        for kind in [OptionKind::Call, OptionKind::Put] {
            let g = bsm::greeks(&BsmInputs { kind, ..e });
            assert!(g.is_ok(), "{e:?}: {g:?}");
        }
    }
}

/// A tiny σ²T (0.1% vol, one second) must not bias prices: the variance enters d1 and d2
/// as σ√T, not as a truncated σ²T in fixed point. Exact values from mpmath (40 digits)
/// for S = K = 100, σ = VOL_MIN, r = q = 0. The price is N(d1) − N(d2) ≈ 0.4·σ√T, so
/// the cdf's absolute error (4e-19) sets the relative one: ≤ 2·4e-19/7e-8 ≈ 1.1e-11.
#[test]
fn tiny_variance_prices_are_unbiased() {
    for (secs, exact) in [
        (1i64, 7.104_062_315_768_266e-6),
        (10, 2.246_501_755_759_776_4e-5),
        (3_600, 4.262_437_389_440_691e-4),
    ] {
        for kind in [OptionKind::Call, OptionKind::Put] {
            let p = bsm::price(&BsmInputs {
                kind,
                spot: DecimalPrice::new(100, 0),
                strike: DecimalPrice::new(100, 0),
                vol: bsm::VOL_MIN,
                rate: Fx::ZERO,
                div_yield: Fx::ZERO,
                time_s: Fx::from_int(secs),
            })
            .unwrap();
            let rel = (f(p) - exact).abs() / exact;
            assert!(
                rel < 2e-11,
                "{kind:?} {secs} s: {} vs {exact} ({rel:e})",
                f(p)
            );
        }
    }
}
