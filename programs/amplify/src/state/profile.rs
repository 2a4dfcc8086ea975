//! `WorkerProfile`, PDA `["worker", worker]`.

use crate::{error::AmplifyError, generated::layouts::WorkerProfile, shared::math};
use pinocchio::error::ProgramError;

pub const WORKER_PROFILE_VERSION: u8 = 1;
/// Ratings are stored in milli-stars: 1 star = 1,000, 5 stars = 5,000.
pub const MILLI_STARS_PER_STAR: u64 = 1_000;
pub const MAX_RATING: u16 = 5_000;

impl WorkerProfile {
    /// Record one rating of `stars` (1–5). The score is, for now, the running
    /// mean in milli-stars; the profile keeps sum and count so the full
    /// reputation formula can replace it.
    pub fn add_rating(&mut self, stars: u8) -> Result<u16, ProgramError> {
        let count = math::inc_u32(self.rating_count(), 1)?;
        let sum = math::add(
            self.rating_sum(),
            math::mul(stars as u64, MILLI_STARS_PER_STAR)?,
        )?;
        // count >= 1, and the mean of values <= 5,000 fits in u16.
        let mean = sum
            .checked_div(count as u64)
            .ok_or(AmplifyError::ArithmeticOverflow)?;
        let rating = u16::try_from(mean).map_err(|_| AmplifyError::ArithmeticOverflow)?;
        self.set_rating_count(count);
        self.set_rating_sum(sum);
        self.set_rating(rating);
        Ok(rating)
    }

    pub fn invariant(&self) -> Result<(), ProgramError> {
        let max_sum = math::mul(self.rating_count() as u64, MAX_RATING as u64)?;
        if self.rating() > MAX_RATING || self.rating_sum() > max_sum {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}
