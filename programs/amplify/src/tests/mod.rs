//! Host unit tests (pure logic). They live apart from the program sources so
//! that nothing on an input path uses `unwrap`.
#![allow(clippy::arithmetic_side_effects, clippy::unwrap_used)]

mod batch;
mod governance;
mod math;
mod merkle;
mod rent;
mod seeds;
mod table;
mod x25519;
