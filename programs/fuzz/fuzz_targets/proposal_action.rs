//! `ProposalAction::parse` (the enum a proposal stores and `execute_proposal`
//! re-parses from its zero-padded 128 bytes): never panics, accepts exactly
//! what the IDL describes, and re-encodes to the bytes it consumed.
#![no_main]

use amplify::codec::args::Args;
use amplify::generated::layouts::ProposalAction;
use amplify_fuzz::{idl, value_len};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fn encode(a: &ProposalAction) -> Vec<u8> {
    fn raw<T>(v: &T) -> &[u8] {
        // SAFETY: the pod parameter structs are alignment-1 byte arrays.
        unsafe { std::slice::from_raw_parts(v as *const T as *const u8, std::mem::size_of::<T>()) }
    }
    let mut out = Vec::new();
    match a {
        ProposalAction::SetFee { fee_bps } => {
            out.push(0);
            out.extend(fee_bps.to_le_bytes());
        }
        ProposalAction::SetReputationParams { params } => {
            out.push(1);
            out.extend(raw(params));
        }
        ProposalAction::SetGovernanceParams { params } => {
            out.push(2);
            out.extend(raw(params));
        }
        ProposalAction::SetEmission { params } => {
            out.push(3);
            out.extend(raw(params));
        }
        ProposalAction::SetPaused { paused } => out.extend([4, *paused as u8]),
        ProposalAction::Spend {
            recipient,
            lamports,
        } => {
            out.push(5);
            out.extend(recipient.as_array());
            out.extend(lamports.to_le_bytes());
        }
        ProposalAction::UpgradeProgram { buffer, spill } => {
            out.push(6);
            out.extend(buffer.as_array());
            out.extend(spill.as_array());
        }
        ProposalAction::SetUpgradeAuthority { new_authority } => {
            out.push(7);
            out.extend(new_authority.as_array());
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let _ = idl();
    let ty = json!({"defined": {"name": "ProposalAction"}});
    let mut args = Args::new(data);
    let parsed = args.encoded(ProposalAction::parse);
    match (parsed, value_len(&ty, data)) {
        (Ok(e), Some(n)) => {
            assert_eq!(
                e.raw,
                &data[..n],
                "consumed other bytes than the IDL's value"
            );
            assert_eq!(encode(&e.value), e.raw, "does not re-encode to its bytes");
            // Checking an action never panics, whatever it holds.
            let _ = e.value.validate();
        }
        (Err(_), None) => {}
        (got, want) => panic!(
            "program {} / IDL {:?} for {:02x?}",
            if got.is_ok() { "accepts" } else { "refuses" },
            want,
            &data[..data.len().min(80)]
        ),
    }
});
