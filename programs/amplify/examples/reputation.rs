//! Run the program's reputation formula (the same code the chain runs) over
//! rating histories read as JSON from stdin, for the SDK's bit-exactness tests:
//!
//! `{"params": {...}, "workers": n, "requesters": m,
//!   "ratings": [[worker, requester, stars, fee], ...]}`
//! → `[[adjusted, weight, rating], ...]` on stdout.
#![allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]

use amplify::codec::layout::Layout;
use amplify::state::{reputation, ReputationParams, RequesterProfile, WorkerProfile};
use serde_json::Value;
use std::io::Read;

fn params(v: &Value) -> ReputationParams {
    let mut raw = vec![0u8; core::mem::size_of::<ReputationParams>()];
    raw[0..2].copy_from_slice(&(v["prior_mean"].as_u64().unwrap() as u16).to_le_bytes());
    raw[2..4].copy_from_slice(&(v["neutral"].as_u64().unwrap() as u16).to_le_bytes());
    raw[4] = v["distinct_cap"].as_u64().unwrap() as u8;
    let words = [
        "prior_weight",
        "horizon",
        "requester_horizon",
        "max_weight_per_rating",
        "max_weight_per_requester",
        "qualifying_weight",
    ];
    for (i, name) in words.iter().enumerate() {
        let at = 8 + 8 * i;
        raw[at..at + 8].copy_from_slice(&v[*name].as_u64().unwrap().to_le_bytes());
    }
    use amplify::codec::layout::Pod;
    ReputationParams::slice(&raw)[0]
}

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let v: Value = serde_json::from_str(&input).unwrap();
    let p = params(&v["params"]);
    p.validate().unwrap();
    let n = v["workers"].as_u64().unwrap() as usize;
    let m = v["requesters"].as_u64().unwrap() as usize;
    let mut workers: Vec<Vec<u8>> = vec![vec![0u8; WorkerProfile::LEN]; n];
    let mut requesters: Vec<Vec<u8>> = vec![vec![0u8; RequesterProfile::LEN]; m];
    for w in workers.iter_mut() {
        WorkerProfile::init(w).unwrap();
    }
    for (i, r) in requesters.iter_mut().enumerate() {
        RequesterProfile::init(r).unwrap().set_id(i as u32 + 1);
    }
    let mut out = Vec::new();
    for r in v["ratings"].as_array().unwrap() {
        let r = r.as_array().unwrap();
        let (wi, ri) = (
            r[0].as_u64().unwrap() as usize,
            r[1].as_u64().unwrap() as usize,
        );
        let stars = r[2].as_u64().unwrap() as u8;
        let fee = r[3].as_u64().unwrap();
        let wp = WorkerProfile::view_mut(&mut workers[wi]).unwrap();
        let rp = RequesterProfile::view_mut(&mut requesters[ri]).unwrap();
        let a = reputation::apply(&p, wp, rp, stars, fee).unwrap();
        wp.invariant().unwrap();
        out.push(serde_json::json!([a.adjusted, a.weight, a.rating]));
    }
    println!("{}", Value::Array(out));
}
