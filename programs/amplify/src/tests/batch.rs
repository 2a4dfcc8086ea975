//! `state::batch`: when a batch ends for rating purposes.

use crate::generated::layouts::Batch;
use crate::state::batch::{STATUS_CANCELLED, STATUS_OPEN};

fn batch(status: u8, expires_at: i64, cancelled_at: i64) -> Batch {
    // SAFETY: the layout is byte arrays: all zeros is a value.
    let mut b: Batch = unsafe { core::mem::zeroed() };
    b.status = status;
    b.set_expires_at(expires_at);
    b.set_cancelled_at(cancelled_at);
    b
}

#[test]
fn a_batch_ends_at_its_expiry_or_cancellation_whichever_came_first() {
    assert_eq!(batch(STATUS_OPEN, 1_000, 0).ended_at(), 1_000);
    assert_eq!(batch(STATUS_CANCELLED, 1_000, 400).ended_at(), 400);
    // Regression: a cancel after expiry reopened a rating window that had closed.
    assert_eq!(batch(STATUS_CANCELLED, 1_000, 9_000).ended_at(), 1_000);
}
