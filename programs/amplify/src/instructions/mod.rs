//! One module per instruction, named as in the IDL. Each `process` receives the
//! instruction's accounts (already checked against the IDL's signer, writable
//! and address rules by `generated::instructions`) and its parsed arguments.

pub mod accept_tasks;
pub mod add_tasks;
pub mod cancel_batch;
pub mod cast_vote;
pub mod claim;
pub mod claim_emissions;
pub mod close_batch;
pub mod create_batch;
pub mod create_proposal;
pub mod deliver_keys;
pub mod execute_proposal;
pub mod grow_roster;
pub mod init_table;
pub mod initialize;
pub mod initialize_governance;
pub mod rate_assignments;
pub mod register_requester;
pub mod register_worker;
pub mod release_expired;
pub mod set_batch_paused;
pub mod set_paused;
pub mod set_reputation_params;
pub mod stake;
pub mod submit_results;
pub mod sweep_fees;
pub mod unstake;
