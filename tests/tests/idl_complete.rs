//! The committed IDL is usable by clients: every type it references is defined in it
//! (a type missing from `types` makes Anchor's TypeScript `Program` fail to construct).

use std::collections::BTreeSet;

fn collect(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Object(d)) = m.get("defined") {
                if let Some(serde_json::Value::String(n)) = d.get("name") {
                    out.insert(n.clone());
                }
            }
            m.values().for_each(|x| collect(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

#[test]
fn every_referenced_type_is_defined() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../programs/hedge_vault/idl/hedge_vault.json"
    );
    let idl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut referenced = BTreeSet::new();
    collect(&idl, &mut referenced);
    let defined: BTreeSet<String> = idl["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    let missing: Vec<_> = referenced.difference(&defined).collect();
    assert!(
        missing.is_empty(),
        "referenced but not defined: {missing:?}"
    );
    assert!(defined.contains("RiskParams"));
}
