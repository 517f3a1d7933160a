//! Marks and aggregates: the bounds they claim hold against direct evaluations.
//!
//! For random series and random spots within a mark's window (and times within its
//! life), the true Black-Scholes value lies between the second-order estimate minus
//! `bound_down` and plus `bound_up` (plus theta drift and its margin); the stressed values
//! bound the stressed value at every spot of the window; and the book's sums equal the
//! sum of the series' shares, with the book's liability bounds containing the true sum.

mod common;

use common::{fx, num};
use hedge_math::bsm::{self, BsmInputs, OptionKind};
use hedge_math::marks::{
    contribution, mark, price_qpu, relative_move, scale_price, Aggregates, MarkRequest, Reference,
};
use hedge_math::{DecimalPrice, Fx};
use proptest::prelude::*;

const QD: u8 = 6;
const UD: u8 = 9;

#[derive(Clone, Copy, Debug)]
struct Series {
    kind: OptionKind,
    strike: DecimalPrice,
    vol: f64,
    secs: i64,
}

fn series() -> impl Strategy<Value = Series> {
    (
        any::<bool>(),
        70i64..140,           // strike (spot ≈ 100)
        0.1f64..1.5,          // vol
        3_600i64..31_536_000, // 1 h .. 1 y
    )
        .prop_map(|(call, k, vol, secs)| Series {
            kind: if call {
                OptionKind::Call
            } else {
                OptionKind::Put
            },
            strike: DecimalPrice::new(k * 100, -2),
            vol,
            secs,
        })
}

fn request(s: &Series, mid: DecimalPrice, window_bps: u64) -> MarkRequest {
    MarkRequest {
        kind: s.kind,
        strike: s.strike,
        vol: fx(s.vol),
        vol_shock: fx(0.2),
        rate: fx(0.03),
        div_yield: fx(0.01),
        time_s: s.secs,
        life_s: (s.secs / 4).clamp(60, 300),
        mid,
        window_bps,
        spot_shock_bps: 2_000,
        quote_decimals: QD,
    }
}

/// The model value in QPU at `spot` with `secs` to expiry and vol `vol`.
fn value(s: &Series, spot: DecimalPrice, secs: i64, vol: f64) -> f64 {
    value_at(s, spot, secs, vol, 0.03, 0.01)
}

fn value_at(s: &Series, spot: DecimalPrice, secs: i64, vol: f64, rate: f64, div: f64) -> f64 {
    let p = bsm::price(&BsmInputs {
        kind: s.kind,
        spot,
        strike: s.strike,
        vol: fx(vol),
        rate: fx(rate),
        div_yield: fx(div),
        time_s: Fx::from_int(secs),
    })
    .unwrap();
    num(p.value) * 10f64.powi(p.expo + QD as i32)
}

/// Checks one series' value at `spot`, `dt` seconds into a mark's life, against the
/// mark's estimate and all its margins (what `Aggregates::liabilities` adds up).
fn check_spot_and_time(
    s: &Series,
    rate: f64,
    div: f64,
    window: u64,
    max_age: i64,
    at: f64,
    frac: f64,
) -> Result<(), String> {
    let mid = DecimalPrice::new(10_000_000_000, -8);
    let life = (s.secs / 4).max(60).min(max_age);
    let m = mark(&MarkRequest {
        rate: fx(rate),
        div_yield: fx(div),
        life_s: life,
        ..request(s, mid, window)
    })
    .unwrap();
    let spot = scale_price(mid, (at * window as f64) as i64, false).unwrap();
    let dt = ((life as f64 * frac) as i64).min(s.secs);
    let s0 = num(m.spot);
    let ds = num(price_qpu(spot, QD).unwrap()) - s0;
    let theta_dt = num(m.theta) / 31_536_000.0 * dt as f64;
    let estimate =
        num(m.value) + num(m.delta) * ds + 0.5 * num(m.gamma_spot) / s0 * ds * ds + theta_dt;
    let truth = value_at(s, spot, s.secs - dt, s.vol, rate, div);
    let tol = 1e-9 * truth.abs().max(1.0);
    let high = estimate + num(m.bound_up) + theta_dt.abs();
    let low = estimate - num(m.bound_down) - theta_dt.abs();
    if truth > high + tol || truth < low - tol {
        return Err(format!("truth {truth} outside [{low}, {high}]"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_second_order_estimate_is_bounded_in_the_window(
        s in series(),
        window in 50u64..2_000,
        at in -1.0f64..1.0,
    ) {
        let mid = DecimalPrice::new(10_000_000_000, -8); // 100
        let m = mark(&request(&s, mid, window)).unwrap();
        // A spot inside the window, as an exact decimal.
        let bps = (at * window as f64) as i64;
        let spot = scale_price(mid, bps, false).unwrap();
        let s0 = num(m.spot);
        let ds = num(price_qpu(spot, QD).unwrap()) - s0;
        let estimate = num(m.value) + num(m.delta) * ds + 0.5 * num(m.gamma_spot) / s0 * ds * ds;
        let truth = value(&s, spot, s.secs, s.vol);
        let tol = 1e-9 * truth.abs().max(1.0); // f64 round-off of the check itself
        prop_assert!(truth <= estimate + num(m.bound_up) + tol,
            "above: truth {truth} estimate {estimate} bound_up {}", num(m.bound_up));
        prop_assert!(truth >= estimate - num(m.bound_down) - tol,
            "below: truth {truth} estimate {estimate} bound_down {}", num(m.bound_down));
    }

    #[test]
    fn stressed_values_bound_every_spot_of_the_window(
        s in series(),
        at in -1.0f64..1.0,
    ) {
        let mid = DecimalPrice::new(10_000_000_000, -8);
        let window = 300u64;
        let m = mark(&request(&s, mid, window)).unwrap();
        let spot = scale_price(mid, (at * window as f64) as i64, false).unwrap();
        let down = scale_price(spot, -2_000, false).unwrap();
        let up = scale_price(spot, 2_000, false).unwrap();
        let vol = s.vol + 0.2;
        let tol = 1e-9;
        prop_assert!(value(&s, down, s.secs, vol) <= num(m.stress_down) + tol);
        prop_assert!(value(&s, up, s.secs, vol) <= num(m.stress_up) + tol);
    }

    #[test]
    fn theta_drift_and_margin_cover_a_marks_life(
        s in series(),
        short in 60i64..3_600,
        use_short in any::<bool>(),
        frac in 0.0f64..1.0,
    ) {
        // A mark lives min(max_mark_age_s, max(a quarter of the time left, 60 s)): here
        // with a 300 s maximum; the last minute before expiry included.
        let s = Series { secs: if use_short { short } else { s.secs }, ..s };
        let mid = DecimalPrice::new(10_000_000_000, -8);
        let m = mark(&request(&s, mid, 300)).unwrap();
        let life = (s.secs / 4).clamp(60, 300).min(s.secs);
        let dt = (life as f64 * frac) as i64;
        let truth = value(&s, mid, s.secs - dt, s.vol);
        let theta_s = num(m.theta) / 31_536_000.0;
        let estimate = num(m.value) + theta_s * dt as f64;
        // What the program relies on at the mark's own spot: the theta allowance (θ may
        // change by 100%) plus the mark's bounds, which carry the carry margin. The
        // allowance alone is an argument, not a proof: with a rate, an in-the-money put
        // near expiry (value below intrinsic) can see θ change by a little more than
        // 100% (found here: 101.3% at K = 102, σ = 80%, 22 minutes left), and the carry
        // margin is what covers it.
        let margin = theta_s.abs() * dt as f64;
        let tol = 1e-9 * truth.max(1.0);
        prop_assert!(truth <= estimate + margin + num(m.bound_up) + tol,
            "above: truth {truth} estimate {estimate} margin {margin} bound_up {}", num(m.bound_up));
        prop_assert!(truth >= estimate - margin - num(m.bound_down) - tol,
            "below: truth {truth} estimate {estimate} margin {margin} bound_down {}", num(m.bound_down));
    }

    /// Spot and time moving together, with the governance bounds' extremes: rates and
    /// dividend yields from −50% to 100%, marks living up to an hour.
    #[test]
    fn spot_and_time_together_stay_within_the_margins(
        s in series(),
        rate in -0.5f64..1.0,
        div in -0.5f64..1.0,
        window in 10u64..2_000,
        max_age in 10i64..3_600,
        at in -1.0f64..1.0,
        frac in 0.0f64..1.0,
    ) {
        let r = check_spot_and_time(&s, rate, div, window, max_age, at, frac);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }

    #[test]
    fn book_bounds_contain_the_true_liabilities(
        book in proptest::collection::vec((series(), 1u64..50_000_000_000, -150i64..150), 1..8),
        at in -1.0f64..1.0,
        elapsed_frac in 0.0f64..1.0,
    ) {
        let window = 300u64;
        let reference = Reference { spot: fx(100_000_000.0), time: 1_000 };
        let mut sums = Aggregates::default();
        let mut shares = Vec::new();
        let mut life = i64::MAX;
        // Each series marked at its own mid, within ±1.5% of 100, at time 1,000.
        for (s, oi, off) in &book {
            let mid = scale_price(DecimalPrice::new(10_000_000_000, -8), *off, false).unwrap();
            let m = mark(&request(s, mid, window)).unwrap();
            let share = contribution(&m, 1_000, fx(s.vol), *oi, UD, &reference).unwrap();
            sums = sums.add(&share).unwrap();
            shares.push((s, *oi, mid, share));
            life = life.min((s.secs / 4).min(300));
        }
        // A band every mark's window contains: ±1.4% around 100 always is (marks are
        // within 1.5%, windows 3%).
        let spot = scale_price(DecimalPrice::new(10_000_000_000, -8), (at * 140.0) as i64, false).unwrap();
        let x = relative_move(price_qpu(spot, QD).unwrap(), &reference).unwrap();
        let now = 1_000 + (life as f64 * elapsed_frac) as i64;
        let b = sums.liabilities(x, x, now, &reference).unwrap();
        let truth: f64 = shares
            .iter()
            .map(|(s, oi, _, _)| value(s, spot, s.secs - (now - 1_000), s.vol) * *oi as f64 / 1e9)
            .sum();
        let tol = 1e-6 * truth.max(1.0);
        prop_assert!(truth <= num(b.high) + tol, "high {} < truth {truth}", num(b.high));
        prop_assert!(truth >= num(b.low) - tol, "low {} > truth {truth}", num(b.low));
        // The sums are exactly the sum of the shares, in any order.
        let mut again = Aggregates::default();
        for (_, _, _, share) in shares.iter().rev() {
            again = again.add(share).unwrap();
        }
        prop_assert_eq!(again, sums);
        // And taking every share out leaves exactly zero.
        let mut left = sums;
        for (_, _, _, share) in &shares {
            left = left.sub(share).unwrap();
        }
        prop_assert_eq!(left, Aggregates::default());
    }
}

/// A deep in-the-money put gains r·K·dt while θ₀ at S₀ says it loses value: without the
/// carry margin its value 300 s later at the window's low edge exceeded the bound
/// (1.999482 against 1.999435 per unit, found by review).
#[test]
fn carry_at_the_window_edge_is_covered() {
    let put = Series {
        kind: OptionKind::Put,
        strike: DecimalPrice::new(9_900, -2),
        vol: 0.05,
        secs: 3_600,
    };
    check_spot_and_time(&put, 0.05, 0.0, 300, 300, -1.0, 1.0).unwrap();
    // With r = q = 0 there is no carry and no margin.
    let m = mark(&MarkRequest {
        rate: Fx::ZERO,
        div_yield: Fx::ZERO,
        ..request(&put, DecimalPrice::new(10_000_000_000, -8), 300)
    })
    .unwrap();
    let no_life = mark(&MarkRequest {
        rate: Fx::ZERO,
        div_yield: Fx::ZERO,
        life_s: 0,
        ..request(&put, DecimalPrice::new(10_000_000_000, -8), 300)
    })
    .unwrap();
    assert_eq!(m, no_life);
}

#[test]
fn window_edges_round_outward_and_named_errors() {
    // Too many digits for ×1.03: the mantissa drops five, rounded as asked (every
    // dropped digit counts, not only the last).
    let p = DecimalPrice::new(i64::MAX, -10);
    let up = scale_price(p, 300, true).unwrap();
    let down = scale_price(p, 300, false).unwrap();
    assert_eq!(up.mantissa - down.mantissa, 1);
    assert_eq!((up.expo, down.mantissa), (-9, 950_007_319_796_041_908));
    // Exact products keep their digits: no rounding either way.
    let exact = DecimalPrice::new(9_223_372_036_854_775_000, -10);
    assert_eq!(
        scale_price(exact, 300, true),
        scale_price(exact, 300, false)
    );
    assert!(scale_price(DecimalPrice::new(0, 0), 10, true).is_err());
    assert!(scale_price(DecimalPrice::new(5, 0), -10_000, true).is_err());
    // A reference at zero cannot expand anything.
    let m = mark(&request(
        &Series {
            kind: OptionKind::Call,
            strike: DecimalPrice::new(100, 0),
            vol: 0.5,
            secs: 86_400,
        },
        DecimalPrice::new(100, 0),
        300,
    ))
    .unwrap();
    let zero = Reference {
        spot: Fx::ZERO,
        time: 0,
    };
    assert!(contribution(&m, 0, fx(0.5), 1, UD, &zero).is_err());
    assert_eq!(
        contribution(&m, 0, fx(0.5), 0, UD, &zero).unwrap(),
        Aggregates::default()
    );
}
