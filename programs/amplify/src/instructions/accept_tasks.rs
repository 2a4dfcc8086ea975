//! `accept_tasks(items)`: reserve one slot of each listed item for the signing
//! worker, in the batch's task table (requester-paid: the worker creates no
//! account), and take the batch's bond per reservation from the worker.
//!
//! Worker-level rules fail the whole instruction: protocol or batch paused,
//! batch cancelled or expired, rating below the minimum, a registered key no
//! item key can be sealed to (encrypted batch: a profile from before
//! `register_worker` checked keys), roster full with no free place, an item
//! that does not exist or is in another table. Item-level rules skip the item
//! and report it in `TasksAccepted.refused` with the error code: the item is
//! full (`ItemFull`), the worker already holds it (`AlreadyAccepted`), or the
//! worker reached the batch's cap (`WorkerCapReached`) or active limit
//! (`ActiveLimitReached`). So a bulk accept racing other workers for the same
//! items takes what is left instead of failing whole.
//!
//! A worker joins the roster with its first accepted item: at the next place,
//! or, when the roster is full, at the place of the first worker that holds
//! nothing (no reservation, no work awaiting a rating), which is announced by
//! `RosterPlaceReused`.
//!
//! A batch that requires skills (`require_skills`) is accepted through
//! `accept_skilled_tasks`, which checks the worker's proofs and then runs
//! this same acceptance.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        events::{RosterPlaceReused, TasksAccepted},
        instructions::{AcceptTasksAccounts, AcceptTasksArgs},
    },
    shared::{accounts::clock_unix_timestamp, lamports, math, outcomes::Outcomes, x25519},
    state::{
        self,
        batch::{STATUS_CANCELLED, STATUS_PAUSED},
        BatchView, Config, TableView, WorkerProfile,
    },
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: AcceptTasksAccounts, args: AcceptTasksArgs, _: &[AccountView]) -> ProgramResult {
    let now = clock_unix_timestamp(&a.clock)?;
    let a = Accepting {
        worker: a.worker,
        config: a.config,
        profile: a.profile,
        batch: a.batch,
        table: a.table,
        system_program: a.system_program,
        now,
        proven: false,
    };
    accept(a, args)
}

/// The accounts the acceptance uses (`accept_tasks`' but the clock, which
/// `accept_skilled_tasks` does not take: its proofs need the room), the unix
/// time, and `proven`: the worker's skills were checked against the batch's
/// requirement (accept_skilled_tasks). (In one struct: BPF passes at most
/// five arguments in registers.)
pub struct Accepting {
    pub worker: AccountView,
    pub config: AccountView,
    pub profile: AccountView,
    pub batch: AccountView,
    pub table: AccountView,
    pub system_program: AccountView,
    pub now: i64,
    pub proven: bool,
}

/// The acceptance itself. Without `proven`, a batch that requires skills
/// refuses: `accept_tasks` carries no proofs.
#[inline(never)]
pub fn accept(a: Accepting, args: AcceptTasksArgs) -> ProgramResult {
    let (now, proven) = (a.now, a.proven);
    if args.items.is_empty() {
        return Err(AmplifyError::EmptyTaskList.into());
    }
    if Config::view(&state::borrow(&a.config)?)?.paused != 0 {
        return Err(AmplifyError::ProtocolPaused.into());
    }
    // Borrowed until the batch says whether the worker's key matters.
    let pdata = state::borrow(&a.profile)?;
    let prof = WorkerProfile::view(&pdata)?;
    if !address_eq(&prof.worker, a.worker.address()) {
        return Err(AmplifyError::WrongWorker.into());
    }

    let (mut batch, mut table) = (a.batch, a.table);
    let mut bdata = state::borrow_mut(&mut batch)?;
    let mut v = BatchView::new(&mut bdata)?;
    match v.b.status {
        STATUS_CANCELLED => return Err(AmplifyError::BatchCancelled.into()),
        STATUS_PAUSED => return Err(AmplifyError::BatchPaused.into()),
        _ => {}
    }
    if now >= v.b.expires_at() {
        return Err(AmplifyError::BatchExpired.into());
    }
    if v.b.skill_count != 0 && !proven {
        return Err(AmplifyError::SkillProofRequired.into());
    }
    if prof.rating() < v.b.min_rating() {
        return Err(AmplifyError::RatingTooLow.into());
    }
    // No key could ever reach it: its reservations would hold items nobody
    // can work on (and, undelivered, lapse without forfeit).
    if v.b.encrypted != 0 && !x25519::sealable(&prof.encryption_key) {
        return Err(AmplifyError::InvalidEncryptionKey.into());
    }
    drop(pdata);
    let mut tdata = state::borrow_mut(&mut table)?;
    let mut t = TableView::new(&mut tdata)?;
    if !t.belongs_to(a.batch.address(), v.b.batch_number()) {
        return Err(AmplifyError::WrongTable.into());
    }

    // A worker joins the roster with its first accepted item (a request whose
    // items are all refused must not take a roster place): at the next place,
    // or at a free one (below `roster_len`) when the roster is full.
    let (idx, joins) = match v.find(a.worker.address())? {
        Ok(idx) => (idx, None),
        Err(at) if v.b.roster_len() < v.b.roster_capacity() => (v.b.roster_len(), Some(at)),
        Err(at) => (v.free_place().ok_or(AmplifyError::RosterFull)?, Some(at)),
    };
    let holder = math::inc_u16(idx, 1)?;
    let tick = v.b.deadline_tick(now)?;
    let (cap, max_active, item_count) = (v.b.per_worker_cap(), v.b.max_active(), v.b.item_count());
    let (mut taken, mut active) = match joins {
        None => {
            let entry = v.entry(idx)?;
            (entry.taken(), entry.active())
        }
        Some(_) => (0, 0),
    };

    let mut arena = Arena::new();
    let mut out = Outcomes::new(&mut arena, args.items.len())?;
    out.run(&mut t, item_count, args.items, |_, slots| {
        let mut open = None;
        let mut held = false;
        // On a reused place the previous worker's completed slots name it too:
        // the new worker cannot take those items (AlreadyAccepted).
        for (k, s) in slots.iter().enumerate() {
            let h = s.holder();
            if h == holder {
                held = true;
                break;
            }
            if s.is_open() && open.is_none() {
                open = Some(k);
            }
        }
        // The item's own state decides first; the worker's limits only when
        // the item could otherwise be taken.
        Ok(match (held, open) {
            (true, _) => Err(AmplifyError::AlreadyAccepted),
            (false, None) if slots.iter().any(|s| s.is_settled()) => Err(AmplifyError::ItemSettled),
            (false, None) => Err(AmplifyError::ItemFull),
            _ if cap != 0 && taken >= cap => Err(AmplifyError::WorkerCapReached),
            _ if active >= max_active => Err(AmplifyError::ActiveLimitReached),
            (false, Some(k)) => {
                if let Some(s) = slots.get_mut(k) {
                    s.set_worker(holder);
                    s.set_tick(tick);
                }
                taken = math::inc_u32(taken, 1)?;
                active = math::inc_u16(active, 1)?;
                Ok(())
            }
        })
    })?;
    let na = out.count();
    if na > 0 {
        match joins {
            None => {}
            Some(at) if idx == v.b.roster_len() => {
                v.add(a.worker.address(), at)?;
            }
            Some(at) => take_place(&mut v, &(idx, at), &a, &mut arena)?,
        }
        let entry = v.entry(idx)?;
        entry.set_taken(taken);
        entry.set_active(active);
    }
    v.b.set_reserved_count(math::add(v.b.reserved_count(), na as u64)?);
    let bonds = math::mul(v.b.bond(), na as u64)?;
    t.invariant()?;
    // The bond transfer below is this instruction's last step: the batch must
    // cover what it owes once it has arrived.
    v.b.invariant(math::add(a.batch.lamports(), bonds)?, a.batch.data_len())?;
    TasksAccepted {
        batch: a.batch.address(),
        worker: a.worker.address(),
        deadline: v.b.tick_time(tick)?,
        accepted: out.done()?,
        refused: out.refused()?,
    }
    .emit(&mut arena)?;
    drop(tdata);
    drop(bdata);
    lamports::pay(&a.worker, &a.batch, bonds)
}

/// Give the free place `idx` to the signing worker (at `at` of `order`) and
/// announce it. Kept out of `process`: a newcomer to a full roster is rare,
/// and this code inlined there cost every acceptance compute units per item.
/// (BPF passes at most five arguments in registers: `idx` and `at` travel as one.)
#[inline(never)]
fn take_place(
    v: &mut BatchView,
    &(idx, at): &(u16, usize),
    a: &Accepting,
    arena: &mut Arena,
) -> ProgramResult {
    let previous = v.replace(idx, a.worker.address(), at)?;
    RosterPlaceReused {
        batch: a.batch.address(),
        index: idx,
        previous: &previous,
        worker: a.worker.address(),
    }
    .emit(arena)
}
