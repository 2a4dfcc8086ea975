//! The generated argument parsers (`generated::instructions::*Args::parse`)
//! against an independent oracle: a strict borsh reader interpreting the IDL.
//! The first byte picks the instruction, the rest is its argument data. A
//! parser must never panic, and must accept exactly the data the IDL
//! describes (no trailing bytes, bools 0/1, UTF-8 strings, enum tags in range,
//! vector lengths backed by data).
#![no_main]

use amplify::generated::instructions::*;
use amplify_fuzz::{instructions, valid_fields};
use libfuzzer_sys::fuzz_target;

fn parses(name: &str, data: &[u8]) -> bool {
    macro_rules! parsers {
        ($($name:literal => $args:ident),* $(,)?) => {
            match name {
                $($name => $args::parse(data).is_ok(),)*
                other => panic!("the IDL's instruction {other} has no generated parser"),
            }
        };
    }
    parsers!(
        "initialize" => InitializeArgs,
        "set_paused" => SetPausedArgs,
        "set_reputation_params" => SetReputationParamsArgs,
        "register_worker" => RegisterWorkerArgs,
        "register_requester" => RegisterRequesterArgs,
        "create_batch" => CreateBatchArgs,
        "grow_roster" => GrowRosterArgs,
        "init_table" => InitTableArgs,
        "add_tasks" => AddTasksArgs,
        "set_batch_paused" => SetBatchPausedArgs,
        "accept_tasks" => AcceptTasksArgs,
        "submit_results" => SubmitResultsArgs,
        "deliver_keys" => DeliverKeysArgs,
        "release_expired" => ReleaseExpiredArgs,
        "rate_assignments" => RateAssignmentsArgs,
        "cancel_batch" => CancelBatchArgs,
        "sweep_fees" => SweepFeesArgs,
        "close_batch" => CloseBatchArgs,
        "initialize_governance" => InitializeGovernanceArgs,
        "stake" => StakeArgs,
        "unstake" => UnstakeArgs,
        "claim" => ClaimArgs,
        "create_proposal" => CreateProposalArgs,
        "cast_vote" => CastVoteArgs,
        "execute_proposal" => ExecuteProposalArgs,
        "claim_emissions" => ClaimEmissionsArgs,
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, args)) = data.split_first() else {
        return;
    };
    let ixs = instructions();
    let (name, fields) = &ixs[pick as usize % ixs.len()];
    let program = parses(name, args);
    let idl = valid_fields(fields, args);
    assert_eq!(
        program,
        idl,
        "{name}: the program {} data the IDL {} ({} bytes: {:02x?})",
        if program { "accepts" } else { "refuses" },
        if idl {
            "describes"
        } else {
            "does not describe"
        },
        args.len(),
        &args[..args.len().min(64)],
    );
});
