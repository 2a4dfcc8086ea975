//! `register_requester()`: create the signer's requester profile, which keeps
//! its rating habits so its ratings are read against its own pattern. Needed
//! once before rating; its id (from the config's counter) is how workers'
//! profiles refer to it.

use crate::{
    codec::layout::Layout,
    error::AmplifyError,
    generated::instructions::{RegisterRequesterAccounts, RegisterRequesterArgs},
    seeds,
    shared::{accounts, create::create_pda, math},
    state::{self, profile::REQUESTER_PROFILE_VERSION, Config, RequesterProfile},
    ID,
};
use pinocchio::{cpi::Seed, AccountView, ProgramResult};

pub fn process(
    a: RegisterRequesterAccounts,
    _: RegisterRequesterArgs,
    _: &[AccountView],
) -> ProgramResult {
    if !accounts::uninitialized(&a.profile) {
        return Err(AmplifyError::AlreadyExists.into());
    }
    let requester = a.requester.address().as_array();
    let bump = accounts::canonical_pda(&a.profile, &[seeds::REQUESTER, requester], &ID)?;
    let mut config = a.config;
    let id = {
        let mut cdata = state::borrow_mut(&mut config)?;
        let c = Config::view_mut(&mut cdata)?;
        let next = math::add(c.requester_count(), 1)?;
        c.set_requester_count(next);
        c.invariant()?;
        u32::try_from(next).map_err(|_| AmplifyError::ArithmeticOverflow)?
    };
    let bump_seed = [bump];
    create_pda(
        &a.requester,
        &a.profile,
        RequesterProfile::LEN,
        &ID,
        &[
            Seed::from(seeds::REQUESTER),
            Seed::from(requester),
            Seed::from(&bump_seed),
        ],
    )?;
    let mut profile = a.profile;
    let mut data = state::borrow_mut(&mut profile)?;
    let p = RequesterProfile::init(&mut data)?;
    p.version = REQUESTER_PROFILE_VERSION;
    p.bump = bump;
    p.set_id(id);
    p.requester = *a.requester.address();
    p.invariant()
}
