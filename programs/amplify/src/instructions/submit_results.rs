//! `submit_results(items, answers, result_uri)`: deliver results for items the
//! signing worker holds and be paid at once from escrow — no requester veto.
//!
//! Each item pays `price − fee_per_item` plus the worker's bond back; the fee
//! stays in the batch until `sweep_fees` moves it to the treasury, so payouts
//! never write a shared account. A submission counts as long as the
//! reservation stands, even past its deadline or after the batch was paused or
//! cancelled: accepted work is paid. An item the worker does not hold reserved
//! (or, in an encrypted batch, whose key it has not received) is skipped and
//! reported in `ResultsSubmitted.refused`, so a bulk submit is not lost to one
//! reservation released a moment earlier.

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::ResultsSubmitted,
        instructions::{SubmitResultsAccounts, SubmitResultsArgs},
    },
    shared::{lamports, math, outcomes::Outcomes},
    state::{self, table::reservation, BatchView, TableView},
};
use pinocchio::{AccountView, ProgramResult};

use crate::generated::constants::{MAX_ANSWER, MAX_RESULT_URI_LEN};

pub fn process(
    a: SubmitResultsAccounts,
    args: SubmitResultsArgs,
    _: &[AccountView],
) -> ProgramResult {
    let n = args.items.len();
    if n == 0 {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    let width = args
        .answers
        .len()
        .checked_div(n)
        .filter(|w| {
            (1..=MAX_ANSWER as usize).contains(w) && args.answers.len().checked_rem(n) == Some(0)
        })
        .ok_or(AmplifyError::InvalidAnswers)?;
    if args.result_uri.len() > MAX_RESULT_URI_LEN as usize {
        return Err(AmplifyError::ResultUriTooLong.into());
    }

    let (mut batch, mut table) = (a.batch, a.table);
    let mut bdata = state::borrow_mut(&mut batch)?;
    let mut v = BatchView::new(&mut bdata)?;
    let mut tdata = state::borrow_mut(&mut table)?;
    let mut t = TableView::new(&mut tdata)?;
    if !t.belongs_to(a.batch.address(), v.b.batch_number()) {
        return Err(AmplifyError::WrongTable.into());
    }
    let idx = v
        .find(a.worker.address())?
        .map_err(|_| AmplifyError::NotInRoster)?;
    let holder = math::inc_u16(idx, 1)?;
    let (encrypted, item_count) = (v.b.encrypted != 0, v.b.item_count());

    let mut arena = Arena::new();
    let answers = arena.bytes(args.answers.len())?;
    let mut out = Outcomes::new(&mut arena, n)?;
    out.run(&mut t, item_count, args.items, |at, slots| {
        Ok(match reservation(slots, holder) {
            None => Err(AmplifyError::NotReserved),
            Some(s) if encrypted && !s.flag() => Err(AmplifyError::KeyNotDelivered),
            Some(s) => {
                // Both positions < items (< 1,232 bytes of data) and width <= 64.
                let from = at.request.wrapping_mul(width);
                let to = at.done.wrapping_mul(width);
                let answer: &[u8] = args
                    .answers
                    .get(from..from.saturating_add(width))
                    .map_or(&[], |a| a);
                // Completed, its answer kept in the slot; the flag now means
                // "rated", not yet.
                s.complete(answer);
                if let Some(dst) = answers.get_mut(to..to.saturating_add(width)) {
                    dst.copy_from_slice(answer);
                }
                Ok(())
            }
        })
    })?;
    let np = out.count();

    let count = np as u64;
    let done = u16::try_from(np).map_err(|_| AmplifyError::ArithmeticOverflow)?;
    // Paid work keeps the worker's roster place until it is rated.
    v.entry(idx)?.complete(done)?;
    let b = v.b;
    b.set_reserved_count(math::sub(b.reserved_count(), count)?);
    b.set_completed_count(math::add(b.completed_count(), count)?);
    let fee = math::mul(b.fee_per_item(), count)?;
    let net = math::mul(math::sub(b.price(), b.fee_per_item())?, count)?;
    let bonds = math::mul(b.bond(), count)?;
    lamports::transfer(&a.batch, &a.worker, math::add(net, bonds)?)?;
    t.invariant()?;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    ResultsSubmitted {
        batch: a.batch.address(),
        worker: a.worker.address(),
        paid: net,
        fee,
        bond: bonds,
        items: out.done()?,
        answers: math::prefix(
            answers,
            np.checked_mul(width)
                .ok_or(AmplifyError::ArithmeticOverflow)?,
        )?,
        result_uri: args.result_uri.as_bytes(),
        refused: out.refused()?,
    }
    .emit(&mut arena)
}
