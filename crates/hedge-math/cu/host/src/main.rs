//! The native side of the compute meter (`bash scripts/cu.sh`).
//!
//! ```text
//! hedge-math-cu-host inputs REFERENCE.csv            > batch.jsonl   # the grid
//! hedge-math-cu-host native batch.jsonl              > native.jsonl  # same fns, natively
//! hedge-math-cu-host report batch.jsonl sbf.jsonl native.jsonl BUDGETS
//! ```
//!
//! `report` fails (exit 1) when any output differs from the native build, when a
//! function's maximum exceeds its budget, or when a function's worst case over the
//! reference grid exceeds `ratio` × its median there. It prints one line per function:
//! `cu <function> <min> <median> <max> <stack_bytes>`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use hedge_math::bsm::{BsmInputs, OptionKind};
use hedge_math::marks;
use hedge_math::{DecimalPrice, Fx};
use hedge_math_cu::{
    aggregate_fields, encode_option, encode_share, function, mark_request, share_reference,
    OptionRecord, FUNCTIONS, LIABILITIES_INPUT_LEN, OPTION_INPUT_LEN, RECENTER_SERIES,
    SHARE_HEADER_LEN, SHARE_RECORD_LEN, SIZER_INPUT_LEN,
};
use serde_json::{json, Value};

const YEAR: f64 = 31_536_000.0;
/// The option functions, in the batch for every option case.
const OPTION_FNS: [&str; 8] = [
    "cu_greeks",
    "cu_delta_gamma",
    "cu_price",
    "cu_delta",
    "cu_series_value",
    "cu_series_risk",
    "cu_mark",
    "cu_mark_share",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["inputs", csv] => inputs(csv),
        ["native", batch] => native(batch),
        ["report", batch, sbf, native, budgets] => report(batch, sbf, native, budgets),
        _ => Err(
            "usage: hedge-math-cu-host inputs REFERENCE.csv | native BATCH | \
                  report BATCH SBF NATIVE BUDGETS"
                .to_string(),
        ),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("hedge-math-cu-host: {e}");
            ExitCode::from(2)
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd hex length {}", s.len()));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("hex: {e}")))
        .collect()
}

fn fx(v: f64) -> Fx {
    Fx::from_bits((v * 18_446_744_073_709_551_616.0).round() as i128)
}

/// The shortest decimal of `v` as mantissa and exponent (as a Pyth price would be).
fn decimal(v: f64) -> Option<DecimalPrice> {
    let s = format!("{v:e}");
    let (m, e) = s.split_once('e')?;
    let mut expo: i32 = e.parse().ok()?;
    let (int_part, frac_part) = m.split_once('.').unwrap_or((m, ""));
    expo -= frac_part.len() as i32;
    Some(DecimalPrice::new(
        format!("{int_part}{frac_part}").parse().ok()?,
        expo,
    ))
}

struct Batch(Vec<Value>);

impl Batch {
    fn option(&mut self, id: &str, inputs: BsmInputs) {
        let record = OptionRecord {
            inputs,
            size: 1_000_000_000,
            quote_decimals: 6,
            underlying_decimals: 9,
        };
        let mut buf = [0u8; OPTION_INPUT_LEN];
        encode_option(&record, &mut buf);
        for f in OPTION_FNS {
            self.push(id, f, &buf);
        }
    }
    fn scalar(&mut self, f: &str, x: Fx) {
        self.push("scalar", f, &x.to_bits().to_le_bytes());
    }
    fn push(&mut self, id: &str, f: &str, input: &[u8]) {
        let len = FUNCTIONS.iter().find(|(n, _)| *n == f).expect("known").1;
        self.0
            .push(json!({"fn": f, "input": hex(input), "output_len": len, "id": id}));
    }
}

/// The grid: every reference row, the same rows at stressed spots and IV, a typical
/// grid, the domain's edges and errors, and scalar inputs of the primitives.
fn inputs(csv: &str) -> Result<bool, String> {
    let text = std::fs::read_to_string(csv).map_err(|e| format!("{csv}: {e}"))?;
    let mut batch = Batch(Vec::new());
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty CSV")?.split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|c| *c == name)
            .ok_or(format!("{csv}: no column {name}"))
    };
    let cols = [
        col("kind")?,
        col("spot")?,
        col("strike")?,
        col("vol")?,
        col("tau_years")?,
        col("rate")?,
        col("div_yield")?,
    ];
    let mut reference = Vec::new();
    for (n, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let num = |i: usize| -> Result<f64, String> {
            f.get(cols[i])
                .and_then(|s| s.parse().ok())
                .ok_or(format!("{csv}: line {}: column {i}", n + 2))
        };
        let kind = if f.get(cols[0]) == Some(&"call") {
            OptionKind::Call
        } else {
            OptionKind::Put
        };
        let inputs = BsmInputs {
            kind,
            spot: decimal(num(1)?).ok_or("spot")?,
            strike: decimal(num(2)?).ok_or("strike")?,
            vol: fx(num(3)?),
            rate: fx(num(5)?),
            div_yield: fx(num(6)?),
            time_s: fx(num(4)? * YEAR),
        };
        reference.push(inputs);
        batch.option("ref", inputs);
    }
    // Stress: ±20% spot (exact decimal: ×8/10 and ×12/10) and IV + 20 points.
    for (i, r) in reference.iter().enumerate().step_by(3) {
        let factor = if i % 2 == 0 { 8 } else { 12 };
        let spot = DecimalPrice::new(r.spot.mantissa * factor, r.spot.expo - 1);
        let vol = r.vol.add_(fx(0.2)).unwrap().min(Fx::from_int(10));
        batch.option("stress", BsmInputs { spot, vol, ..*r });
    }
    // Typical: spot 100, strikes 80..120, vols 30%..150%, 1 h..90 d.
    for kind in [OptionKind::Call, OptionKind::Put] {
        for strike in [80, 90, 100, 110, 120] {
            for vol in [0.3, 0.5, 0.8, 1.0, 1.5] {
                for secs in [3_600.0, 86_400.0, 604_800.0, 2_592_000.0, 7_776_000.0] {
                    batch.option(
                        "typical",
                        BsmInputs {
                            kind,
                            spot: DecimalPrice::new(10_000_000_000, -8),
                            strike: DecimalPrice::new(strike, 0),
                            vol: fx(vol),
                            rate: fx(0.05),
                            div_yield: fx(0.01),
                            time_s: fx(secs),
                        },
                    );
                }
            }
        }
    }
    // Edges: expiry, the domain's corners, and refusals (status ≠ 0).
    let base = BsmInputs {
        kind: OptionKind::Call,
        spot: DecimalPrice::new(100, 0),
        strike: DecimalPrice::new(100, 0),
        vol: fx(0.3),
        rate: fx(0.05),
        div_yield: Fx::ZERO,
        time_s: fx(86_400.0),
    };
    let edges = [
        BsmInputs {
            time_s: Fx::ZERO,
            ..base
        },
        BsmInputs {
            time_s: Fx::ZERO,
            kind: OptionKind::Put,
            strike: DecimalPrice::new(120, 0),
            ..base
        },
        BsmInputs {
            time_s: Fx::ONE,
            vol: fx(0.001),
            ..base
        },
        BsmInputs {
            time_s: Fx::from_int(315_360_000),
            vol: Fx::from_int(10),
            ..base
        },
        BsmInputs {
            spot: DecimalPrice::new(1, 12),
            strike: DecimalPrice::new(1, 12),
            ..base
        },
        BsmInputs {
            spot: DecimalPrice::new(1, -18),
            strike: DecimalPrice::new(9, -10),
            ..base
        },
        BsmInputs {
            strike: DecimalPrice::new(9, 9),
            kind: OptionKind::Put,
            ..base
        },
        BsmInputs {
            rate: fx(-0.5),
            div_yield: Fx::ONE,
            time_s: Fx::from_int(315_360_000),
            ..base
        },
        BsmInputs {
            vol: Fx::ZERO,
            ..base
        },
        BsmInputs {
            spot: DecimalPrice::new(0, 0),
            ..base
        },
        BsmInputs {
            strike: DecimalPrice::new(1, -9),
            ..base
        },
        BsmInputs {
            time_s: fx(0.5),
            ..base
        },
    ];
    for e in edges {
        batch.option("edge", e);
    }
    // The book's liability bounds from sums over 1..=32 series of the typical grid.
    let typical: Vec<BsmInputs> = batch
        .0
        .iter()
        .filter(|v| v["id"] == "typical" && v["fn"] == "cu_greeks")
        .map(|v| {
            let bytes = unhex(v["input"].as_str().unwrap_or_default()).unwrap_or_default();
            let mut rec = [0u8; OPTION_INPUT_LEN];
            rec.copy_from_slice(&bytes[..OPTION_INPUT_LEN]);
            hedge_math_cu::decode_option(&rec).inputs
        })
        .collect();
    for n in [1usize, 2, 4, 8, 16, 32] {
        for offset in 0..5 {
            let mut sums = marks::Aggregates::default();
            let mut reference = None;
            for k in 0..n {
                let inputs = typical[(offset * 37 + k * 7) % typical.len()];
                let record = OptionRecord {
                    inputs,
                    size: 1_000_000_000 * (k as u64 + 1),
                    quote_decimals: 6,
                    underlying_decimals: 9,
                };
                let m = marks::mark(&mark_request(&record)).map_err(|e| format!("{e:?}"))?;
                let r = *reference.get_or_insert(share_reference(&m));
                let share = marks::contribution(&m, 1_000, inputs.vol, record.size, 9, &r)
                    .map_err(|e| format!("{e:?}"))?;
                sums = sums.add(&share).map_err(|e| format!("{e:?}"))?;
            }
            let r = reference.ok_or("no series")?;
            let mut input = Vec::with_capacity(LIABILITIES_INPUT_LEN);
            for f in aggregate_fields(&sums) {
                input.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            let (lo, hi) = (fx(-0.012 - 0.001 * offset as f64), fx(-0.008));
            input.extend_from_slice(&lo.to_bits().to_le_bytes());
            input.extend_from_slice(&hi.to_bits().to_le_bytes());
            input.extend_from_slice(&(1_000i64 + 60 * offset as i64).to_le_bytes());
            input.extend_from_slice(&r.spot.to_bits().to_le_bytes());
            input.extend_from_slice(&r.time.to_le_bytes());
            batch.push("book", "cu_liabilities", &input);
        }
    }
    // Shares of the sums: one series (`cu_share`), and a full book re-centred
    // (`cu_recenter`), around a reference 1% above the first series' spot.
    for offset in 0..20 {
        let mut header = Vec::with_capacity(SHARE_HEADER_LEN);
        let mut records = Vec::new();
        for k in 0..RECENTER_SERIES {
            let inputs = typical[(offset * 37 + k * 7) % typical.len()];
            let record = OptionRecord {
                inputs,
                size: 1_000_000_000 * (k as u64 + 1),
                quote_decimals: 6,
                underlying_decimals: 9,
            };
            let m = marks::mark(&mark_request(&record)).map_err(|e| format!("{e:?}"))?;
            if k == 0 {
                let r = share_reference(&m);
                header.extend_from_slice(&r.spot.to_bits().to_le_bytes());
                header.extend_from_slice(&r.time.to_le_bytes());
            }
            let mut rec = [0u8; SHARE_RECORD_LEN];
            encode_share(&m, inputs.vol, record.size, 1_000 + k as i64, &mut rec);
            records.extend_from_slice(&rec);
        }
        let one = [&header[..], &records[..SHARE_RECORD_LEN]].concat();
        batch.push("book", "cu_share", &one);
        batch.push("book", "cu_recenter", &[&header[..], &records[..]].concat());
    }
    // Hedge sizes at the slippage limit: pools from 1 to 10M units a side (9 and 6
    // decimals, fees 0.01% to 1%), limits from 1% inside to 3% outside the pool's mid,
    // caps from one atom to unbounded.
    for units in [1u64, 7, 650, 6_500, 65_000, 10_000_000] {
        for (unit, fee) in [
            (1_000_000_000u64, 2_500u64),
            (1_000_000, 100),
            (1_000_000_000, 10_000),
        ] {
            let (q, u) = (units * 100_000_000, units * unit);
            for off_bps in [-100i64, 0, 40, 60, 100, 150, 300] {
                for cap in [1u64, u / 100, u64::MAX] {
                    let buy_limit = (100_000_000 * (10_000 + off_bps) / 10_000) as u64;
                    let sell_limit = (100_000_000 * (10_000 - off_bps) / 10_000) as u64;
                    let rec = |limit: u64, x: u64, y: u64| {
                        let mut b = Vec::with_capacity(SIZER_INPUT_LEN);
                        for v in [cap, limit, x, y, fee, unit] {
                            b.extend_from_slice(&v.to_le_bytes());
                        }
                        b
                    };
                    batch.push("pool", "cu_buy_at_limit", &rec(buy_limit, q, u));
                    batch.push("pool", "cu_sell_at_limit", &rec(sell_limit, u, q));
                }
            }
        }
    }
    // Scalars.
    for i in 0..40 {
        let x = -10.0 + 20.0 * i as f64 / 39.0;
        batch.scalar("cu_cdf", fx(x));
        batch.scalar("cu_pdf", fx(x));
        batch.scalar("cu_exp", fx(x * 4.0));
        batch.scalar("cu_ln", fx(10f64.powf(x)));
        batch.scalar("cu_sqrt", fx(10f64.powf(x)));
    }
    for v in &batch.0 {
        println!("{v}");
    }
    Ok(true)
}

fn read_jsonl(path: &str) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("{path}:{}: {e}", i + 1)))
        .collect()
}

fn field<'a>(v: &'a Value, k: &str) -> Result<&'a Value, String> {
    v.get(k).ok_or(format!("missing `{k}` in {v}"))
}

/// Runs every request of the batch natively and prints sbf-run's output shape.
fn native(batch: &str) -> Result<bool, String> {
    for req in read_jsonl(batch)? {
        let name = field(&req, "fn")?.as_str().ok_or("fn")?;
        let f = function(name).ok_or(format!("unknown function {name}"))?;
        let input = unhex(field(&req, "input")?.as_str().ok_or("input")?)?;
        let len = field(&req, "output_len")?.as_u64().ok_or("output_len")? as usize;
        let mut output = vec![0u8; len];
        // SAFETY: each function reads its fixed input record and writes `len` bytes;
        // the batch was built from the same table of lengths.
        unsafe { f(input.as_ptr(), output.as_mut_ptr()) };
        println!("{}", json!({"fn": name, "output": hex(&output)}));
    }
    Ok(true)
}

#[derive(Default)]
struct Stats {
    cu: Vec<u64>,
    reference: Vec<u64>,
    stack: u64,
    largest_frame: u64,
}

fn median(v: &[u64]) -> u64 {
    let mut s = v.to_vec();
    s.sort_unstable();
    let k = s.len();
    if k == 0 {
        0
    } else if k % 2 == 1 {
        s[k / 2]
    } else {
        (s[k / 2 - 1] + s[k / 2]) / 2
    }
}

/// The budgets file: per function, a maximum CU and a worst/median ratio.
#[derive(Default)]
struct Budgets {
    max: BTreeMap<String, u64>,
    ratio: BTreeMap<String, f64>,
}

/// Budgets: `<function> max <cu>` and `<function> ratio <x>` lines; `#` comments.
fn budgets(path: &str) -> Result<Budgets, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut b = Budgets::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let bad = || {
            format!(
                "{path}:{}: expected `<fn> max <cu>` or `<fn> ratio <x>`",
                i + 1
            )
        };
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            [f, "max", v] => {
                b.max.insert(
                    f.to_string(),
                    v.replace('_', "").parse().map_err(|_| bad())?,
                );
            }
            [f, "ratio", v] => {
                b.ratio.insert(f.to_string(), v.parse().map_err(|_| bad())?);
            }
            _ => return Err(bad()),
        }
    }
    Ok(b)
}

fn report(batch: &str, sbf: &str, native: &str, budget_file: &str) -> Result<bool, String> {
    let (batch, sbf, native) = (read_jsonl(batch)?, read_jsonl(sbf)?, read_jsonl(native)?);
    let Budgets {
        max: max_cu,
        ratio: ratios,
    } = budgets(budget_file)?;
    if batch.len() != sbf.len() || batch.len() != native.len() {
        return Err(format!(
            "lengths differ: batch {}, sbf {}, native {}",
            batch.len(),
            sbf.len(),
            native.len()
        ));
    }
    let mut ok = true;
    let mut mismatches = 0;
    let mut stats: BTreeMap<String, Stats> = BTreeMap::new();
    for ((b, s), n) in batch.iter().zip(&sbf).zip(&native) {
        let name = field(b, "fn")?.as_str().ok_or("fn")?;
        if let Some(err) = s.get("error") {
            println!("FAULT {name} on {}: {err}", field(b, "input")?);
            ok = false;
            continue;
        }
        if field(s, "output")? != field(n, "output")? || field(s, "fn")? != field(n, "fn")? {
            mismatches += 1;
            if mismatches <= 10 {
                println!(
                    "MISMATCH {name} input {}: sbf {} native {}",
                    field(b, "input")?,
                    field(s, "output")?,
                    field(n, "output")?
                );
            }
        }
        let st = stats.entry(name.to_string()).or_default();
        let cu = field(s, "cu")?.as_u64().ok_or("cu")?;
        st.cu.push(cu);
        if b.get("id").and_then(Value::as_str) == Some("ref") {
            st.reference.push(cu);
        }
        st.stack = st
            .stack
            .max(field(s, "stack_bytes")?.as_u64().ok_or("stack")?);
        st.largest_frame = st
            .largest_frame
            .max(field(s, "largest_frame")?.as_u64().ok_or("frame")?);
    }
    if mismatches > 0 {
        println!(
            "{mismatches} of {} outputs differ from the native build",
            batch.len()
        );
        ok = false;
    } else {
        println!("{} outputs bit-identical to the native build", batch.len());
    }
    for (name, st) in &stats {
        let (min, max) = (
            *st.cu.iter().min().unwrap_or(&0),
            *st.cu.iter().max().unwrap_or(&0),
        );
        println!("cu {name} {min} {} {max} {}", median(&st.cu), st.stack);
        if st.largest_frame >= 4096 {
            println!(
                "OVER {name}: a frame of {} bytes (SBF frames are 4,096)",
                st.largest_frame
            );
            ok = false;
        }
        if let Some(budget) = max_cu.get(name) {
            if max > *budget {
                println!("OVER {name}: max {max} CU > budget {budget}");
                ok = false;
            }
        }
        if let Some(limit) = ratios.get(name) {
            let (m, worst) = (median(&st.reference), st.reference.iter().max().copied());
            let worst = worst.unwrap_or(0);
            let r = worst as f64 / m.max(1) as f64;
            println!(
                "ratio {name} reference grid: worst {worst} / median {m} = {r:.3} (limit {limit})"
            );
            if r > *limit {
                println!("OVER {name}: worst/median {r:.3} > {limit}");
                ok = false;
            }
        }
    }
    for name in max_cu.keys().chain(ratios.keys()) {
        if !stats.contains_key(name) {
            println!("MISSING {name}: budgeted but not measured");
            ok = false;
        }
    }
    Ok(ok)
}
