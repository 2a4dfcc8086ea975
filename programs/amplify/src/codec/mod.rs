//! The machinery the generated interface code (`crate::generated`) is built on:
//! the borsh argument reader, zero-copy layouts, account flag checks and the
//! event log writer. Nothing here knows about Amplify's accounts or rules.

pub mod args;
pub mod check;
pub mod layout;
pub mod log;
