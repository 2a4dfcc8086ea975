//! One module per instruction, named as in the IDL.

pub mod initialize;
