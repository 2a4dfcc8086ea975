//! The rules of each account type: how it is loaded, the arithmetic of what it
//! holds, and its `invariant()`, which every handler checks after mutating it.
//!
//! Account data is borrowed through the runtime's borrow flags (`try_borrow` /
//! `try_borrow_mut`): the same account passed in two roles of one instruction
//! cannot be viewed twice, so aliasing is refused at run time instead of being
//! a rule handlers must remember.

pub mod batch;
pub mod config;
pub mod governance;
pub mod profile;
pub mod reputation;
pub mod skill;
pub mod table;
pub mod treasury;

pub use crate::generated::layouts::{
    Batch, BatchSkills, Config, EmissionParams, Governance, GovernanceParams, Proposal, Rating,
    Refusal, ReputationParams, RequesterProfile, RosterEntry, Skill, Slot, StakeAccount, TaskTable,
    Treasury, VoteRecord, WorkerProfile,
};
pub use batch::BatchView;
pub use table::TableView;

use crate::{codec::layout::Layout, error::AmplifyError, ID};
use pinocchio::{
    account::{Ref, RefMut},
    error::ProgramError,
    AccountView,
};

fn in_use(_: ProgramError) -> ProgramError {
    AmplifyError::DuplicateAccount.into()
}

/// Read-only data of an account this program owns.
#[inline(always)]
pub fn borrow(account: &AccountView) -> Result<Ref<'_, [u8]>, ProgramError> {
    if !account.owned_by(&ID) {
        return Err(AmplifyError::InvalidOwner.into());
    }
    account.try_borrow().map_err(in_use)
}

/// Writable data of an account this program owns (the IDL's writable flag is
/// checked by the generated account checks; this repeats it for accounts that
/// arrive as remaining accounts).
#[inline(always)]
pub fn borrow_mut(account: &mut AccountView) -> Result<RefMut<'_, [u8]>, ProgramError> {
    if !account.owned_by(&ID) {
        return Err(AmplifyError::InvalidOwner.into());
    }
    if !account.is_writable() {
        return Err(AmplifyError::AccountNotWritable.into());
    }
    account.try_borrow_mut().map_err(in_use)
}

/// Read a fixed-layout account (`T` with its discriminator) by value-free view.
#[inline(always)]
pub fn view<T: Layout>(data: &[u8]) -> Result<&T, ProgramError> {
    T::view(data)
}
