//! ns per `delta` and per full greeks set (price, delta, gamma, vega, theta).
//! `cargo bench -p hedge_vault --bench greeks`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hedge_vault::math::{bsm, BsmInputs, DecimalPrice, Fx, OptionKind};

fn inputs() -> BsmInputs {
    BsmInputs {
        kind: OptionKind::Call,
        spot: DecimalPrice::new(10_253_000_000, -8), // 102.53
        strike: DecimalPrice::new(100, 0),
        vol: Fx::from_num(3) / 10,
        rate: Fx::from_num(5) / 100,
        div_yield: Fx::from_num(1) / 100,
        time_s: Fx::from_num(60 * 86_400),
    }
}

fn bench(c: &mut Criterion) {
    let i = inputs();
    c.bench_function("delta", |b| b.iter(|| bsm::delta(black_box(&i)).unwrap()));
    c.bench_function("greeks", |b| b.iter(|| bsm::greeks(black_box(&i)).unwrap()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
