//! Holds the program and `idl/amplify.json` together: discriminators (recomputed
//! from their names), account sizes and every field offset, and the error table.
//! The IDL is the contract every client is generated from; this test fails on
//! any drift.

#![allow(clippy::arithmetic_side_effects, clippy::unwrap_used)]

use crate::{discriminator, error::AmplifyError, state};
use core::mem::{offset_of, size_of};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::vec::Vec;

fn idl() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../idl/amplify.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("idl/amplify.json")).expect("json")
}

fn sighash(prefix: &str, name: &str) -> [u8; 8] {
    let digest = Sha256::digest(format!("{prefix}:{name}").as_bytes());
    digest[..8].try_into().unwrap()
}

fn disc_of(v: &Value) -> [u8; 8] {
    let bytes: Vec<u8> = v["discriminator"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    bytes.try_into().unwrap()
}

fn check_table(idl_items: &Value, prefix: &str, table: &[(&str, [u8; 8])]) {
    let items = idl_items.as_array().unwrap();
    assert_eq!(
        items.len(),
        table.len(),
        "{prefix}: IDL and program list different items"
    );
    for (name, bytes) in table {
        assert_eq!(
            *bytes,
            sighash(prefix, name),
            "{prefix}:{name} constant is not its sighash"
        );
        let item = items
            .iter()
            .find(|i| i["name"] == *name)
            .unwrap_or_else(|| {
                panic!("{prefix}:{name} missing from the IDL");
            });
        assert_eq!(
            disc_of(item),
            *bytes,
            "{prefix}:{name} discriminator differs in the IDL"
        );
    }
}

#[test]
fn discriminators_match_the_idl() {
    let idl = idl();
    check_table(&idl["instructions"], "global", discriminator::ix::ALL);
    check_table(&idl["accounts"], "account", discriminator::account::ALL);
    check_table(&idl["events"], "event", discriminator::event::ALL);
}

#[test]
fn errors_match_the_idl() {
    let idl = idl();
    let errors = idl["errors"].as_array().unwrap();
    assert_eq!(errors.len(), AmplifyError::ALL.len());
    for (e, v) in AmplifyError::ALL.iter().zip(errors) {
        assert_eq!(v["code"].as_u64().unwrap(), *e as u64);
        assert_eq!(v["name"].as_str().unwrap(), e.name());
        assert_eq!(v["msg"].as_str().unwrap(), e.message());
    }
}

/// Borsh size of an IDL type (fixed-size types only: accounts are fixed-size).
fn type_size(idl: &Value, ty: &Value) -> usize {
    match ty {
        Value::String(s) => match s.as_str() {
            "u8" | "i8" | "bool" => 1,
            "u16" | "i16" => 2,
            "u32" | "i32" => 4,
            "u64" | "i64" => 8,
            "u128" | "i128" => 16,
            "pubkey" => 32,
            other => panic!("variable or unknown type {other} in an account"),
        },
        Value::Object(o) if o.contains_key("array") => {
            let a = o["array"].as_array().unwrap();
            type_size(idl, &a[0]) * a[1].as_u64().unwrap() as usize
        }
        Value::Object(o) if o.contains_key("defined") => {
            let name = o["defined"]["name"].as_str().unwrap();
            fields_of(idl, name).iter().map(|(_, _, s)| s).sum()
        }
        other => panic!("unsupported type {other}"),
    }
}

/// (name, offset after the discriminator, size) for each field of IDL type `name`.
fn fields_of(idl: &Value, name: &str) -> Vec<(String, usize, usize)> {
    let ty = idl["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("type {name} missing from the IDL"));
    let mut at = 0;
    let mut out = Vec::new();
    for f in ty["type"]["fields"].as_array().unwrap() {
        let size = type_size(idl, &f["type"]);
        out.push((f["name"].as_str().unwrap().to_string(), at, size));
        at += size;
    }
    out
}

macro_rules! check_layout {
    ($idl:expr, $ty:ty, $name:literal, [$($field:ident),* $(,)?]) => {{
        let fields = fields_of(&$idl, $name);
        let rust: &[(&str, usize)] = &[$((stringify!($field), offset_of!($ty, $field)),)*];
        let names: Vec<&str> = fields.iter().map(|(n, _, _)| n.as_str()).collect();
        let rust_names: Vec<&str> = rust.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, rust_names, "{}: field list differs from the IDL", $name);
        for ((name, off, _), (_, rust_off)) in fields.iter().zip(rust) {
            assert_eq!(off + 8, *rust_off, "{}.{} offset differs from the IDL", $name, name);
        }
        let total: usize = fields.iter().map(|(_, _, s)| s).sum();
        assert_eq!(total + 8, size_of::<$ty>(), "{}: size differs from the IDL", $name);
    }};
}

#[test]
fn account_layouts_match_the_idl() {
    let idl = idl();
    check_layout!(
        idl,
        state::Config,
        "Config",
        [
            version,
            bump,
            treasury_bump,
            paused,
            fee_bps,
            quorum_bps,
            admin,
            amp_mint,
            voting_period_secs,
            batch_count,
            reserved,
        ]
    );
    check_layout!(
        idl,
        state::Treasury,
        "Treasury",
        [version, bump, _pad, total_collected, reserved,]
    );
}
