//! Every row of the QuantLib reference (tests/data/bsm_reference.csv) within the bounds:
//! delta 1e-12; price 1e-12 × max(S, K); gamma (×S) 1e-10 × max(1, |Γ|·S);
//! vega and theta 1e-10 × max(S, |reference|).

mod common;

use common::accuracy::{evaluate, parse_csv, BOUNDS, MEASURES};

#[test]
fn reference_rows_within_bounds() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/bsm_reference.csv"
    );
    let text = std::fs::read_to_string(path).expect("reference CSV");
    let (rows, malformed) = parse_csv(&text).unwrap();
    assert!(malformed.is_empty(), "{malformed:?}");
    assert_eq!(rows.len(), 3000);
    let report = evaluate(rows, malformed);
    assert!(
        report.out_of_domain.is_empty(),
        "{:?}",
        report.out_of_domain
    );
    for (m, name) in MEASURES.iter().enumerate() {
        let worst = report.worst(m).unwrap();
        assert!(
            worst.scaled_err[m] <= BOUNDS[m],
            "{name}: scaled error {:e} > {:e} at {:?}",
            worst.scaled_err[m],
            BOUNDS[m],
            worst
        );
    }
}

#[test]
fn report_counts_out_of_domain_rows() {
    let csv = "kind,spot,strike,vol,tau_years,rate,div_yield,price,delta,gamma,vega,theta\n\
               call,100,100,20,1,0,0,0,0,0,0,0\n\
               put,100,100,0.2,1,0,0,7.965567455405804,-0.46017216272297107,0.0198476273738506,39.69525474907204,-3.969525474907204\n\
               call,abc,100,0.2,1,0,0,0,0,0,0,0\n";
    let (rows, malformed) = parse_csv(csv).unwrap();
    let report = evaluate(rows, malformed);
    assert_eq!(report.rows, 3);
    assert_eq!(report.evaluated.len(), 1);
    assert_eq!(report.out_of_domain.len(), 1);
    assert!(report.out_of_domain[0].1.contains("VolOutOfRange"));
    assert_eq!(report.malformed.len(), 1);
    let text = report.to_string();
    assert!(text.contains("max_abs_err delta"));
    assert!(text.contains("out_of_domain line=2 error=VolOutOfRange"));
}
