#!/usr/bin/env python3
"""Relink an upstream BPF ELF object (bpf-linker's output) into an SBPF v3 program.

SBPF v3 (SIMD-0178 static syscalls, SIMD-0189 stricter ELF headers, SIMD-0377)
is the format that stays deployable once a cluster activates
``disable_sbpf_v0_v1_v2_deployment`` (SIMD-0500). The rules below are those of
the loader in solana-sbpf 0.21.0 (``Executable::load_with_strict_parser`` in
``src/elf.rs``, ``RequisiteVerifier`` in ``src/verifier.rs``, ``CALL_IMM`` in
``src/interpreter.rs``), the version inside solders 0.29's LiteSVM and Agave 4.1:

* ``e_flags = 3``; ``e_ident`` with OSABI 0 and zero padding; ``e_phoff = 64``;
* program headers, nothing else, tell the loader where things are: an optional
  first ``PT_LOAD`` with ``p_flags == PF_R`` at ``p_vaddr == 0`` (read-only data),
  then one ``PT_LOAD`` with ``p_flags == PF_X`` at ``p_vaddr == 1 << 32`` (code);
  each segment starts where the previous one (or the header table) ends, with
  offset and size multiples of 8 and ``p_filesz == p_memsz``;
* no relocations and no dynamic section: every address is final. Read-only
  data is seen at ``0 + offset in the segment``, code at ``1 << 32 + offset``;
  the text is not readable as data, so only function pointers may point into it;
* a call to a function is ``call`` with ``src = 1`` and a pc-relative immediate;
  a syscall is ``call`` with ``src = 0`` and ``imm = murmur3_32(name)``. The
  loader does not check syscall hashes at deployment, so this tool does;
* ``e_entry`` is the entrypoint's virtual address in the code segment.

Read-only data begins with 8 zero bytes: its segment starts at address 0, and
an object placed there would have the null address (``Option<&T>`` would read
it as ``None``). Section headers are written for tools (readelf, objdump); the
loader ignores them. The output is a pure function of the input bytes.
"""

from __future__ import annotations

import struct
import sys

import sbpf_relink
from sbpf_relink import (
    EHDR,
    EM_BPF,
    ET_DYN,
    INSN,
    OP_CALL,
    OP_LDDW,
    PF_R,
    PF_X,
    PHDR,
    PT_LOAD,
    R_BPF_64_32,
    R_BPF_64_64,
    R_BPF_64_ABS64,
    R_BPF_NONE,
    SHDR,
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHN_ABS,
    SHN_UNDEF,
    SHT_NULL,
    SHT_PROGBITS,
    SHT_REL,
    SHT_RELA,
    SHT_STRTAB,
    RelinkError,
    _align,
    _Out,
    _parse,
    _place,
    _Symbol,
)

MM_RODATA_START = 0
MM_BYTECODE_START = 1 << 32
E_FLAGS_V3 = 3
NULL_GUARD = 8  # bytes at address 0 that no object may occupy


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """The syscall key of SBPF: ``ebpf::hash_symbol_name`` (hash32's Murmur3)."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed
    full = len(data) // 4 * 4
    for i in range(0, full, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    tail = data[full:]
    if tail:
        k = (int.from_bytes(tail, "little") * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    return h ^ (h >> 16)


def relink_v3(obj: bytes, syscalls: frozenset[str] | None = None) -> bytes:
    """Return the SBPF v3 program for the relocatable BPF object ``obj``.

    ``syscalls`` is the list of syscall names the build exported to bpf-linker
    (see ``sbpf_relink.relink``); when given, a call to any other undefined
    symbol is refused.
    """
    sections, symbols = _parse(obj)
    text, rodata = _Out(".text"), _Out(".rodata")
    rodata.data.extend(b"\0" * NULL_GUARD)
    placed = _place(sections, text, rodata)
    if len(rodata.data) == NULL_GUARD:
        rodata.data.clear()  # no read-only data: no segment for it
    rodata.data.extend(b"\0" * (_align(len(rodata.data), INSN) - len(rodata.data)))

    def region_offset(sym: _Symbol) -> tuple[_Out, int]:
        if sym.shndx == SHN_ABS:
            raise RelinkError(f"absolute symbol {sym.name!r} cannot be referenced")
        if sym.shndx not in placed:
            raise RelinkError(f"symbol {sym.name!r} is in a section that is not loaded")
        out, start = placed[sym.shndx]
        return out, start + sym.value

    def data_address(sym: _Symbol, addend: int, where: str) -> int:
        """The final virtual address of ``sym + addend`` stored by lddw or in data."""
        if sym.shndx == SHN_UNDEF:
            raise RelinkError(f"undefined data symbol {sym.name!r}")
        out, offset = region_offset(sym)
        offset += addend
        if out is text:
            # v3 maps code for execution only: a pointer into it can only be
            # called (callx), so it must land on an instruction.
            if offset % INSN or not 0 <= offset < len(text.data):
                raise RelinkError(f"{where}: {sym.name}{addend:+#x} is not an instruction")
            return MM_BYTECODE_START + offset
        if not NULL_GUARD <= offset < len(rodata.data):
            raise RelinkError(f"{where}: {sym.name}{addend:+#x} is outside the read-only data")
        return MM_RODATA_START + offset

    for rel_sec in sections:
        if rel_sec.type == SHT_RELA:
            raise RelinkError("RELA relocations are not expected from the BPF backend")
        if rel_sec.type != SHT_REL or rel_sec.info not in placed:
            continue
        out, base = placed[rel_sec.info]
        target = sections[rel_sec.info]
        for i in range(len(rel_sec.data) // 16):
            r_offset, r_info = struct.unpack_from("<QQ", rel_sec.data, i * 16)
            r_type, sym = r_info & 0xFFFFFFFF, symbols[r_info >> 32]
            at = base + r_offset
            where = f"relocation at {target.name}+{r_offset:#x}"
            if r_type == R_BPF_NONE:
                continue
            if r_type == R_BPF_64_32:
                if out is not text or out.data[at] != OP_CALL:
                    raise RelinkError(f"R_BPF_64_32 at {target.name}+{r_offset:#x} is not a call")
                regs = out.data[at + 1] & 0x0F  # keep dst, set src below
                if sym.shndx == SHN_UNDEF:
                    if syscalls is not None and sym.name not in syscalls:
                        raise RelinkError(
                            f"call to {sym.name!r}, which is not in the exported syscall list"
                        )
                    out.data[at + 1] = regs  # src = 0: a static syscall
                    struct.pack_into("<I", out.data, at + 4, murmur3_32(sym.name.encode()))
                    continue
                dest_out, dest = region_offset(sym)
                if dest_out is not text:
                    raise RelinkError(f"call to {sym.name!r}, which is not code")
                imm = struct.unpack_from("<i", out.data, at + 4)[0]
                delta, rem = divmod(dest + (imm + 1) * INSN - (at + INSN), INSN)
                if rem or not -(2**31) <= delta < 2**31:
                    raise RelinkError(f"call target of {sym.name!r} is not reachable")
                out.data[at + 1] = regs | 0x10  # src = 1: a call inside the program
                struct.pack_into("<i", out.data, at + 4, delta)
            elif r_type == R_BPF_64_64:
                if out is not text or out.data[at] != OP_LDDW:
                    raise RelinkError(f"R_BPF_64_64 at {target.name}+{r_offset:#x} is not lddw")
                # The implicit addend as in sbpf_relink.relink: lddw's first
                # immediate, signed, or both immediates when the second is set.
                lo, hi = struct.unpack_from("<I", out.data, at + 4)[0], out.data[at + 12 : at + 16]
                hi_v = int.from_bytes(hi, "little")
                raw = lo | hi_v << 32 if hi_v else lo | (0xFFFFFFFF << 32 if lo >> 31 else 0)
                addend = struct.unpack("<q", struct.pack("<Q", raw))[0]
                value = data_address(sym, addend, where)
                struct.pack_into("<I", out.data, at + 4, value & 0xFFFFFFFF)
                struct.pack_into("<I", out.data, at + 12, value >> 32)
            elif r_type == R_BPF_64_ABS64:
                addend = struct.unpack_from("<q", out.data, at)[0]
                struct.pack_into("<Q", out.data, at, data_address(sym, addend, where))
            else:
                raise RelinkError(f"unsupported relocation type {r_type} in {target.name}")

    _check_calls(text.data, syscalls)
    entry = [s for s in symbols if s.name == "entrypoint" and s.shndx in placed]
    if len(entry) != 1 or placed[entry[0].shndx][0] is not text:
        raise RelinkError("no `entrypoint` function in the object")
    e_entry = MM_BYTECODE_START + region_offset(entry[0])[1]
    return _image(text.data, rodata.data, e_entry)


def _check_calls(code: bytes | bytearray, syscalls: frozenset[str] | None) -> None:
    """Every call must be resolved: v3's verifier accepts any immediate, and an
    unknown one fails only when executed."""
    known = {murmur3_32(n.encode()) for n in syscalls} if syscalls is not None else None
    n = len(code) // INSN
    pc = 0
    while pc < n:
        op, regs = code[pc * INSN], code[pc * INSN + 1]
        (imm,) = struct.unpack_from("<i", code, pc * INSN + 4)
        if op == OP_CALL and regs >> 4 == 1 and not 0 <= pc + 1 + imm < n:
            raise RelinkError(f"call at instruction {pc} jumps outside the code")
        if op == OP_CALL and regs >> 4 == 0 and known is not None and imm & 0xFFFFFFFF not in known:
            raise RelinkError(f"call at instruction {pc} is to an unknown syscall {imm:#x}")
        pc += 2 if op == OP_LDDW else 1


def _image(code: bytes | bytearray, ro: bytes | bytearray, e_entry: int) -> bytes:
    """The ELF file: header, program headers, read-only data, code, section names,
    section headers."""
    n_phdrs = 2 if ro else 1
    ro_off = EHDR.size + n_phdrs * PHDR.size
    text_off = ro_off + len(ro)
    shstrtab = b"\0.rodata\0.text\0.shstrtab\0"
    shstr_off = text_off + len(code)
    sh_off = _align(shstr_off + len(shstrtab), 8)
    segments = [(PF_X, text_off, MM_BYTECODE_START, len(code))]
    # Section headers: (name offset, type, flags, addr, offset, size, align).
    headers = [(0, SHT_NULL, 0, 0, 0, 0, 0)]
    if ro:
        segments.insert(0, (PF_R, ro_off, MM_RODATA_START, len(ro)))
        headers.append((1, SHT_PROGBITS, SHF_ALLOC, MM_RODATA_START, ro_off, len(ro), 8))
    headers.append(
        (9, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, MM_BYTECODE_START, text_off, len(code), 8)
    )
    headers.append((15, SHT_STRTAB, 0, 0, shstr_off, len(shstrtab), 1))
    image = bytearray(sh_off + len(headers) * SHDR.size)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    EHDR.pack_into(
        image, 0, ident, ET_DYN, EM_BPF, 1, e_entry, EHDR.size, sh_off, E_FLAGS_V3,
        EHDR.size, PHDR.size, len(segments), SHDR.size, len(headers), len(headers) - 1,
    )  # fmt: skip
    for i, (flags, off, vaddr, size) in enumerate(segments):
        PHDR.pack_into(image, EHDR.size + i * PHDR.size, PT_LOAD, flags, off, vaddr, vaddr, size,
                       size, 8)  # fmt: skip
    image[ro_off:text_off] = ro
    image[text_off:shstr_off] = code
    image[shstr_off : shstr_off + len(shstrtab)] = shstrtab
    for i, (name, sh_type, flags, addr, off, size, align) in enumerate(headers):
        SHDR.pack_into(image, sh_off + i * SHDR.size, name, sh_type, flags, addr, off, size, 0, 0,
                       align, 0)  # fmt: skip
    return bytes(image)


def main(argv: list[str]) -> int:
    return sbpf_relink.main(argv, relink_v3)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
