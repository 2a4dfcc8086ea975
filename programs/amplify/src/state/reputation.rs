//! The reputation formula (docs/reputation.md), in integer arithmetic: the
//! SDK's numpy twin (`amplify_sdk.reputation`) reproduces it bit for bit.
//!
//! One rating of `stars` on work that paid a fee of `fee` lamports:
//!
//! 1. `x = stars × 1000` (milli-stars).
//! 2. Read against the requester's habits: `m` = the requester's fee-weighted
//!    fading average of the stars it gives (`neutral` until it has rated),
//!    `adjusted = max(x − max(m − neutral, 0), 1000)`. A lenient rater's stars
//!    are discounted by how far its average runs above `neutral`, so a
//!    requester that gives everyone 5 stars lifts nobody above `neutral`. The
//!    correction never raises a rating: a requester whose workers were all bad
//!    averages 1 star, and lifting its 1s toward `neutral` would let junk
//!    rated 1 star everywhere climb (tests/test_reputation_twin.py).
//! 3. Weight: `w0 = min(fee, max_weight_per_rating)`; a harsh rater's ratings
//!    weigh less instead: `w = w0 · m / neutral` while `m < neutral` (a
//!    requester averaging 2 stars weighs half), so its 2 stars hurt less than
//!    a lenient rater's and still never lift anyone. Then `w` is capped so that this
//!    requester's ratings of this worker weigh at most `max_weight_per_requester`
//!    at any one time. Work that paid no fee carries no weight.
//! 4. The worker's sums, and each requester's share of its weight, fade by
//!    `horizon / (horizon + w)`; the sums take the rating, the share its weight:
//!    `W' = W·H/(H+w)`, `S' = S·W'/W`, then `S = S' + adjusted·w`, `W = W' + w`
//!    — exponential recency in fee weight (the paid work done since), not in
//!    time or count.
//! 5. The score: `(prior_mean·P + S) / (P + W)`, where the prior weight `P` is
//!    `prior_weight` divided by the number of distinct requesters (up to
//!    `distinct_cap`) whose ratings of this worker reached `qualifying_weight`.
//!
//! Every division floors; every product is checked (parameter bounds keep them
//! within u64: see `ReputationParams::validate`).

use crate::{
    error::AmplifyError,
    generated::{
        constants::EMISSION_CREDIT_PER_RATING,
        layouts::{ReputationParams, RequesterProfile, WorkerProfile},
    },
    shared::math,
};
use pinocchio::error::ProgramError;

pub const MILLI_STARS_PER_STAR: u64 = 1_000;
pub const MIN_SCORE: u64 = 1_000;
pub const MAX_SCORE: u64 = 5_000;
/// With a weight at most 2·horizon (a rating weighs at most one horizon) and
/// a sum at most 5,000 per unit of weight, `sum · weight` stays below 2^64 for
/// horizons up to this.
pub const MAX_HORIZON: u64 = 25_000_000;
// A share (below 2^32) times a horizon must fit a u64 (`Session::rate`).
const _: () = assert!(MAX_HORIZON < 1 << 32);

impl ReputationParams {
    /// The defaults `initialize` sets (docs/reputation.md explains each).
    pub fn set_defaults(&mut self) {
        self.set_prior_mean(2_500);
        self.set_neutral(4_000);
        self.distinct_cap = 4;
        self.set_prior_weight(20_000_000);
        self.set_horizon(25_000_000);
        self.set_requester_horizon(25_000_000);
        self.set_max_weight_per_rating(100_000);
        self.set_max_weight_per_requester(10_000_000);
        self.set_qualifying_weight(250_000);
    }

    pub fn validate(&self) -> Result<(), ProgramError> {
        let in_stars = |v: u16| (MIN_SCORE..=MAX_SCORE).contains(&(v as u64));
        let ok = in_stars(self.prior_mean())
            && in_stars(self.neutral())
            && (1..=8).contains(&self.distinct_cap)
            && (1..=1_000_000_000_000).contains(&self.prior_weight())
            && (1..=MAX_HORIZON).contains(&self.horizon())
            && (1..=MAX_HORIZON).contains(&self.requester_horizon())
            && (1..=self.horizon().min(self.requester_horizon()))
                .contains(&self.max_weight_per_rating())
            && (1..=u32::MAX as u64).contains(&self.max_weight_per_requester())
            && self.qualifying_weight() >= 1;
        if ok {
            Ok(())
        } else {
            Err(AmplifyError::InvalidParams.into())
        }
    }
}

/// `(sum, weight)` faded by `h / (h + w)`, then with `value × w` added.
///
/// The weight is faded first and the sum scaled by the same ratio
/// (`sum · faded / weight`), so the average `sum / weight` never drifts out of
/// the range of the values added (separate floors would let it creep above 5
/// stars).
#[inline(always)]
fn fade_and_add(
    sum: u64,
    weight: u64,
    h: u64,
    w: u64,
    value: u64,
) -> Result<(u64, u64), ProgramError> {
    let faded = math::div(math::mul(weight, h)?, math::add(h, w)?)?;
    let sum = if weight == 0 {
        0
    } else {
        math::div(math::mul(sum, faded)?, weight)?
    };
    Ok((math::add(sum, math::mul(value, w)?)?, math::add(faded, w)?))
}

/// What one rating did: the rating as read against its requester and the
/// weight it carried.
pub struct Step {
    pub adjusted: u16,
    pub weight: u64,
}

/// What one rating applied on its own did, with the worker's new score.
pub struct Applied {
    pub adjusted: u16,
    pub weight: u64,
    pub rating: u16,
}

/// One rating applied on its own (steps 1–5), emissions aside: what it did
/// and the worker's new score. (The handlers use `Session`, which also counts
/// emissions; this is the formula's unit for tests and the fuzzer.)
pub fn apply(
    p: &ReputationParams,
    worker: &mut WorkerProfile,
    requester: &mut RequesterProfile,
    stars: u8,
    fee: u64,
) -> Result<Applied, ProgramError> {
    let mut session = Session::begin(p, worker, requester, 0);
    let step = session.rate(stars, fee)?;
    let rating = session.finish(worker, requester)?;
    Ok(Applied {
        adjusted: step.adjusted,
        weight: step.weight,
        rating,
    })
}

/// The number of requesters a worker profile tracks.
const RATERS: usize = 8;

/// A worker's and its requester's reputation sums held in locals while one
/// instruction applies ratings to them: the profiles are read once
/// (`begin`) and written once (`finish`). Profile fields are unaligned
/// little-endian bytes, so reading and writing them for every rating cost
/// more than the formula itself.
pub struct Session<'a> {
    p: &'a ReputationParams,
    score_sum: u64,
    weight: u64,
    ids: [u32; RATERS],
    shares: [u64; RATERS],
    rating_count: u32,
    well_rated: u32,
    emission_credit: u64,
    stars_sum: u64,
    r_weight: u64,
    rated_weight: u64,
    ratings_given: u64,
    requester_id: u32,
    /// The requester's entry among the raters, once found or made.
    at: Option<usize>,
    min_stars: u8,
}

impl<'a> Session<'a> {
    /// `min_stars`: the emission schedule's stars (0: emissions off).
    pub fn begin(
        p: &'a ReputationParams,
        worker: &WorkerProfile,
        requester: &RequesterProfile,
        min_stars: u8,
    ) -> Self {
        let mut ids = [0u32; RATERS];
        let mut shares = [0u64; RATERS];
        for (i, r) in worker.raters.iter().enumerate() {
            ids[i] = r.requester_id();
            shares[i] = r.weight() as u64;
        }
        Self {
            p,
            score_sum: worker.score_sum(),
            weight: worker.weight(),
            ids,
            shares,
            rating_count: worker.rating_count(),
            well_rated: worker.well_rated(),
            emission_credit: worker.emission_credit(),
            stars_sum: requester.stars_sum(),
            r_weight: requester.weight(),
            rated_weight: requester.rated_weight(),
            ratings_given: requester.ratings_given(),
            requester_id: requester.id(),
            at: None,
            min_stars,
        }
    }

    /// Apply one rating (steps 1–4 above; the score, step 5, at `finish`).
    pub fn rate(&mut self, stars: u8, fee: u64) -> Result<Step, ProgramError> {
        let p = self.p;
        let x = math::mul(stars as u64, MILLI_STARS_PER_STAR)?;
        let neutral = p.neutral() as u64;
        let mean = if self.r_weight == 0 {
            neutral
        } else {
            math::div(self.stars_sum, self.r_weight)?
        };
        let excess = mean.saturating_sub(neutral);
        let adjusted = x.saturating_sub(excess).max(MIN_SCORE);
        let w0 = fee.min(p.max_weight_per_rating());
        let w_rated = if mean < neutral {
            math::div(math::mul(w0, mean)?, neutral)?
        } else {
            w0
        };
        let (at, w) = self.charge_requester(w_rated)?;

        if w > 0 {
            // Each requester's share fades with the worker's weight, so the
            // per-requester cap bounds its weight *now*: a long-standing client
            // regains a say as its old ratings fade (a capped one could not mark
            // a worker down after it turned bad).
            let h = p.horizon();
            let hw = math::add(h, w)?;
            for share in self.shares.iter_mut().filter(|s| **s != 0) {
                // share < 2^32 (a u32 in the profile, and `finish` refuses to
                // store more) and h ≤ MAX_HORIZON < 2^25: the product fits.
                *share = math::div(share.wrapping_mul(h), hw)?;
            }
            self.shares[at] = math::add(self.shares[at], w)?;
            let (s, wt) = fade_and_add(self.score_sum, self.weight, h, w, adjusted)?;
            self.score_sum = s;
            self.weight = wt;
        }
        if w0 > 0 {
            let (s, wt) =
                fade_and_add(self.stars_sum, self.r_weight, p.requester_horizon(), w0, x)?;
            self.stars_sum = s;
            self.r_weight = wt;
            self.rated_weight = math::add(self.rated_weight, w0)?;
        }
        self.ratings_given = math::add(self.ratings_given, 1)?;
        self.rating_count = math::inc_u32(self.rating_count, 1)?;
        // Counted for AMP emissions (claimed later with claim_emissions) by
        // the weight it carried, so minting costs fees.
        if self.min_stars != 0 && stars >= self.min_stars {
            self.well_rated = math::inc_u32(self.well_rated, 1)?;
            self.emission_credit = math::add(self.emission_credit, emission_credit(p, w)?)?;
        }
        Ok(Step {
            adjusted: adjusted as u16,
            weight: w,
        })
    }

    /// Find (or make room for) this requester among the worker's raters: its
    /// entry and the weight it may add, up to `w` within that requester's
    /// per-worker cap (the caller fades the entries and adds it). A requester
    /// not tracked yet replaces the lightest entry when all eight are taken.
    fn charge_requester(&mut self, w: u64) -> Result<(usize, u64), ProgramError> {
        let id = self.requester_id;
        let found = self.at.or_else(|| self.ids.iter().position(|r| *r == id));
        let at = match found {
            Some(i) => i,
            None => {
                let (i, _) = self
                    .ids
                    .iter()
                    .zip(self.shares.iter())
                    .enumerate()
                    .min_by_key(|(_, (r, share))| (**r != 0, **share))
                    .ok_or(AmplifyError::InvalidAccountData)?;
                self.ids[i] = id;
                self.shares[i] = 0;
                i
            }
        };
        self.at = Some(at);
        let room = self
            .p
            .max_weight_per_requester()
            .saturating_sub(self.shares[at]);
        Ok((at, w.min(room)))
    }

    /// Write the sums back and set the worker's score (step 5): the score
    /// depends on the sums alone, so one computation after the last rating
    /// gives what one after each would have left.
    pub fn finish(
        self,
        worker: &mut WorkerProfile,
        requester: &mut RequesterProfile,
    ) -> Result<u16, ProgramError> {
        for (r, (id, share)) in worker
            .raters
            .iter_mut()
            .zip(self.ids.iter().zip(self.shares.iter()))
        {
            r.set_requester_id(*id);
            r.set_weight(u32::try_from(*share).map_err(|_| AmplifyError::ArithmeticOverflow)?);
        }
        worker.set_score_sum(self.score_sum);
        worker.set_weight(self.weight);
        worker.set_rating_count(self.rating_count);
        worker.set_well_rated(self.well_rated);
        worker.set_emission_credit(self.emission_credit);
        requester.set_stars_sum(self.stars_sum);
        requester.set_weight(self.r_weight);
        requester.set_rated_weight(self.rated_weight);
        requester.set_ratings_given(self.ratings_given);
        let rating = score(self.p, worker)?;
        worker.set_rating(rating);
        Ok(rating)
    }
}

/// Step 5: the score from the worker's sums and its distinct qualified raters.
pub fn score(p: &ReputationParams, worker: &WorkerProfile) -> Result<u16, ProgramError> {
    let qualified = worker
        .raters
        .iter()
        .filter(|r| r.requester_id() != 0 && r.weight() as u64 >= p.qualifying_weight())
        .count() as u64;
    let divisor = qualified.clamp(1, p.distinct_cap as u64);
    let prior = math::div(p.prior_weight(), divisor)?;
    let num = math::add(math::mul(p.prior_mean() as u64, prior)?, worker.score_sum())?;
    let den = math::add(prior, worker.weight())?;
    let s = math::div(num, den)?;
    u16::try_from(s).map_err(|_| AmplifyError::ArithmeticOverflow.into())
}

/// The emission credit a well-rated rating of weight `weight` earns:
/// `EMISSION_CREDIT_PER_RATING` for a full-weight rating (one weighing
/// `max_weight_per_rating`), proportionally less, floored, for a lighter
/// one. A rating weighing under `max_weight_per_rating / 1000` (at defaults
/// a fee under 100 lamports, or any rating past its requester's per-worker
/// cap) earns nothing, and no rating earns more per lamport of fee than a
/// full-weight one: minting `per_assignment` AMP costs at least
/// `max_weight_per_rating` lamports of fees.
pub fn emission_credit(p: &ReputationParams, weight: u64) -> Result<u64, ProgramError> {
    // weight ≤ max_weight_per_rating ≤ MAX_HORIZON: the product fits.
    let scaled = math::mul(weight, EMISSION_CREDIT_PER_RATING)?;
    math::div(scaled, p.max_weight_per_rating())
}

/// The highest score the formula lets any worker reach under `p`: every
/// rating 5 stars at full weight (`max_weight_per_rating`) from requesters
/// whose own average is at most `neutral` (so nothing is discounted), and as
/// many distinct qualified raters as the weight allows. Ratings at full
/// weight take the worker's weight up to the least fixed point of
/// `W ↦ ⌊W·H/(H+w)⌋ + w`, which is `⌊(w−1)(H+w)/w⌋ + 1` (the fixed points
/// are the integers in `((w−1)(H+w)/w, H+w]` and the map is monotone, so
/// from 0 it climbs to the least); the score there is
/// `⌊(prior_mean·P + 5000·W) / (P + W)⌋`, `P` the prior weight over the most
/// distinct qualified raters. With the defaults: 4,584.
pub fn max_reachable_score(p: &ReputationParams) -> Result<u64, ProgramError> {
    let (h, w) = (p.horizon(), p.max_weight_per_rating()); // w ≥ 1: validated
    let top = math::add(
        math::div(math::mul(math::sub(w, 1)?, math::add(h, w)?)?, w)?,
        1,
    )?;
    // Raters qualify by weight: each needs `qualifying_weight` of the
    // worker's weight, and one requester can hold at most its cap.
    let q = p.qualifying_weight();
    let qualified = if q > p.max_weight_per_requester() {
        0
    } else {
        math::div(top, q)?
    };
    let divisor = qualified.clamp(1, p.distinct_cap as u64);
    let prior = math::div(p.prior_weight(), divisor)?;
    let num = math::add(
        math::mul(p.prior_mean() as u64, prior)?,
        math::mul(MAX_SCORE, top)?,
    )?;
    math::div(num, math::add(prior, top)?)
}
