//! ns per `delta` and per full greeks set (price, delta, gamma, vega, theta), natively.
//! Compute units on SBF are measured by `bash scripts/cu.sh`, not here.
//! `cargo bench -p hedge-math --bench greeks`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hedge_math::fixed_point::fx_ratio;
use hedge_math::{bsm, BsmInputs, DecimalPrice, Fx, OptionKind};

fn inputs() -> BsmInputs {
    BsmInputs {
        kind: OptionKind::Call,
        spot: DecimalPrice::new(10_253_000_000, -8), // 102.53
        strike: DecimalPrice::new(100, 0),
        vol: fx_ratio(3, 10),
        rate: fx_ratio(5, 100),
        div_yield: fx_ratio(1, 100),
        time_s: Fx::from_int(60 * 86_400),
    }
}

fn bench(c: &mut Criterion) {
    let i = inputs();
    c.bench_function("delta", |b| b.iter(|| bsm::delta(black_box(&i)).unwrap()));
    c.bench_function("greeks", |b| b.iter(|| bsm::greeks(black_box(&i)).unwrap()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
