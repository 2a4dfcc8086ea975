//! `set_reputation_params(params)`: the admin (later: a passed governance
//! proposal) changes the reputation formula's parameters, within the bounds
//! that keep its arithmetic exact (`ReputationParams::validate`).

use crate::{
    codec::layout::Layout,
    error::AmplifyError,
    generated::instructions::{SetReputationParamsAccounts, SetReputationParamsArgs},
    state::{self, Config},
};
use pinocchio::{address::address_eq, AccountView, ProgramResult};

pub fn process(
    a: SetReputationParamsAccounts,
    args: SetReputationParamsArgs,
    _: &[AccountView],
) -> ProgramResult {
    args.params.validate()?;
    let mut config = a.config;
    let mut data = state::borrow_mut(&mut config)?;
    let c = Config::view_mut(&mut data)?;
    if !address_eq(&c.admin, a.admin.address()) {
        return Err(AmplifyError::Unauthorized.into());
    }
    c.reputation = *args.params;
    c.invariant()
}
