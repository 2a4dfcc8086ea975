//! `deliver_keys(items, sealed_keys)`: the requester (or the key agent it named
//! on the batch) delivers the item keys of a worker's reservations in an
//! encrypted batch.
//!
//! A key is sealed to the worker's X25519 key (a libsodium sealed box: only
//! that worker can open it) and travels in this instruction's data and in the
//! `KeysDelivered` event — chain history, no rent per key. The slot records
//! only that it was delivered (its flag bit): the worker may submit from then
//! on, and a reservation whose key never came is released without counting
//! against the worker. Items not reserved by the worker (`NotReserved`) or
//! already delivered (`KeyAlreadyDelivered`) are skipped and reported.

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::{
        events::KeysDelivered,
        instructions::{DeliverKeysAccounts, DeliverKeysArgs},
    },
    shared::{math, outcomes::Outcomes},
    state::{
        self,
        batch::BatchRef,
        table::{reservation, SLOT_FLAG},
        TableView,
    },
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: DeliverKeysAccounts, args: DeliverKeysArgs, _: &[AccountView]) -> ProgramResult {
    let n = args.items.len();
    if n == 0 {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    if args.sealed_keys.len() != n {
        return Err(AmplifyError::SealedKeyCountMismatch.into());
    }
    let bdata = state::borrow(&a.batch)?;
    let roster = BatchRef::new(&bdata)?;
    let b = roster.b;
    if !address_eq(&b.requester, a.authority.address())
        && !address_eq(&b.key_agent, a.authority.address())
    {
        return Err(AmplifyError::Unauthorized.into());
    }
    if b.encrypted == 0 {
        return Err(AmplifyError::NotEncrypted.into());
    }
    let mut table = a.table;
    let mut tdata = state::borrow_mut(&mut table)?;
    let mut t = TableView::new(&mut tdata)?;
    if !t.belongs_to(a.batch.address(), b.batch_number()) {
        return Err(AmplifyError::WrongTable.into());
    }
    let idx = roster
        .find(a.worker.address())?
        .map_err(|_| AmplifyError::NotInRoster)?;
    let holder = math::inc_u16(idx, 1)?;
    let item_count = b.item_count();

    let mut arena = Arena::new();
    let keys = arena.slice::<[u8; 80]>(n)?;
    let mut out = Outcomes::new(&mut arena, n)?;
    out.run(&mut t, item_count, args.items, |at, slots| {
        Ok(match reservation(slots, holder) {
            None => Err(AmplifyError::NotReserved),
            Some(s) if s.flag() => Err(AmplifyError::KeyAlreadyDelivered),
            Some(s) => {
                s.set_worker(holder | SLOT_FLAG);
                if let (Some(d), Some(k)) =
                    (keys.get_mut(at.done), args.sealed_keys.get(at.request))
                {
                    *d = *k;
                }
                Ok(())
            }
        })
    })?;
    t.invariant()?;
    KeysDelivered {
        batch: a.batch.address(),
        worker: a.worker.address(),
        items: out.done()?,
        sealed_keys: math::prefix(keys, out.count())?,
        refused: out.refused()?,
    }
    .emit(&mut arena)
}
