//! `require_skills(minimums)`: the batch's requester requires up to
//! `MAX_BATCH_SKILLS` skills of every worker that accepts from then on, each
//! at a minimum value. The skill accounts follow as remaining accounts; any
//! issuer's skill will do, so one requester can build on another's vetting.
//! Empty `minimums` lift the requirement.
//!
//! The requirement lives in its own PDA (`batch_skills`): three skill
//! addresses do not fit the batch's 64 reserved bytes, and a new field would
//! move the batch's roster. The batch keeps only `skill_count`, so
//! `accept_tasks` refuses a gated batch without reading anything more.

use crate::{
    codec::{layout::Layout, log::Arena},
    error::AmplifyError,
    generated::{
        constants::{MAX_BATCH_SKILLS, MAX_SKILL_VALUE},
        events::SkillsRequired,
        instructions::{RequireSkillsAccounts, RequireSkillsArgs},
    },
    seeds,
    shared::{accounts, create::create_pda},
    state::{
        self, batch::STATUS_CANCELLED, skill::BATCH_SKILLS_VERSION, BatchSkills, BatchView, Skill,
    },
    ID,
};
use pinocchio::{address::address_eq, cpi::Seed, AccountView, Address, ProgramResult};

pub fn process(
    a: RequireSkillsAccounts,
    args: RequireSkillsArgs,
    skills: &[AccountView],
) -> ProgramResult {
    let mins = args.minimums;
    let bad = || AmplifyError::InvalidSkillRequirement;
    if mins.len() > MAX_BATCH_SKILLS as usize || mins.len() != skills.len() {
        return Err(bad().into());
    }
    let mut required = [Address::new_from_array([0; 32]); MAX_BATCH_SKILLS as usize];
    for (i, (account, &min)) in skills.iter().zip(mins).enumerate() {
        if min == 0 || min > MAX_SKILL_VALUE {
            return Err(bad().into());
        }
        // The length check above keeps `i` below MAX_BATCH_SKILLS; `get`
        // rather than indexing keeps a panic off this input path anyway.
        let seen = required.get(..i).ok_or_else(bad)?;
        if seen.iter().any(|s| address_eq(s, account.address())) {
            return Err(bad().into());
        }
        let data = state::borrow(account).map_err(|_| AmplifyError::WrongSkill)?;
        Skill::view(&data).map_err(|_| AmplifyError::WrongSkill)?;
        *required.get_mut(i).ok_or_else(bad)? = *account.address();
    }

    let mut batch = a.batch;
    let mut bdata = state::borrow_mut(&mut batch)?;
    let b = BatchView::new(&mut bdata)?.b;
    if !address_eq(&b.requester, a.requester.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    if b.status == STATUS_CANCELLED {
        return Err(AmplifyError::BatchCancelled.into());
    }
    let n = mins.len() as u8;
    if accounts::uninitialized(&a.batch_skills) {
        if n == 0 {
            // Nothing to lift: no account to pay rent for.
            return Ok(());
        }
        let key = a.batch.address().as_array();
        let bump = accounts::canonical_pda(&a.batch_skills, &[seeds::BATCH_SKILLS, key], &ID)?;
        create_pda(
            &a.requester,
            &a.batch_skills,
            BatchSkills::LEN,
            &ID,
            &[
                Seed::from(seeds::BATCH_SKILLS),
                Seed::from(key),
                Seed::from(&[bump]),
            ],
        )?;
        let mut bs = a.batch_skills;
        let mut data = state::borrow_mut(&mut bs)?;
        let r = BatchSkills::init(&mut data)?;
        r.version = BATCH_SKILLS_VERSION;
        r.bump = bump;
        r.batch = *a.batch.address();
    }
    let mut bs = a.batch_skills;
    let mut data = state::borrow_mut(&mut bs)?;
    let r = BatchSkills::view_mut(&mut data)?;
    if !address_eq(&r.batch, a.batch.address()) {
        return Err(AmplifyError::InvalidPda.into());
    }
    r.count = n;
    r.skills = required;
    r.minimums = [0; MAX_BATCH_SKILLS as usize];
    r.minimums
        .get_mut(..mins.len())
        .ok_or_else(bad)?
        .copy_from_slice(mins);
    r.invariant()?;
    b.skill_count = n;
    b.invariant(a.batch.lamports(), a.batch.data_len())?;
    SkillsRequired {
        batch: a.batch.address(),
        count: n,
    }
    .emit(&mut Arena::new())
}
