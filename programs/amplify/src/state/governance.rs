//! `Governance`, PDA `["governance"]`, and `StakeAccount`, PDA
//! `["stake", owner]`: the treasury shared among AMP stakers.
//!
//! A fee that reaches the treasury (`Treasury.total_collected` grows) is paid
//! out to stakers evenly over one voting period (`voting_period_secs`, three
//! days by default: the time the protocol gives a vote) from the last update
//! before it arrived, each second's part over the AMP staked during
//! that second: a stake earns only for the time it is in place while fees are
//! paid out. Staking just before a sweep and leaving just after (even in one
//! transaction) earns nothing: no time passes. Before any stake changes the
//! program adds the fees swept in since the last change to what is releasing
//! (`releasing`, spread afresh to a voting period after that change), then
//! pays out what the release owes for the time since (`update`), over the
//! stake that was there all along, by adding `due · 2^64 / total_staked` to a
//! reward-per-share accumulator (64.64 fixed point). A stake's rewards are
//! `amount · (accumulator − its snapshot) / 2^64`, settled before its amount
//! changes. Fees that arrive, or fall due, while nobody stakes are `held`:
//! the protocol's own, spendable only by proposal; so are lamports sent to
//! the treasury directly (absorbed into `held` by the next `update`).
//!
//! The treasury balances to the lamport:
//! `lamports = rent + held + releasing + (distributed − claimed) +
//! (total_collected − distributed_upto)`. The floors in the rewards leave at
//! most a lamport per stake per settlement inside `distributed − claimed`
//! (never over-paid).

use crate::{
    error::AmplifyError,
    generated::layouts::{
        EmissionParams, Governance, GovernanceParams, ProposalAction, StakeAccount, Treasury,
    },
    shared::{math, math::mul_wide, rent::rent_exempt},
    state::config::MAX_FEE_BPS,
};
use pinocchio::{error::ProgramError, AccountView};

pub const GOVERNANCE_VERSION: u8 = 1;
pub const STAKE_VERSION: u8 = 1;
pub const PROPOSAL_VERSION: u8 = 1;
pub const VOTE_VERSION: u8 = 1;
pub const PROPOSAL_VOTING: u8 = 0;
pub const PROPOSAL_EXECUTED: u8 = 1;
pub const VOTE_FOR: u8 = 0;
pub const VOTE_AGAINST: u8 = 1;
pub const VOTE_ABSTAIN: u8 = 2;
/// Bytes a proposal keeps of its borsh-encoded action.
pub const ACTION_LEN: usize = 128;

/// `(f · 2^64) / d` for `d > 0`, as a 128-bit value (the BPF backend cannot
/// lower a u128 division: long division by shifts and subtractions).
pub fn div_shl64(f: u64, d: u64) -> Result<u128, ProgramError> {
    let hi = math::div(f, d)?;
    let mut rem = f.checked_rem(d).ok_or(AmplifyError::ArithmeticOverflow)?;
    let mut lo = 0u64;
    for _ in 0..64 {
        // `rem < d`; doubling it may need a 65th bit: `carry` holds it.
        let carry = rem >> 63;
        rem <<= 1;
        lo <<= 1;
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            lo |= 1;
        }
    }
    Ok(((hi as u128) << 64) | lo as u128)
}

/// `(a · b) / 2^64`, floored, for a 64.64 fixed-point `b`.
pub fn mul_shr64(a: u64, b: u128) -> Result<u64, ProgramError> {
    let (b_hi, b_lo) = ((b >> 64) as u64, b as u64);
    let whole = math::mul(a, b_hi)?;
    let (frac, _) = mul_wide(a, b_lo);
    math::add(whole, frac)
}

/// The treasury's lamports and rent-exempt reserve, and the time: what
/// `Governance::update` reads besides the books.
pub struct Till {
    pub lamports: u64,
    pub rent: u64,
    pub now: i64,
}

impl Till {
    /// The treasury account's lamports and reserve, at `now`.
    pub fn of(treasury: &AccountView, now: i64) -> Result<Self, ProgramError> {
        Ok(Till {
            lamports: treasury.lamports(),
            rent: rent_exempt(treasury.data_len())?,
            now,
        })
    }
}

impl Governance {
    /// Add the fees the treasury collected since the last update to what is
    /// releasing, pay out what the release owes up to `now` over the stake
    /// as it stands (it stood so since the last update): call before any
    /// stake changes.
    ///
    /// The fees swept in since the last update arrived some time after it;
    /// they release from it, so a stake earns a share of them only for the
    /// time it has been in place, and nothing when no time has passed.
    ///
    /// Lamports the treasury holds beyond its books (`lamports` above the
    /// balance equation: anyone can send lamports to any account) are held
    /// first: the protocol's own, like fees that arrive while nobody stakes.
    /// Without this, one lamport sent to the treasury broke the equation every
    /// governance instruction checks, and locked every stake for good.
    pub fn update(&mut self, t: &Treasury, till: &Till) -> Result<(), ProgramError> {
        let (lamports, rent, now) = (till.lamports, till.rent, till.now);
        let books = self.books(t, rent)?;
        if lamports > books {
            self.set_held(math::add(self.held(), math::sub(lamports, books)?)?);
        }
        let fresh = math::sub(t.total_collected(), self.distributed_upto())?;
        if fresh > 0 {
            if self.total_staked() == 0 {
                // Nobody staked while it arrived: the protocol's own.
                self.set_held(math::add(self.held(), fresh)?);
            } else {
                // What is still releasing is spread afresh with the new fees
                // over the period from the last update: a sweep never speeds
                // a payout up.
                self.set_releasing(math::add(self.releasing(), fresh)?);
                let period = self.params.voting_period_secs() as i64;
                self.set_release_end(
                    self.released_at()
                        .checked_add(period)
                        .ok_or(AmplifyError::ArithmeticOverflow)?,
                );
            }
            self.set_distributed_upto(t.total_collected());
        }
        let due = self.release_due(now)?;
        if due > 0 {
            self.set_releasing(math::sub(self.releasing(), due)?);
            self.share(due)?;
        }
        self.set_released_at(now.max(self.released_at()));
        Ok(())
    }

    /// The part of `releasing` due by `now`: `releasing · elapsed / span`,
    /// floored, where the release runs evenly from `released_at` to
    /// `release_end` (all of it once `now` reaches the end).
    pub fn release_due(&self, now: i64) -> Result<u64, ProgramError> {
        let (left, from) = (self.releasing(), self.released_at());
        if left == 0 || now <= from {
            return Ok(0);
        }
        if now >= self.release_end() {
            return Ok(left);
        }
        // from < now < release_end, and the span is at most a voting period,
        // a u32 (the end is set that far from an update): `r · elapsed` fits.
        let span = self.release_end().wrapping_sub(from) as u64;
        let elapsed = now.wrapping_sub(from) as u64;
        math::mul_div(left, elapsed, span)
    }

    /// Share `amount` among the stake as it stands (held if there is none).
    fn share(&mut self, amount: u64) -> Result<(), ProgramError> {
        if self.total_staked() == 0 {
            self.set_held(math::add(self.held(), amount)?);
            return Ok(());
        }
        let per_share = div_shl64(amount, self.total_staked())?;
        let rps = self
            .reward_per_share()
            .checked_add(per_share)
            .ok_or(AmplifyError::ArithmeticOverflow)?;
        self.set_reward_per_share(rps);
        self.set_distributed(math::add(self.distributed(), amount)?);
        Ok(())
    }

    /// Settle `stake`'s rewards up to now into its `pending`.
    pub fn settle(&self, stake: &mut StakeAccount) -> Result<(), ProgramError> {
        let delta = self
            .reward_per_share()
            .checked_sub(stake.reward_snapshot())
            .ok_or(AmplifyError::ArithmeticOverflow)?;
        let earned = mul_shr64(stake.amount(), delta)?;
        stake.set_pending(math::add(stake.pending(), earned)?);
        stake.set_reward_snapshot(self.reward_per_share());
        Ok(())
    }

    /// What the treasury's lamports must be by the books: rent + held +
    /// releasing + (distributed − claimed) + (total_collected −
    /// distributed_upto).
    pub fn books(&self, t: &Treasury, rent: u64) -> Result<u64, ProgramError> {
        let owed = math::sub(self.distributed(), self.claimed())?;
        let fresh = math::sub(t.total_collected(), self.distributed_upto())?;
        let kept = math::add(math::add(rent, self.held())?, self.releasing())?;
        math::add(kept, math::add(owed, fresh)?)
    }

    /// Add `amount` to a stake (`add`) or take it away, the fees collected so
    /// far shared out among the stake as it stood: the body of `stake` and
    /// `unstake`.
    pub fn restake(
        &mut self,
        s: &mut StakeAccount,
        t: &Treasury,
        till: &Till,
        amount: u64,
        add: bool,
    ) -> Result<(), ProgramError> {
        self.update(t, till)?;
        self.settle(s)?;
        let step = if add { math::add } else { math::sub };
        s.set_amount(step(s.amount(), amount)?);
        self.set_total_staked(step(self.total_staked(), amount)?);
        s.invariant(self)?;
        self.invariant(t, till.lamports, till.rent)
    }

    /// The treasury balances to the lamport (see the module doc).
    pub fn invariant(&self, t: &Treasury, lamports: u64, rent: u64) -> Result<(), ProgramError> {
        // Anything still releasing is released by a time after the last update.
        let schedule = self.releasing() == 0 || self.release_end() > self.released_at();
        if lamports != self.books(t, rent)? || !schedule || self.params.validate().is_err() {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}

impl GovernanceParams {
    pub fn validate(&self) -> Result<(), ProgramError> {
        let ok = self.voting_period_secs() >= 1
            && self.quorum_bps() <= 10_000
            && (1..=10_000).contains(&self.threshold_bps())
            && self.execution_window_secs() >= 1;
        if ok {
            Ok(())
        } else {
            Err(AmplifyError::InvalidParams.into())
        }
    }
}

impl ProposalAction {
    /// An action is checked when proposed (so voters judge a valid change) and
    /// again when executed.
    pub fn validate(&self) -> Result<(), ProgramError> {
        match self {
            ProposalAction::SetFee { fee_bps } if *fee_bps > MAX_FEE_BPS => {
                Err(AmplifyError::FeeTooHigh.into())
            }
            ProposalAction::SetReputationParams { params } => params.validate(),
            ProposalAction::SetGovernanceParams { params } => params.validate(),
            ProposalAction::SetEmission { params } => params.validate(),
            _ => Ok(()),
        }
    }
}

impl EmissionParams {
    pub fn validate(&self) -> Result<(), ProgramError> {
        if self.min_stars > 5 {
            return Err(AmplifyError::InvalidParams.into());
        }
        Ok(())
    }
}

impl StakeAccount {
    pub fn invariant(&self, g: &Governance) -> Result<(), ProgramError> {
        if self.amount() > g.total_staked() || self.reward_snapshot() > g.reward_per_share() {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}
