//! Compares the fixed-point BSM against a CSV of reference values (columns as in
//! `tests/data/README.md`). Shared by the accuracy test, which asserts the bounds, and
//! the `bsm_accuracy` example, which only reports.

use std::fmt;

use hedge_math::{bsm, BsmInputs, DecimalPrice, Greeks, OptionKind, ScaledFx};

use super::{fx, num, scaled};

/// The five measures, in report order.
pub const MEASURES: [&str; 5] = ["price", "delta", "gamma", "vega", "theta"];

/// The issue's bounds on the scaled errors, in `MEASURES` order.
pub const BOUNDS: [f64; 5] = [1e-12, 1e-12, 1e-10, 1e-10, 1e-10];

#[derive(Clone, Debug)]
pub struct Row {
    pub line: usize,
    pub kind: OptionKind,
    pub spot: f64,
    pub strike: f64,
    pub vol: f64,
    pub tau_years: f64,
    pub rate: f64,
    pub div_yield: f64,
    /// price, delta, gamma, vega, theta
    pub reference: [f64; 5],
}

/// One evaluated row: the model's values and the scaled errors.
#[derive(Clone, Debug)]
pub struct Evaluated {
    pub row: Row,
    pub got: [f64; 5],
    pub scaled_err: [f64; 5],
}

#[derive(Debug, Default)]
pub struct Report {
    pub rows: usize,
    pub evaluated: Vec<Evaluated>,
    /// Rows the model refused, with the line and the named error.
    pub out_of_domain: Vec<LineIssue>,
    /// Lines that could not be parsed, with the line and the reason.
    pub malformed: Vec<LineIssue>,
}

/// A line number and what was wrong with it.
pub type LineIssue = (usize, String);

/// Parsed rows and the lines that could not be parsed.
pub fn parse_csv(text: &str) -> Result<(Vec<Row>, Vec<LineIssue>), String> {
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().ok_or("empty file")?;
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    let want = [
        "kind",
        "spot",
        "strike",
        "vol",
        "tau_years",
        "rate",
        "div_yield",
        "price",
        "delta",
        "gamma",
        "vega",
        "theta",
    ];
    let idx: Vec<usize> = want
        .iter()
        .map(|w| {
            cols.iter()
                .position(|c| c == w)
                .ok_or_else(|| format!("missing column `{w}`"))
        })
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    let mut malformed = Vec::new();
    for (i, line) in lines {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |k: usize| -> Result<f64, String> {
            let s = fields.get(idx[k]).ok_or("too few fields")?;
            s.parse::<f64>().map_err(|e| format!("`{s}`: {e}"))
        };
        let parsed = (|| -> Result<Row, String> {
            let kind = match fields.get(idx[0]).copied() {
                Some("call") => OptionKind::Call,
                Some("put") => OptionKind::Put,
                other => return Err(format!("kind {other:?}")),
            };
            Ok(Row {
                line: line_no,
                kind,
                spot: get(1)?,
                strike: get(2)?,
                vol: get(3)?,
                tau_years: get(4)?,
                rate: get(5)?,
                div_yield: get(6)?,
                reference: [get(7)?, get(8)?, get(9)?, get(10)?, get(11)?],
            })
        })();
        match parsed {
            Ok(r) => rows.push(r),
            Err(e) => malformed.push((line_no, e)),
        }
    }
    Ok((rows, malformed))
}

/// The exact decimal of the shortest representation of `v`, as Pyth-style mantissa and
/// exponent; `None` for non-finite or non-positive values (the model reports those).
pub fn to_decimal(v: f64) -> Option<DecimalPrice> {
    if !v.is_finite() {
        return None;
    }
    let s = format!("{v:e}");
    let (m, e) = s.split_once('e')?;
    let mut expo: i32 = e.parse().ok()?;
    let (int_part, frac_part) = m.split_once('.').unwrap_or((m, ""));
    expo -= frac_part.len() as i32;
    let mantissa: i64 = format!("{int_part}{frac_part}").parse().ok()?;
    Some(DecimalPrice::new(mantissa, expo))
}

fn to_f64(v: ScaledFx) -> f64 {
    scaled(v)
}

pub fn inputs(row: &Row) -> Result<BsmInputs, String> {
    let spot = to_decimal(row.spot).ok_or("spot is not a finite number")?;
    let strike = to_decimal(row.strike).ok_or("strike is not a finite number")?;
    let fx = |v: f64, name: &str| {
        if v.is_finite() && v.abs() < 9.2e18 {
            Ok(fx(v))
        } else {
            Err(format!("{name} does not fit"))
        }
    };
    Ok(BsmInputs {
        kind: row.kind,
        spot,
        strike,
        vol: fx(row.vol, "vol")?,
        rate: fx(row.rate, "rate")?,
        div_yield: fx(row.div_yield, "div_yield")?,
        time_s: fx(row.tau_years * 31_536_000.0, "tau_years")?,
    })
}

fn scaled_errors(row: &Row, got: &[f64; 5]) -> [f64; 5] {
    let r = &row.reference;
    let err = |i: usize| (got[i] - r[i]).abs();
    [
        err(0) / row.spot.max(row.strike),
        err(1),
        err(2) * row.spot / 1f64.max(r[2].abs() * row.spot),
        err(3) / row.spot.max(r[3].abs()),
        err(4) / row.spot.max(r[4].abs()),
    ]
}

pub fn evaluate(rows: Vec<Row>, malformed: Vec<LineIssue>) -> Report {
    let mut report = Report {
        rows: rows.len() + malformed.len(),
        malformed,
        ..Report::default()
    };
    for row in rows {
        let result = inputs(&row).and_then(|i| bsm::greeks(&i).map_err(|e| format!("{e:?}")));
        match result {
            Ok(g) => {
                let Greeks {
                    price,
                    delta,
                    gamma,
                    vega,
                    theta,
                } = g;
                let got = [
                    to_f64(price),
                    num(delta),
                    to_f64(gamma),
                    to_f64(vega),
                    to_f64(theta),
                ];
                let scaled_err = scaled_errors(&row, &got);
                report.evaluated.push(Evaluated {
                    row,
                    got,
                    scaled_err,
                });
            }
            Err(e) => report.out_of_domain.push((row.line, e)),
        }
    }
    report
}

impl Report {
    pub fn max_err(&self, m: usize) -> f64 {
        self.evaluated
            .iter()
            .map(|e| e.scaled_err[m])
            .fold(0.0, f64::max)
    }

    pub fn p99_err(&self, m: usize) -> f64 {
        let mut v: Vec<f64> = self.evaluated.iter().map(|e| e.scaled_err[m]).collect();
        if v.is_empty() {
            return 0.0;
        }
        v.sort_by(f64::total_cmp);
        let i = ((v.len() as f64) * 0.99).ceil() as usize;
        v[i.clamp(1, v.len()) - 1]
    }

    pub fn worst(&self, m: usize) -> Option<&Evaluated> {
        self.evaluated
            .iter()
            .max_by(|a, b| a.scaled_err[m].total_cmp(&b.scaled_err[m]))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rows {} evaluated {} out_of_domain {} malformed {}",
            self.rows,
            self.evaluated.len(),
            self.out_of_domain.len(),
            self.malformed.len()
        )?;
        for (m, name) in MEASURES.iter().enumerate() {
            writeln!(f, "max_abs_err {name} {:.3e}", self.max_err(m))?;
        }
        for (m, name) in MEASURES.iter().enumerate() {
            writeln!(f, "p99_abs_err {name} {:.3e}", self.p99_err(m))?;
        }
        if let Some(w) = self.worst(1) {
            let r = &w.row;
            writeln!(
                f,
                "worst_delta line={} kind={:?} spot={} strike={} vol={} tau_years={} rate={} div_yield={} reference={} got={} err={:.3e}",
                r.line, r.kind, r.spot, r.strike, r.vol, r.tau_years, r.rate, r.div_yield,
                r.reference[1], w.got[1], w.scaled_err[1]
            )?;
        }
        for (line, e) in &self.out_of_domain {
            writeln!(f, "out_of_domain line={line} error={e}")?;
        }
        for (line, e) in &self.malformed {
            writeln!(f, "malformed line={line} error={e}")?;
        }
        Ok(())
    }
}
