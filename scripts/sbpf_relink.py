#!/usr/bin/env python3
"""Relink an upstream BPF ELF object (bpf-linker's output) into an SBPF v0 program.

Upstream LLVM emits a *relocatable* eBPF object; the Solana loader wants a
position-dependent shared object in the legacy "v0" layout. The rules (see
docs/toolchain.md) are:

* every executable section is merged into one ``.text`` and every read-only data
  section (``.rodata*``, ``.data.rel.ro*``) into one ``.rodata``; writable data
  (``.data``, ``.bss``) is refused because the v0 loader refuses it too;
* each kept section sits at ``sh_addr == sh_offset``; a v0 program sees file
  offset X at virtual address ``0x1_0000_0000 + X``, so every absolute reference
  (``R_BPF_64_64`` on ``lddw``, ``R_BPF_64_ABS64`` on pointers stored in data) is
  resolved here, at link time, to that address;
* calls to a defined function become pc-relative immediates (the loader turns
  those into its own function registry), calls to undefined symbols are
  syscalls: they keep ``imm = -1`` and get a dynamic ``R_BPF_64_32`` relocation
  against a ``.dynsym`` entry named after the syscall (the loader hashes it);
* ``ET_DYN``, ``EM_BPF``, ``e_flags = 0``, ``e_entry`` = ``entrypoint``, and a
  ``.dynamic`` section pointing at ``.dynsym``/``.dynstr``/``.rel.dyn``.

The output is a pure function of the input bytes (no timestamps, no paths), so
rebuilding from the same object gives the same program, byte for byte.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MM_PROGRAM_START = 0x1_0000_0000

ET_REL, ET_DYN = 1, 3
EM_BPF = 247
SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB = 0, 1, 2, 3
SHT_RELA, SHT_DYNAMIC, SHT_NOBITS, SHT_REL, SHT_DYNSYM = 4, 6, 8, 9, 11
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHN_UNDEF, SHN_ABS = 0, 0xFFF1
STT_NOTYPE, STT_FUNC, STT_SECTION = 0, 2, 3
STB_GLOBAL = 1
PT_LOAD, PT_DYNAMIC = 1, 2
PF_X, PF_R = 1, 4
DT_NULL, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT = 0, 5, 6, 10, 11
DT_REL, DT_RELSZ, DT_RELENT, DT_TEXTREL, DT_RELCOUNT = 17, 18, 19, 22, 0x6FFFFFFA

R_BPF_NONE = 0
R_BPF_64_64 = 1
R_BPF_64_ABS64 = 2
R_BPF_64_ABS32 = 3
R_BPF_64_NODYLD32 = 4
R_BPF_64_32 = 10

OP_CALL = 0x85
OP_LDDW = 0x18
INSN = 8

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
PHDR = struct.Struct("<IIQQQQQQ")
SYM = struct.Struct("<IBBHQQ")
REL = struct.Struct("<QQ")


class RelinkError(Exception):
    """The object cannot be turned into a valid SBPF v0 program."""


@dataclass
class _Section:
    index: int
    name: str
    type: int
    flags: int
    offset: int
    size: int
    link: int
    info: int
    align: int
    entsize: int
    data: bytes


@dataclass
class _Symbol:
    name: str
    info: int
    shndx: int
    value: int

    @property
    def type(self) -> int:
        return self.info & 0xF


@dataclass
class _Out:
    """An output region (``.text`` or ``.rodata``) built from merged input sections."""

    name: str
    data: bytearray = field(default_factory=bytearray)
    offset: int = 0  # file offset == sh_addr, fixed by the layout step


def _cstr(blob: bytes, at: int) -> str:
    end = blob.index(b"\0", at)
    return blob[at:end].decode()


def _align(n: int, a: int) -> int:
    return (n + a - 1) // a * a if a > 1 else n


def _parse(obj: bytes) -> tuple[list[_Section], list[_Symbol]]:
    if obj[:4] != b"\x7fELF" or obj[4] != 2 or obj[5] != 1:
        raise RelinkError("not a 64-bit little-endian ELF file")
    (_, e_type, e_machine, _, _, _, e_shoff, _, _, _, _, e_shentsize, e_shnum, e_shstrndx) = (
        EHDR.unpack_from(obj, 0)
    )
    if e_type != ET_REL or e_machine != EM_BPF:
        raise RelinkError(
            f"expected a relocatable BPF object, got type {e_type} machine {e_machine}"
        )
    raw = [SHDR.unpack_from(obj, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    names = obj[raw[e_shstrndx][4] : raw[e_shstrndx][4] + raw[e_shstrndx][5]]
    sections = []
    for i, (sh_name, sh_type, flags, _, off, size, link, info, align, entsize) in enumerate(raw):
        data = b"" if sh_type == SHT_NOBITS else obj[off : off + size]
        sections.append(
            _Section(
                i,
                _cstr(names, sh_name),
                sh_type,
                flags,
                off,
                size,
                link,
                info,
                align,
                entsize,
                data,
            )
        )
    symtabs = [s for s in sections if s.type == SHT_SYMTAB]
    if len(symtabs) != 1:
        raise RelinkError("expected exactly one symbol table")
    symtab = symtabs[0]
    strtab = sections[symtab.link].data
    symbols = []
    for i in range(len(symtab.data) // SYM.size):
        st_name, st_info, _, st_shndx, st_value, _ = SYM.unpack_from(symtab.data, i * SYM.size)
        symbols.append(_Symbol(_cstr(strtab, st_name), st_info, st_shndx, st_value))
    return sections, symbols


def _classify(sec: _Section) -> str | None:
    """Which output region an input section goes to (None: dropped)."""
    if not sec.flags & SHF_ALLOC:
        return None  # debug info, BTF, symbol tables: not loaded
    if sec.flags & SHF_EXECINSTR:
        return ".text"
    if sec.flags & SHF_WRITE or sec.type == SHT_NOBITS:
        if sec.size == 0:
            return None
        if sec.name.startswith(".data.rel.ro"):
            return ".rodata"  # written only by the (static) relocation step
        raise RelinkError(
            f"writable section {sec.name} ({sec.size} bytes): SBPF programs cannot have "
            "mutable statics"
        )
    return ".rodata"


def _place(sections: list[_Section], text: _Out, rodata: _Out) -> dict[int, tuple[_Out, int]]:
    """Append each allocated input section to its region (code, or read-only
    data), aligned; map input section index -> (region, offset in region)."""
    outs = {".text": text, ".rodata": rodata}
    placed: dict[int, tuple[_Out, int]] = {}
    for sec in sections:
        region = _classify(sec)
        if region is None or sec.size == 0:
            continue
        out = outs[region]
        start = _align(len(out.data), max(sec.align, 8 if region == ".text" else 1))
        out.data.extend(b"\0" * (start - len(out.data)))
        out.data.extend(sec.data if sec.type != SHT_NOBITS else b"\0" * sec.size)
        placed[sec.index] = (out, start)
    if not text.data:
        raise RelinkError("no executable code")
    return placed


def relink(obj: bytes, syscalls: frozenset[str] | None = None) -> bytes:
    """Return the SBPF v0 shared object for the relocatable BPF object ``obj``.

    ``syscalls``, when given, is the list of syscall names the build exported to
    bpf-linker; a call to any other undefined symbol is refused, because
    bpf-linker would have internalized its declaration and dropped the call's
    arguments.
    """
    sections, symbols = _parse(obj)
    text, rodata = _Out(".text"), _Out(".rodata")
    placed = _place(sections, text, rodata)

    # Layout: ELF header, program headers, .text, .rodata, .dynamic, .dynsym, .dynstr,
    # .rel.dyn, .shstrtab, section headers. Every loaded section has sh_addr == sh_offset.
    n_phdrs = 4 if rodata.data else 3
    cursor = EHDR.size + n_phdrs * PHDR.size
    text.offset = _align(cursor, 8)
    cursor = text.offset + len(text.data)
    rodata.offset = _align(cursor, 8)
    cursor = rodata.offset + len(rodata.data)
    image_end = cursor  # the end of what a relocation may point into

    def address(sym: _Symbol) -> int:
        """File offset (== vaddr - MM_PROGRAM_START) of a defined symbol."""
        if sym.shndx == SHN_ABS:
            raise RelinkError(f"absolute symbol {sym.name!r} cannot be referenced")
        if sym.shndx not in placed:
            raise RelinkError(f"symbol {sym.name!r} is in a section that is not loaded")
        out, start = placed[sym.shndx]
        return out.offset + start + sym.value

    def in_program(sym: _Symbol, addend: int, target: _Section, r_offset: int) -> int:
        """`sym + addend` as an offset into the loaded image (code and read-only
        data); anything outside it would be a wild pointer, so it is refused
        rather than written."""
        offset = address(sym) + addend
        if not 0 <= offset < image_end:
            raise RelinkError(
                f"relocation at {target.name}+{r_offset:#x}: {sym.name}{addend:+#x} "
                "is outside the program image"
            )
        return offset

    syscall_names: list[str] = []
    dyn_relocs: list[tuple[int, str]] = []  # (offset in file, syscall name)

    for rel_sec in sections:
        if rel_sec.type == SHT_RELA:
            raise RelinkError("RELA relocations are not expected from the BPF backend")
        if rel_sec.type != SHT_REL or rel_sec.info not in placed:
            continue  # relocations of dropped (debug) sections
        out, base = placed[rel_sec.info]
        target = sections[rel_sec.info]
        for i in range(len(rel_sec.data) // REL.size):
            r_offset, r_info = REL.unpack_from(rel_sec.data, i * REL.size)
            r_type, sym = r_info & 0xFFFFFFFF, symbols[r_info >> 32]
            at = base + r_offset  # position inside the output region
            where = out.offset + at  # position in the file
            if r_type == R_BPF_NONE:
                continue
            if r_type == R_BPF_64_32:
                if out is not text or out.data[at] != OP_CALL:
                    raise RelinkError(f"R_BPF_64_32 at {target.name}+{r_offset:#x} is not a call")
                if sym.shndx == SHN_UNDEF:
                    if syscalls is not None and sym.name not in syscalls:
                        raise RelinkError(
                            f"call to {sym.name!r}, which is not in the exported syscall list"
                        )
                    # Syscall: the loader resolves it by name hash; -1 tells it this is
                    # not a pc-relative call.
                    struct.pack_into("<i", out.data, at + 4, -1)
                    if sym.name not in syscall_names:
                        syscall_names.append(sym.name)
                    dyn_relocs.append((where, sym.name))
                    continue
                imm = struct.unpack_from("<i", out.data, at + 4)[0]
                dest = address(sym) + (imm + 1) * INSN
                delta, rem = divmod(dest - (where + INSN), INSN)
                if rem or not -(2**31) <= delta < 2**31:
                    raise RelinkError(f"call target of {sym.name!r} is not reachable")
                struct.pack_into("<i", out.data, at + 4, delta)
            elif r_type == R_BPF_64_64:
                if sym.shndx == SHN_UNDEF:
                    raise RelinkError(f"undefined data symbol {sym.name!r}")
                if out is not text or out.data[at] != OP_LDDW:
                    raise RelinkError(f"R_BPF_64_64 at {target.name}+{r_offset:#x} is not lddw")
                # The implicit addend is lddw's first 32-bit immediate, signed (as
                # LLVM writes it: a negative addend is its two's complement; a
                # value past 32 bits was already truncated by the assembler).
                # A producer that fills the second immediate too gives all 64.
                lo = struct.unpack_from("<I", out.data, at + 4)[0]
                hi = struct.unpack_from("<I", out.data, at + 12)[0]
                raw = lo | hi << 32 if hi else lo | (0xFFFFFFFF << 32 if lo >> 31 else 0)
                addend = struct.unpack("<q", struct.pack("<Q", raw))[0]
                value = MM_PROGRAM_START + in_program(sym, addend, target, r_offset)
                struct.pack_into("<I", out.data, at + 4, value & 0xFFFFFFFF)
                struct.pack_into("<I", out.data, at + 12, value >> 32)
            elif r_type == R_BPF_64_ABS64:
                if sym.shndx == SHN_UNDEF:
                    raise RelinkError(f"undefined data symbol {sym.name!r}")
                addend = struct.unpack_from("<q", out.data, at)[0]
                offset = in_program(sym, addend, target, r_offset)
                struct.pack_into("<Q", out.data, at, MM_PROGRAM_START + offset)
            else:
                raise RelinkError(f"unsupported relocation type {r_type} in {target.name}")

    entry = [s for s in symbols if s.name == "entrypoint" and s.shndx in placed]
    if len(entry) != 1 or placed[entry[0].shndx][0] is not text:
        raise RelinkError("no `entrypoint` function in the object")
    e_entry = address(entry[0])

    # Dynamic tables.
    dynstr = bytearray(b"\0")
    dynsym = bytearray(b"\0" * SYM.size)
    sym_index: dict[str, int] = {}
    for n, name in enumerate(syscall_names, start=1):
        st_name = len(dynstr)
        dynstr += name.encode() + b"\0"
        dynsym += SYM.pack(st_name, (STB_GLOBAL << 4) | STT_NOTYPE, 0, SHN_UNDEF, 0, 0)
        sym_index[name] = n
    rel_dyn = bytearray()
    for where, name in dyn_relocs:
        rel_dyn += REL.pack(where, (sym_index[name] << 32) | R_BPF_64_32)

    dynamic_off = _align(cursor, 8)
    dyn_entries_count = 8 if rel_dyn else 5
    dynsym_off = dynamic_off + dyn_entries_count * 16
    dynstr_off = dynsym_off + len(dynsym)
    rel_off = _align(dynstr_off + len(dynstr), 8)
    entries = [
        (DT_SYMTAB, dynsym_off),
        (DT_SYMENT, SYM.size),
        (DT_STRTAB, dynstr_off),
        (DT_STRSZ, len(dynstr)),
    ]
    if rel_dyn:
        entries += [(DT_REL, rel_off), (DT_RELSZ, len(rel_dyn)), (DT_RELENT, REL.size)]
    entries.append((DT_NULL, 0))
    dynamic = b"".join(struct.pack("<QQ", tag, val) for tag, val in entries)
    assert len(dynamic) == dyn_entries_count * 16

    shstrtab = bytearray(b"\0")

    def shname(name: str) -> int:
        at = len(shstrtab)
        shstrtab.extend(name.encode() + b"\0")
        return at

    shstr_off = rel_off + len(rel_dyn)
    # Section headers: (name, type, flags, offset, size, link, info, align, entsize).
    headers = [(0, SHT_NULL, 0, 0, 0, 0, 0, 0, 0)]
    headers.append(
        (
            shname(".text"),
            SHT_PROGBITS,
            SHF_ALLOC | SHF_EXECINSTR,
            text.offset,
            len(text.data),
            0,
            0,
            8,
            0,
        )
    )
    if rodata.data:
        headers.append(
            (
                shname(".rodata"),
                SHT_PROGBITS,
                SHF_ALLOC,
                rodata.offset,
                len(rodata.data),
                0,
                0,
                8,
                0,
            )
        )
    dynsym_index = len(headers) + 1
    dynstr_index = len(headers) + 2
    headers.append(
        (
            shname(".dynamic"),
            SHT_DYNAMIC,
            SHF_ALLOC,
            dynamic_off,
            len(dynamic),
            dynstr_index,
            0,
            8,
            16,
        )
    )
    headers.append(
        (
            shname(".dynsym"),
            SHT_DYNSYM,
            SHF_ALLOC,
            dynsym_off,
            len(dynsym),
            dynstr_index,
            1,
            8,
            SYM.size,
        )
    )
    headers.append((shname(".dynstr"), SHT_STRTAB, SHF_ALLOC, dynstr_off, len(dynstr), 0, 0, 1, 0))
    if rel_dyn:
        headers.append(
            (
                shname(".rel.dyn"),
                SHT_REL,
                SHF_ALLOC,
                rel_off,
                len(rel_dyn),
                dynsym_index,
                0,
                8,
                REL.size,
            )
        )
    shstrtab_index = len(headers)
    name_at = shname(".shstrtab")
    headers.append((name_at, SHT_STRTAB, 0, shstr_off, len(shstrtab), 0, 0, 1, 0))
    sh_off = _align(shstr_off + len(shstrtab), 8)

    load_end = rel_off + len(rel_dyn)
    phdrs = [
        (PT_LOAD, PF_R | PF_X, text.offset, len(text.data)),
        *([(PT_LOAD, PF_R, rodata.offset, len(rodata.data))] if rodata.data else []),
        (PT_LOAD, PF_R, dynsym_off, load_end - dynsym_off),
        (PT_DYNAMIC, PF_R, dynamic_off, len(dynamic)),
    ]

    image = bytearray(sh_off + len(headers) * SHDR.size)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    EHDR.pack_into(
        image,
        0,
        ident,
        ET_DYN,
        EM_BPF,
        1,
        e_entry,
        EHDR.size,
        sh_off,
        0,
        EHDR.size,
        PHDR.size,
        len(phdrs),
        SHDR.size,
        len(headers),
        shstrtab_index,
    )
    for i, (p_type, p_flags, off, size) in enumerate(phdrs):
        PHDR.pack_into(
            image, EHDR.size + i * PHDR.size, p_type, p_flags, off, off, off, size, size, 8
        )
    image[text.offset : text.offset + len(text.data)] = text.data
    image[rodata.offset : rodata.offset + len(rodata.data)] = rodata.data
    image[dynamic_off : dynamic_off + len(dynamic)] = dynamic
    image[dynsym_off : dynsym_off + len(dynsym)] = dynsym
    image[dynstr_off : dynstr_off + len(dynstr)] = dynstr
    image[rel_off : rel_off + len(rel_dyn)] = rel_dyn
    image[shstr_off : shstr_off + len(shstrtab)] = shstrtab
    for i, (name, sh_type, flags, off, size, link, info, align, entsize) in enumerate(headers):
        addr = off if flags & SHF_ALLOC else 0
        SHDR.pack_into(
            image,
            sh_off + i * SHDR.size,
            name,
            sh_type,
            flags,
            addr,
            off,
            size,
            link,
            info,
            align,
            entsize,
        )
    return bytes(image)


def main(argv: list[str], link: Callable[[bytes, frozenset[str] | None], bytes] = relink) -> int:
    """The command line of this tool and of sbpf_relink_v3.py (`link` relinks)."""
    args, tool = argv[1:], Path(argv[0]).name
    syscalls = None
    if len(args) == 4 and args[2] == "--syscalls":
        syscalls = frozenset(Path(args[3]).read_text().split())
        args = args[:2]
    if len(args) != 2:
        print(f"usage: {tool} <input.o> <output.so> [--syscalls FILE]", file=sys.stderr)
        return 2
    try:
        out = link(Path(args[0]).read_bytes(), syscalls)
    except RelinkError as err:
        print(f"{Path(tool).stem}: {err}", file=sys.stderr)
        return 1
    Path(args[1]).write_bytes(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
