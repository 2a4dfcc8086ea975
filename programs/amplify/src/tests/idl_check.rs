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

/// (name, offset after the discriminator, size) for each fixed-size field of IDL
/// type `name`. Trailing variable-size fields (string, bytes, vec) are left out;
/// a fixed field after a variable one is an error.
fn fields_of(idl: &Value, name: &str) -> Vec<(String, usize, usize)> {
    let ty = idl["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("type {name} missing from the IDL"));
    let mut at = 0;
    let mut out = Vec::new();
    let fields = ty["type"]["fields"].as_array().unwrap();
    let variable = |t: &Value| t == "string" || t == "bytes" || t.get("vec").is_some();
    for (i, f) in fields.iter().enumerate() {
        if variable(&f["type"]) {
            // The variable tail of an account (Batch.base_uri, Ledger.bitmap and
            // slots) follows the fixed part that the Rust struct describes.
            let tail_ok = fields[i..].iter().all(|f| variable(&f["type"]));
            assert!(tail_ok, "{name}: a fixed field follows a variable one");
            break;
        }
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
#[rustfmt::skip]
fn account_layouts_match_the_idl() {
    let idl = idl();
    check_layout!(idl, state::Config, "Config", [
        version, bump, treasury_bump, paused, fee_bps, quorum_bps, admin, amp_mint,
        voting_period_secs, batch_count, reserved,
    ]);
    check_layout!(idl, state::Treasury, "Treasury", [
        version, bump, _pad, total_collected, reserved,
    ]);
    check_layout!(idl, state::WorkerProfile, "WorkerProfile", [
        version, bump, rating, rating_count, worker, encryption_key, rating_sum,
        registered_at, reserved,
    ]);
    check_layout!(idl, state::Batch, "Batch", [
        version, bump, status, encrypted, redundancy, _pad0, fee_bps, min_rating,
        per_worker_cap, reservation_secs, requester, batch_id, batch_number, price,
        fee_per_item, created_at, expires_at, item_count, reserved_count, completed_count,
        cancelled_slots, fees_swept, refunded_total, page_count, _pad1, instructions_hash,
        reserved,
    ]);
    check_layout!(idl, state::ItemPage, "ItemPage", [
        version, bump, _pad0, page_index, batch, count, _pad1, items,
    ]);
    check_layout!(idl, state::LedgerHeader, "Ledger", [
        version, _pad0, taken, capacity, bitmap_bytes, active, _pad1, batch, worker,
        rent_payer, batch_number, reserved,
    ]);
    check_embedded(&idl, "ItemRecord", size_of::<state::ItemRecord>(), &[
        ("content_hash", offset_of!(state::ItemRecord, content_hash)),
        ("reserved", offset_of!(state::ItemRecord, reserved)),
        ("completed", offset_of!(state::ItemRecord, completed)),
    ]);
    check_embedded(&idl, "Slot", size_of::<state::Slot>(), &[
        ("item_index", offset_of!(state::Slot, item_index)),
        ("status", offset_of!(state::Slot, status)),
        ("rating", offset_of!(state::Slot, rating)),
        ("key_delivered", offset_of!(state::Slot, key_delivered)),
        ("_pad", offset_of!(state::Slot, _pad)),
        ("deadline", offset_of!(state::Slot, deadline)),
        ("result_hash", offset_of!(state::Slot, result_hash)),
        ("sealed_key", offset_of!(state::Slot, sealed_key)),
    ]);
}

/// A type embedded in an account (no discriminator): field names, offsets, size.
fn check_embedded(idl: &Value, name: &str, size: usize, rust: &[(&str, usize)]) {
    let fields = fields_of(idl, name);
    let idl_fields: Vec<(&str, usize)> = fields.iter().map(|(n, o, _)| (n.as_str(), *o)).collect();
    assert_eq!(idl_fields, rust, "{name}: fields differ from the IDL");
    assert_eq!(
        fields.iter().map(|(_, _, s)| s).sum::<usize>(),
        size,
        "{name}: size differs"
    );
}
