//! `create_skill(skill_id, name)`: a skill the signer issues. It starts with
//! no worker holding it (a zero root) and the issuer as its authority.

use crate::{
    codec::layout::Layout,
    error::AmplifyError,
    generated::instructions::{CreateSkillAccounts, CreateSkillArgs},
    seeds,
    shared::{accounts, clock, create::create_pda},
    state::{self, skill::SKILL_VERSION, Skill},
    ID,
};
use pinocchio::{cpi::Seed, AccountView, ProgramResult};

pub fn process(a: CreateSkillAccounts, args: CreateSkillArgs, _: &[AccountView]) -> ProgramResult {
    if !accounts::uninitialized(&a.skill) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let id = args.skill_id.to_le_bytes();
    let issuer = a.issuer.address().as_array();
    let bump = accounts::canonical_pda(&a.skill, &[seeds::SKILL, issuer, &id], &ID)?;
    let bump_seed = [bump];
    create_pda(
        &a.issuer,
        &a.skill,
        Skill::LEN,
        &ID,
        &[
            Seed::from(seeds::SKILL),
            Seed::from(issuer),
            Seed::from(&id),
            Seed::from(&bump_seed),
        ],
    )?;
    let now = clock::now()?;
    let mut skill = a.skill;
    let mut data = state::borrow_mut(&mut skill)?;
    let s = Skill::init(&mut data)?;
    s.version = SKILL_VERSION;
    s.bump = bump;
    s.issuer = *a.issuer.address();
    s.authority = *a.issuer.address();
    s.set_skill_id(args.skill_id);
    s.set_updated_at(now);
    s.name = *args.name;
    s.invariant()
}
