//! One module per instruction, named as in the IDL.

pub mod accept_task;
pub mod add_tasks;
pub mod cancel_batch;
pub mod close_batch;
pub mod close_ledger;
pub mod close_page;
pub mod create_batch;
pub mod create_page;
pub mod grow_ledger;
pub mod initialize;
pub mod open_ledger;
pub mod rate_assignment;
pub mod register_worker;
pub mod release_expired;
pub mod set_batch_paused;
pub mod set_paused;
pub mod submit_result;
pub mod sweep_fees;
