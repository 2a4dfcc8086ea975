//! `accept_skilled_tasks(items, proofs)`: `accept_tasks` for a batch that
//! requires skills. For each skill in `batch_skills` (in its order) the
//! worker passes the skill account (remaining accounts) and, in `proofs`, its
//! value, the proof's depth and the sibling nodes (`SKILL_NODE_BYTES` each)
//! from its leaf up to the skill's current root. Any failure fails the whole
//! instruction: a skill gate is all or nothing for the worker, like
//! `min_rating`.
//!
//! Kept apart from `accept_tasks` (rather than adding arguments to it) so that
//! clients built on the released IDL keep accepting ungated batches unchanged.
//! It takes no clock account (the time comes from the syscall, 140 CU): the
//! 32 bytes go to items.

use crate::{
    codec::layout::Layout,
    error::AmplifyError,
    generated::{
        constants::{MAX_SKILL_DEPTH, MAX_SKILL_VALUE},
        instructions::{AcceptSkilledTasksAccounts, AcceptSkilledTasksArgs, AcceptTasksArgs},
    },
    instructions::accept_tasks::{self, Accepting},
    shared::{clock, merkle},
    state::{self, BatchSkills, Skill},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(
    a: AcceptSkilledTasksAccounts,
    args: AcceptSkilledTasksArgs,
    skills: &[AccountView],
) -> ProgramResult {
    check_skills(&a, &(args.proofs, skills))?;
    let now = clock::now()?;
    accept_tasks::accept(
        Accepting {
            worker: a.worker,
            config: a.config,
            profile: a.profile,
            batch: a.batch,
            table: a.table,
            system_program: a.system_program,
            now,
            proven: true,
        },
        AcceptTasksArgs { items: args.items },
    )
}

/// Every required skill proven at or above its minimum, from the skill's
/// current root. `batch_skills` is recognised by owner, discriminator and the
/// batch it names (only `require_skills` writes one, at the batch's PDA); a
/// skill account by its address, which `require_skills` checked was a skill.
/// (BPF passes at most five arguments in registers: the slices travel as one.)
#[inline(never)]
fn check_skills(
    a: &AcceptSkilledTasksAccounts,
    &(proofs, skills): &(&[u8], &[AccountView]),
) -> ProgramResult {
    let rdata = state::borrow(&a.batch_skills)?;
    let req = BatchSkills::view(&rdata)?;
    if !address_eq(&req.batch, a.batch.address()) {
        return Err(AmplifyError::InvalidPda.into());
    }
    let n = req.count as usize;
    if skills.len() < n {
        return Err(AmplifyError::NotEnoughAccounts.into());
    }
    if skills.len() > n {
        return Err(AmplifyError::WrongSkill.into());
    }
    let malformed = || AmplifyError::MalformedSkillProof;
    let worker = a.worker.address().as_array();
    let mut rest = proofs;
    for ((account, required), &minimum) in skills.iter().zip(&req.skills).zip(&req.minimums) {
        if !address_eq(account.address(), required) {
            return Err(AmplifyError::WrongSkill.into());
        }
        let [value, depth, tail @ ..] = rest else {
            return Err(malformed().into());
        };
        let (value, depth) = (*value, *depth);
        if value > MAX_SKILL_VALUE || depth > MAX_SKILL_DEPTH {
            return Err(malformed().into());
        }
        // depth <= MAX_SKILL_DEPTH: the product cannot wrap.
        let (siblings, after) = tail
            .split_at_checked((depth as usize).wrapping_mul(merkle::N))
            .ok_or_else(malformed)?;
        rest = after;
        let sdata = state::borrow(account)?;
        let skill = Skill::view(&sdata).map_err(|_| AmplifyError::WrongSkill)?;
        let leaf = (account.address().as_array(), worker, value);
        if !merkle::proves(leaf, siblings, &skill.root).ok_or_else(malformed)? {
            return Err(AmplifyError::InvalidSkillProof.into());
        }
        if value < minimum {
            return Err(AmplifyError::SkillTooLow.into());
        }
    }
    if !rest.is_empty() {
        return Err(malformed().into());
    }
    Ok(())
}
