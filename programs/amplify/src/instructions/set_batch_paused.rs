//! `set_batch_paused(paused)`: the requester stops or resumes acceptances on one
//! batch. Accepted work can still be submitted and is paid.

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::BatchPauseChanged,
        instructions::{SetBatchPausedAccounts, SetBatchPausedArgs},
    },
    state::{
        self,
        batch::{STATUS_CANCELLED, STATUS_OPEN, STATUS_PAUSED},
        BatchView,
    },
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(
    a: SetBatchPausedAccounts,
    args: SetBatchPausedArgs,
    _: &[AccountView],
) -> ProgramResult {
    let mut batch = a.batch;
    let mut bdata = state::borrow_mut(&mut batch)?;
    let b = BatchView::new(&mut bdata)?.b;
    if !address_eq(&b.requester, a.requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    b.status = if args.paused {
        STATUS_PAUSED
    } else {
        STATUS_OPEN
    };
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    BatchPauseChanged {
        batch: a.batch.address(),
        paused: args.paused,
    }
    .emit(&mut Arena::new())
}
