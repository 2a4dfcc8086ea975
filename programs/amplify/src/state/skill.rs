//! `Skill`, PDA `["skill", issuer, skill_id (u64 LE)]`, and `BatchSkills`,
//! PDA `["batch_skills", batch]`: requester-issued values and the batches
//! that require them.

use crate::{
    error::AmplifyError,
    generated::{
        constants::{MAX_BATCH_SKILLS, MAX_SKILL_URI_LEN, MAX_SKILL_VALUE},
        layouts::{BatchSkills, Skill},
    },
};
use pinocchio::{address::address_eq, error::ProgramError};

pub const SKILL_VERSION: u8 = 1;
pub const BATCH_SKILLS_VERSION: u8 = 1;

impl Skill {
    /// A zero root holds no worker, and only a zero root holds none.
    pub fn invariant(&self) -> Result<(), ProgramError> {
        let empty = self.root == [0; 20];
        let bad = self.version != SKILL_VERSION
            || self.leaves_uri_len as u16 > MAX_SKILL_URI_LEN
            || empty != (self.worker_count() == 0);
        if bad {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}

impl BatchSkills {
    /// The first `count` entries are distinct skills with minimums 1-100;
    /// the rest are cleared.
    pub fn invariant(&self) -> Result<(), ProgramError> {
        let n = self.count as usize;
        let mut bad = self.version != BATCH_SKILLS_VERSION || n > MAX_BATCH_SKILLS as usize;
        for (i, (&min, skill)) in self.minimums.iter().zip(&self.skills).enumerate() {
            if i < n {
                bad |= min == 0 || min > MAX_SKILL_VALUE;
                bad |= self.skills.iter().take(i).any(|s| address_eq(s, skill));
            } else {
                bad |= min != 0 || skill.as_array() != &[0; 32];
            }
        }
        if bad {
            return Err(AmplifyError::InvalidAccountData.into());
        }
        Ok(())
    }
}
