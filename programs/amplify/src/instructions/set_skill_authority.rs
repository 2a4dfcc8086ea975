//! `set_skill_authority(new_authority)`: the skill's authority hands it on
//! (to an agency's key, a multisig, a program). The issuer stays in the
//! skill's address: batches that require it keep requiring the same skill.

use crate::{
    codec::layout::Layout,
    error::AmplifyError,
    generated::instructions::{SetSkillAuthorityAccounts, SetSkillAuthorityArgs},
    state::{self, Skill},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(
    a: SetSkillAuthorityAccounts,
    args: SetSkillAuthorityArgs,
    _: &[AccountView],
) -> ProgramResult {
    let mut skill = a.skill;
    let mut data = state::borrow_mut(&mut skill)?;
    let s = Skill::view_mut(&mut data)?;
    if !address_eq(&s.authority, a.authority.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    s.authority = args.new_authority;
    s.invariant()
}
