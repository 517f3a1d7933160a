//! The example deploy config (`migrations/config/example.json`) lists the program's
//! default risk parameters, field for field, in the IDL's order and names.

use anchor_lang::AnchorSerialize;
use hedge_vault::state::RiskParams;

#[test]
fn example_config_risk_is_the_program_default() {
    let config: serde_json::Value =
        serde_json::from_str(include_str!("../../migrations/config/example.json")).unwrap();
    let idl: serde_json::Value = serde_json::from_str(include_str!(
        "../../programs/hedge_vault/idl/hedge_vault.json"
    ))
    .unwrap();
    let fields = idl["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "RiskParams")
        .unwrap()["type"]["fields"]
        .as_array()
        .unwrap()
        .clone();
    // Borsh writes the fields in order, 8 bytes each (u64 or i64).
    let bytes = RiskParams::DEFAULT.try_to_vec().unwrap();
    assert_eq!(bytes.len(), fields.len() * 8);
    let risk = config["vaults"][0]["risk"].as_object().unwrap();
    assert_eq!(risk.len(), fields.len(), "every field, no more");
    for (i, f) in fields.iter().enumerate() {
        let snake = f["name"].as_str().unwrap();
        let camel: String = snake
            .split('_')
            .enumerate()
            .map(|(j, w)| {
                if j == 0 {
                    w.to_string()
                } else {
                    w[..1].to_uppercase() + &w[1..]
                }
            })
            .collect();
        let chunk: [u8; 8] = bytes[i * 8..i * 8 + 8].try_into().unwrap();
        let want = if f["type"] == "i64" {
            i64::from_le_bytes(chunk).to_string()
        } else {
            u64::from_le_bytes(chunk).to_string()
        };
        let have = match &risk[&camel] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(have, want, "risk.{camel}");
    }
}
