//! The per-item loop of the bulk instructions (`accept_tasks`,
//! `submit_results`, `release_expired`, `deliver_keys`): each listed item is
//! looked up in the batch's task table, and a rule of the instruction either
//! does it or refuses it with an error code. Item-level refusals are reported,
//! not raised, so a bulk request racing other transactions keeps what it can;
//! an item that does not exist or lies in another table still fails the whole
//! instruction (the request itself is wrong).

use crate::{
    codec::log::Arena,
    error::AmplifyError,
    generated::layouts::{Refusal, Slot},
    shared::math,
    state::TableView,
};
use pinocchio::{error::ProgramError, ProgramResult};

/// What a rule decided for one item: done, or refused with this code.
pub type Outcome = Result<(), AmplifyError>;

/// Where the item a rule is deciding stands: its position in the request, and
/// the position it takes among the done items if the rule does it (for data
/// that travels with the item, such as answers or keys).
#[derive(Clone, Copy)]
pub struct At {
    pub request: usize,
    pub done: usize,
}

/// The items done and the items refused (with their codes), in request order:
/// the lists the instruction's event reports.
pub struct Outcomes {
    done: &'static mut [[u8; 4]],
    refused: &'static mut [Refusal],
    nd: usize,
    nr: usize,
}

impl Outcomes {
    /// Room for the outcomes of `n` items.
    #[inline(always)]
    pub fn new(arena: &mut Arena, n: usize) -> Result<Self, ProgramError> {
        Ok(Self {
            done: arena.slice::<[u8; 4]>(n)?,
            refused: arena.slice::<Refusal>(n)?,
            nd: 0,
            nr: 0,
        })
    }

    /// Decide each of `items` (u32 LE indices of the batch's `item_count`
    /// items) with `rule`, which receives the item's slots. An item outside
    /// the table fails the whole instruction, as does an error `rule` raises
    /// (as opposed to returns as an outcome).
    #[inline(always)]
    pub fn run(
        &mut self,
        t: &mut TableView,
        item_count: u64,
        items: &[[u8; 4]],
        mut rule: impl FnMut(At, &mut [Slot]) -> Result<Outcome, ProgramError>,
    ) -> ProgramResult {
        for (request, item) in items.iter().enumerate() {
            let slots = t.item(u32::from_le_bytes(*item), item_count)?;
            let at = At {
                request,
                done: self.nd,
            };
            match rule(at, slots)? {
                Ok(()) => {
                    if let Some(out) = self.done.get_mut(self.nd) {
                        *out = *item;
                    }
                    self.nd = self.nd.saturating_add(1);
                }
                Err(code) => {
                    if let Some(out) = self.refused.get_mut(self.nr) {
                        out.item = *item;
                        out.code = (code as u16).to_le_bytes();
                    }
                    self.nr = self.nr.saturating_add(1);
                }
            }
        }
        Ok(())
    }

    /// How many items were done.
    #[inline(always)]
    pub fn count(&self) -> usize {
        self.nd
    }

    /// The items done, in request order.
    #[inline(always)]
    pub fn done(&self) -> Result<&[[u8; 4]], ProgramError> {
        math::prefix(self.done, self.nd)
    }

    /// The items refused with their codes, in request order.
    #[inline(always)]
    pub fn refused(&self) -> Result<&[Refusal], ProgramError> {
        math::prefix(self.refused, self.nr)
    }
}
