//! `WorkerProfile`, PDA `["worker", worker]`, and `RequesterProfile`, PDA
//! `["requester", requester]`: the two sides of a rating (the formula is in
//! `state::reputation`).

use crate::{
    error::AmplifyError,
    generated::layouts::{RequesterProfile, WorkerProfile},
    shared::math,
    state::reputation::MAX_SCORE,
};
use pinocchio::error::ProgramError;

pub const WORKER_PROFILE_VERSION: u8 = 2;
pub const REQUESTER_PROFILE_VERSION: u8 = 1;
/// Ratings are in milli-stars: 1 star = 1,000, 5 stars = 5,000.
pub const MAX_RATING: u16 = MAX_SCORE as u16;

impl WorkerProfile {
    /// A score is 0 (no rating yet) or within 1–5 stars, and the fading sums
    /// hold only ratings of 1–5 stars.
    pub fn invariant(&self) -> Result<(), ProgramError> {
        let rating = self.rating();
        let bad = rating > MAX_RATING
            || (rating != 0 && rating < 1_000)
            || (self.rating_count() == 0) != (rating == 0)
            || self.score_sum() > math::mul(self.weight(), MAX_SCORE)?
            || self.score_sum() < math::mul(self.weight(), 1_000)?
            || self.emission_paid() > self.emission_credit();
        if bad {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}

impl RequesterProfile {
    pub fn invariant(&self) -> Result<(), ProgramError> {
        let bad = self.stars_sum() > math::mul(self.weight(), MAX_SCORE)?
            || self.stars_sum() < math::mul(self.weight(), 1_000)?
            || self.id() == 0;
        if bad {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}
