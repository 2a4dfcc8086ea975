//! The generated argument parsers (`generated::instructions::*Args::parse`)
//! against an independent oracle: a strict borsh reader interpreting the IDL.
//! The first byte picks the instruction, the rest is its argument data. A
//! parser must never panic, and must accept exactly the data the IDL
//! describes (no trailing bytes, bools 0/1, UTF-8 strings, enum tags in range,
//! vector lengths backed by data).
#![no_main]

use amplify_fuzz::{instructions, parsers::parses, valid_fields};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, args)) = data.split_first() else {
        return;
    };
    let ixs = instructions();
    let (name, fields) = &ixs[pick as usize % ixs.len()];
    let program = parses(name, args);
    let idl = valid_fields(fields, args);
    assert_eq!(
        program,
        idl,
        "{name}: the program {} data the IDL {} ({} bytes: {:02x?})",
        if program { "accepts" } else { "refuses" },
        if idl {
            "describes"
        } else {
            "does not describe"
        },
        args.len(),
        &args[..args.len().min(64)],
    );
});
