//! `set_skill(root, worker_count, leaves_hash, leaves_uri)`: the skill's
//! authority publishes a new set of values. Raising, lowering, granting and
//! revoking are all a new root: a proof against any earlier root stops
//! passing in the same slot, and `epoch` counts the roots set.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        constants::MAX_SKILL_URI_LEN,
        events::SkillSet,
        instructions::{SetSkillAccounts, SetSkillArgs},
    },
    shared::{clock, math},
    state::{self, Skill},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(a: SetSkillAccounts, args: SetSkillArgs, _: &[AccountView]) -> ProgramResult {
    let uri = args.leaves_uri.as_bytes();
    if uri.len() > MAX_SKILL_URI_LEN as usize {
        return Err(AmplifyError::UriTooLong.into());
    }
    // A zero root is "nobody": it must not claim workers (nor the reverse),
    // or readers of worker_count would be misled.
    if (*args.root == [0; 20]) != (args.worker_count == 0) {
        return Err(AmplifyError::InvalidParams.into());
    }
    let now = clock::now()?;
    let mut skill = a.skill;
    let mut data = state::borrow_mut(&mut skill)?;
    let s = Skill::view_mut(&mut data)?;
    if !address_eq(&s.authority, a.authority.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    let epoch = math::add(s.epoch(), 1)?;
    s.root = *args.root;
    s.set_worker_count(args.worker_count);
    s.leaves_hash = *args.leaves_hash;
    s.leaves_uri = [0; MAX_SKILL_URI_LEN as usize];
    if let Some(dst) = s.leaves_uri.get_mut(..uri.len()) {
        dst.copy_from_slice(uri);
    }
    s.leaves_uri_len = uri.len() as u8;
    s.set_epoch(epoch);
    s.set_updated_at(now);
    s.invariant()?;
    SkillSet {
        skill: a.skill.address(),
        epoch,
        root: args.root,
        worker_count: args.worker_count,
    }
    .emit(&mut Arena::new())
}
