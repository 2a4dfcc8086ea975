"""Rust for the program's interface, written by `scripts/gen.py`: the
discriminators, the error enum, each instruction's `<Ix>Accounts` (account list
in IDL order with its signer/writable/address checks) and `<Ix>Args` (borsh
argument parser), the dispatcher, the handler module list and the fuzz target's
table of argument parsers.
"""

from __future__ import annotations

import json
from typing import Any

from gen_idl import FIXED_SIZES, JSON, camel, upper
from gen_rust_data import HEADER, RustData


class Rust(RustData):
    # -- Rust: discriminators and errors -------------------------------------------

    def rust_discriminators(self) -> str:
        out = [
            HEADER,
            '//! Anchor discriminators: the first 8 bytes of `sha256("global:<ix>")`,',
            '//! `sha256("account:<Name>")` and `sha256("event:<Name>")`.',
            "",
        ]
        for mod, items in (
            ("ix", self.idl["instructions"]),
            ("account", self.idl["accounts"]),
            ("event", self.idl["events"]),
        ):
            out.append(f"pub mod {mod} {{")
            for it in items:
                out.append(f"    pub const {upper(it['name'])}: [u8; 8] = {it['discriminator']};")
            out.append("    /// Every discriminator with the name it is derived from.")
            out.append("    pub const ALL: &[(&str, [u8; 8])] = &[")
            for it in items:
                out.append(f"        ({json.dumps(it['name'])}, {upper(it['name'])}),")
            out.append("    ];")
            out.append("}")
        return "\n".join(out)

    def rust_errors(self) -> str:
        out = [
            HEADER,
            "//! Every error the program returns, numbered from 6000 (Anchor's custom",
            "//! error range). Codes are never reused or renumbered: clients match on them.",
            "",
            "use pinocchio::error::ProgramError;",
            "",
            "#[derive(Clone, Copy, Debug, PartialEq, Eq)]",
            "#[repr(u32)]",
            "pub enum AmplifyError {",
        ]
        for e in self.idl["errors"]:
            out.append(f"    /// {e['msg']}")
            out.append(f"    {e['name']} = {e['code']},")
        out += ["}", "", "impl AmplifyError {", "    /// Every variant, in code order."]
        out.append("    pub const ALL: &'static [AmplifyError] = &[")
        out += [f"        AmplifyError::{e['name']}," for e in self.idl["errors"]]
        out += [
            "    ];",
            "",
            "    pub const fn name(self) -> &'static str {",
            "        match self {",
        ]
        out += [
            f"            AmplifyError::{e['name']} => {json.dumps(e['name'])},"
            for e in self.idl["errors"]
        ]
        out += ["        }", "    }", "", "    pub const fn message(self) -> &'static str {"]
        out.append("        match self {")
        out += [
            f"            AmplifyError::{e['name']} => {json.dumps(e['msg'])},"
            for e in self.idl["errors"]
        ]
        out += [
            "        }",
            "    }",
            "}",
            "",
            "impl From<AmplifyError> for ProgramError {",
            "    #[inline(always)]",
            "    fn from(e: AmplifyError) -> Self {",
            "        ProgramError::Custom(e as u32)",
            "    }",
            "}",
        ]
        return "\n".join(out)

    # -- Rust: instructions ------------------------------------------------------------

    def arg_type(self, ty: Any) -> tuple[str, str]:
        """(Rust type in an Args struct, expression reading it from `args`)."""
        if isinstance(ty, dict):
            return self.arg_compound(ty)
        if ty == "u8":
            return "u8", "args.u8()?"
        if ty == "bool":
            return "bool", "args.bool()?"
        if ty in ("u16", "u32", "u64", "i64"):
            return ty, f"args.{ty}()?"
        if ty == "pubkey":
            return "Address", "args.address()?"
        if ty == "bytes":
            return "&'a [u8]", "args.byte_vec()?"
        if ty == "string":
            return "&'a str", "args.string()?"
        raise SystemExit(f"unsupported argument type {ty!r}")

    def arg_compound(self, ty: JSON) -> tuple[str, str]:
        if "defined" in ty:
            name = ty["defined"]["name"]
            if self.is_enum(name):
                return f"Encoded<'a, {name}>", f"args.encoded({name}::parse)?"
            return f"&'a {name}", f"args.pod::<{name}>()?"
        if "array" in ty and ty["array"][0] == "u8":
            n = ty["array"][1]
            return f"&'a [u8; {n}]", f"args.bytes::<{n}>()?"
        if "vec" in ty:
            inner = ty["vec"]
            if inner in ("u16", "u32", "u64"):
                n = FIXED_SIZES[inner]
                return f"&'a [[u8; {n}]]", f"args.vec_of::<{n}>()?"
            if isinstance(inner, dict) and "array" in inner and inner["array"][0] == "u8":
                n = inner["array"][1]
                return f"&'a [[u8; {n}]]", f"args.vec_of::<{n}>()?"
            if isinstance(inner, dict) and "defined" in inner:
                name = inner["defined"]["name"]
                return f"&'a [{name}]", f"args.pod_slice::<{name}>()?"
        raise SystemExit(f"unsupported argument type {ty!r}")

    def rust_instructions(self) -> str:
        out = [
            HEADER,
            "//! Per instruction: its accounts in IDL order with the IDL's signer,",
            "//! writable and fixed-address checks, and its borsh arguments.",
            "//!",
            "//! Checks run in this order, so the first failing rule decides the error:",
            "//! account count (`NotEnoughAccounts`), instruction data",
            "//! (`InvalidInstructionData`), then per account in IDL order: signer",
            "//! (`MissingSigner`), writable (`AccountNotWritable`), fixed address",
            "//! (`InvalidProgramAccount`); then the handler's own rules.",
            "#![allow(clippy::doc_lazy_continuation)]",
            "",
            "#[allow(unused_imports)]",
            "use crate::codec::args::{Args, Encoded};",
            "use crate::codec::check;",
            "#[allow(unused_imports)]",
            "use crate::generated::layouts::*;",
            "use pinocchio::{error::ProgramError, AccountView, Address};",
            "",
        ]
        for ix in self.idl["instructions"]:
            name = camel(ix["name"])
            accs = ix["accounts"]
            out += [
                f"/// Accounts of `{ix['name']}`: {ix['docs'][0]}",
                f"pub struct {name}Accounts {{",
            ]
            for a in accs:
                for d in a.get("docs", []):
                    out.append(f"    /// {d}")
                out.append(f"    pub {a['name']}: AccountView,")
            out += ["}", "", f"impl {name}Accounts {{", "    #[inline(always)]"]
            out.append(
                "    pub fn load(accounts: &[AccountView]) "
                "-> Result<(Self, &[AccountView]), ProgramError> {"
            )
            names = ", ".join(a["name"] for a in accs)
            out.append(f"        let [{names}, rest @ ..] = accounts else {{")
            out.append("            return Err(check::not_enough_accounts());")
            out.append("        };")
            out.append("        Ok((")
            out.append("            Self {")
            for a in accs:
                out.append(f"                {a['name']}: *{a['name']},")
            out.append("            },")
            out.append("            rest,")
            out.append("        ))")
            out.append("    }")
            out.append("")
            out.append(
                "    /// The IDL's signer, writable and fixed-address rules, in account order."
            )
            out.append("    #[inline(always)]")
            out.append("    pub fn check(&self) -> Result<(), ProgramError> {")
            for a in accs:
                if a.get("signer"):
                    out.append(f"        check::signer(&self.{a['name']})?;")
                if a.get("writable"):
                    out.append(f"        check::writable(&self.{a['name']})?;")
                if a.get("address") == self.idl["address"]:
                    # The program itself: its address is a build parameter.
                    out.append(f"        check::address(&self.{a['name']}, &crate::ID)?;")
                elif a.get("address"):
                    # `const { }`: decoded at compile time. A bare call is
                    # evaluated at run time, a base58 decode of ~2,000 CU for
                    # a sysvar address in every instruction that takes one.
                    out.append(
                        f"        check::address(&self.{a['name']}, "
                        f'&const {{ Address::from_str_const("{a["address"]}") }})?;'
                    )
            out += ["        Ok(())", "    }", "}", ""]

            args = ix["args"]
            life = "<'a>" if any("'a" in self.arg_type(a["type"])[0] for a in args) else ""
            out.append(f"/// Arguments of `{ix['name']}`.")
            if life:
                out.append(f"pub struct {name}Args<'a> {{")
            else:
                out.append(f"pub struct {name}Args {{")
            for a in args:
                for d in a.get("docs", []):
                    out.append(f"    /// {d}")
                out.append(f"    pub {a['name']}: {self.arg_type(a['type'])[0]},")
            out.append("}")
            out.append("")
            if life:
                out.append(f"impl<'a> {name}Args<'a> {{")
                out.append("    #[inline(always)]")
                out.append("    pub fn parse(data: &'a [u8]) -> Result<Self, ProgramError> {")
            else:
                out.append(f"impl {name}Args {{")
                out.append("    #[inline(always)]")
                out.append("    pub fn parse(data: &[u8]) -> Result<Self, ProgramError> {")
            mut = "mut " if args else ""
            out.append(f"        let {mut}args = Args::new(data);")
            if args:
                out.append("        let parsed = Self {")
                for a in args:
                    out.append(f"            {a['name']}: {self.arg_type(a['type'])[1]},")
                out.append("        };")
                out.append("        args.finish()?;")
                out.append("        Ok(parsed)")
            else:
                out.append("        args.finish()?;")
                out.append("        Ok(Self {})")
            out += ["    }", "}", ""]

        out.append("/// Route an instruction to its handler by its 8-byte discriminator.")
        out.append("#[inline(always)]")
        out.append(
            "pub fn dispatch(accounts: &[AccountView], data: &[u8]) -> pinocchio::ProgramResult {"
        )
        out.append("    let Some((disc, rest)) = data.split_first_chunk::<8>() else {")
        out.append("        return Err(check::unknown_instruction());")
        out.append("    };")
        out.append("    // One 64-bit compare per arm instead of an 8-byte array compare.")
        out.append("    match u64::from_le_bytes(*disc) {")
        for ix in self.idl["instructions"]:
            name = camel(ix["name"])
            const = f"crate::generated::discriminator::ix::{upper(ix['name'])}"
            out.append(f"        x if x == u64::from_le_bytes({const}) => {{")
            out.append(f"            let (accs, remaining) = {name}Accounts::load(accounts)?;")
            out.append(f"            let args = {name}Args::parse(rest)?;")
            out.append("            accs.check()?;")
            out.append(
                f"            crate::instructions::{ix['name']}::process(accs, args, remaining)"
            )
            out.append("        }")
        out.append("        _ => Err(check::unknown_instruction()),")
        out.append("    }")
        out.append("}")
        return "\n".join(out)

    # -- Rust: lists of instructions outside `generated/` ------------------------------

    def rust_handler_modules(self) -> str:
        out = [
            HEADER,
            "//! One module per instruction, named as in the IDL (one file each, written",
            "//! by hand). Each `process` receives the instruction's accounts (already",
            "//! checked against the IDL's signer, writable and address rules by",
            "//! `generated::instructions`) and its parsed arguments.",
            "",
        ]
        out += [f"pub mod {name};" for name in sorted(i["name"] for i in self.idl["instructions"])]
        return "\n".join(out)

    def rust_fuzz_parsers(self) -> str:
        out = [
            HEADER,
            "//! Every instruction's generated argument parser, by its IDL name: what the",
            "//! `instruction_args` target holds against the IDL-reading oracle.",
            "",
            "use amplify::generated::instructions::*;",
            "",
            "/// Whether the program's parser for instruction `name` accepts `data`.",
            "pub fn parses(name: &str, data: &[u8]) -> bool {",
            "    match name {",
        ]
        for ix in self.idl["instructions"]:
            parser = f"{camel(ix['name'])}Args::parse(data).is_ok()"
            out.append(f"        {json.dumps(ix['name'])} => {parser},")
        out += [
            '        other => panic!("the IDL\'s instruction {other} has no generated parser"),',
            "    }",
            "}",
        ]
        return "\n".join(out)
