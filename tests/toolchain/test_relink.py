"""The relink step (scripts/sbpf_relink.py): BPF object -> SBPF v0 program.

Objects are assembled from BPF assembly with LLVM 22's `llvm-mc`, relinked,
inspected, and run in LiteSVM, so each rule is checked by the real loader.
"""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import FailedTransactionMetadata

import sbpf_relink
from sbpf_relink import MM_PROGRAM_START, RelinkError, relink
from sbpf_relink_v3 import relink_v3

LLVM_MC = Path("/usr/lib/llvm-22/bin/llvm-mc")
pytestmark = pytest.mark.toolchain

if not LLVM_MC.exists():  # pragma: no cover - the test command installs it first
    pytest.fail(f"{LLVM_MC} missing: run scripts/install-toolchain.sh", pytrace=False)

PROGRAM = """
    .text
    .globl entrypoint
    .type entrypoint,@function
entrypoint:
    r1 = msg ll                 # R_BPF_64_64 against .rodata
    r2 = 5
    call sol_log_               # syscall: dynamic R_BPF_64_32
    r1 = table ll               # R_BPF_64_64 against .data.rel.ro
    r1 = *(u64 *)(r1 + 8)       # a pointer stored in read-only data (R_BPF_64_ABS64)
    r2 = 3
    call sol_log_
    call helper                 # call into another text section
    exit

    .section .text.helper,"ax",@progbits
    .type helper,@function
helper:
    r0 = 42
    exit

    .section .rodata,"a",@progbits
msg:
    .ascii "hello"

    .section .data.rel.ro,"aw",@progbits
    .p2align 3
table:
    .quad msg
    .quad msg+2
"""


def assemble(tmp_path: Path, source: str) -> bytes:
    src = tmp_path / "prog.s"
    obj = tmp_path / "prog.o"
    src.write_text(source)
    subprocess.run(
        [str(LLVM_MC), "-triple", "bpfel", "-mcpu=v2", "-filetype=obj", str(src), "-o", str(obj)],
        check=True,
    )
    return obj.read_bytes()


def sections(elf: bytes) -> dict[str, tuple[int, int, int, int]]:
    """name -> (type, addr, offset, size) of a relinked ELF."""
    (e_shoff,) = struct.unpack_from("<Q", elf, 0x28)
    e_shnum, e_shstrndx = struct.unpack_from("<HH", elf, 0x3C)
    raw = [sbpf_relink.SHDR.unpack_from(elf, e_shoff + i * 64) for i in range(e_shnum)]
    strtab_off = raw[e_shstrndx][4]
    out = {}
    for sh in raw:
        name = elf[strtab_off + sh[0] : elf.index(b"\0", strtab_off + sh[0])].decode()
        out[name] = (sh[1], sh[3], sh[4], sh[5])
    return out


def run(program: bytes) -> FailedTransactionMetadata | object:
    svm = LiteSVM()
    pid = Pubkey.new_unique()
    svm.add_program(pid, program)
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 10**9)
    ix = Instruction(pid, b"", [])
    tx = Transaction([payer], Message([ix], payer.pubkey()), svm.latest_blockhash())
    return svm.send_transaction(tx)


def test_relinked_program_runs_in_litesvm(tmp_path: Path) -> None:
    out = relink(assemble(tmp_path, PROGRAM), frozenset({"sol_log_"}))
    result = run(out)
    # The program returns 42 from the helper: a failed instruction with Custom(42),
    # after logging through both the lddw and the stored-pointer paths.
    assert isinstance(result, FailedTransactionMetadata)
    logs = list(result.meta().logs())
    assert "Program log: hello" in logs
    assert "Program log: llo" in logs
    assert "custom program error: 0x2a" in logs[-1]


def test_layout_rules(tmp_path: Path) -> None:
    out = relink(assemble(tmp_path, PROGRAM))
    e_type, e_machine = struct.unpack_from("<HH", out, 0x10)
    (e_entry,) = struct.unpack_from("<Q", out, 0x18)
    (e_flags,) = struct.unpack_from("<I", out, 0x30)
    assert (e_type, e_machine, e_flags) == (3, 247, 0)
    secs = sections(out)
    assert list(secs) == [
        "",
        ".text",
        ".rodata",
        ".dynamic",
        ".dynsym",
        ".dynstr",
        ".rel.dyn",
        ".shstrtab",
    ]
    for name in (".text", ".rodata", ".dynamic", ".dynsym", ".dynstr", ".rel.dyn"):
        _, addr, off, _ = secs[name]
        assert addr == off, name
    text_off, text_size = secs[".text"][2], secs[".text"][3]
    assert e_entry == text_off  # entrypoint is the first function
    # Both text sections were merged: 11 + 2 slots (an lddw takes two).
    assert text_size == 13 * 8

    # lddw of msg now holds its absolute v0 address.
    rodata_off = secs[".rodata"][2]
    (lo,) = struct.unpack_from("<I", out, text_off + 4)
    (hi,) = struct.unpack_from("<I", out, text_off + 12)
    assert (hi << 32) | lo == MM_PROGRAM_START + rodata_off
    # Pointers in .data.rel.ro (merged into .rodata, after msg) are absolute too.
    table = rodata_off + 8  # "hello" padded to the table's 8-byte alignment
    assert struct.unpack_from("<QQ", out, table) == (
        MM_PROGRAM_START + rodata_off,
        MM_PROGRAM_START + rodata_off + 2,
    )
    # Syscall call sites keep imm = -1, the cross-section call is pc-relative.
    calls = [
        (i, struct.unpack_from("<i", out, text_off + 8 * i + 4)[0])
        for i in range(text_size // 8)
        if out[text_off + 8 * i] == sbpf_relink.OP_CALL
    ]
    assert calls == [(3, -1), (8, -1), (9, 11 - 9 - 1)]
    # One dynamic relocation per syscall site, against a single dynsym entry.
    rel_off, rel_size = secs[".rel.dyn"][2], secs[".rel.dyn"][3]
    rels = [struct.unpack_from("<QQ", out, rel_off + i) for i in range(0, rel_size, 16)]
    assert rels == [
        (text_off + 3 * 8, (1 << 32) | sbpf_relink.R_BPF_64_32),
        (text_off + 8 * 8, (1 << 32) | sbpf_relink.R_BPF_64_32),
    ]


Relinker = Callable[..., bytes]
# What both relinkers (v0 here, v3 in sbpf_relink_v3) must do alike.
RELINKERS = pytest.mark.parametrize("relinker", [relink, relink_v3], ids=["v0", "v3"])


@RELINKERS
def test_output_is_deterministic(tmp_path: Path, relinker: Relinker) -> None:
    obj = assemble(tmp_path, PROGRAM)
    assert relinker(obj) == relinker(obj)


@RELINKERS
def test_fail_relink_with_writable_data(tmp_path: Path, relinker: Relinker) -> None:
    # Bug class: state the loader cannot map.
    source = PROGRAM + '\n    .section .data,"aw",@progbits\ncounter:\n    .quad 7\n'
    with pytest.raises(RelinkError, match="mutable statics"):
        relinker(assemble(tmp_path, source))


@RELINKERS
def test_fail_relink_with_syscall_not_exported(tmp_path: Path, relinker: Relinker) -> None:
    # bpf-linker drops the arguments of calls to syscalls it was not told to
    # export; the relinker refuses such a program instead of shipping it.
    with pytest.raises(RelinkError, match="sol_log_"):
        relinker(assemble(tmp_path, PROGRAM), frozenset({"abort"}))


@RELINKERS
def test_fail_relink_without_entrypoint(tmp_path: Path, relinker: Relinker) -> None:
    # Bug class: a program whose entry is guessed.
    with pytest.raises(RelinkError, match="entrypoint"):
        relinker(assemble(tmp_path, PROGRAM.replace("entrypoint", "start")))


def test_fail_relink_with_non_bpf_input() -> None:
    with pytest.raises(RelinkError):
        relink(b"\x7fELF" + b"\x02\x01" + b"\0" * 58)
    with pytest.raises(RelinkError):
        relink(b"not an elf at all")


def test_cli_writes_the_program(tmp_path: Path) -> None:
    obj = tmp_path / "in.o"
    obj.write_bytes(assemble(tmp_path, PROGRAM))
    out = tmp_path / "out.so"
    assert sbpf_relink.main(["sbpf_relink.py", str(obj), str(out)]) == 0
    assert out.read_bytes() == relink(obj.read_bytes())


def test_lddw_addends_in_range_are_applied_whole(tmp_path: Path) -> None:
    # Bug class: silent mis-relocation. The addend is the lddw's whole 64-bit
    # immediate; one inside the image lands where it points.
    source = PROGRAM.replace("r1 = msg ll", "r1 = msg+1 ll").replace("r2 = 5\n", "r2 = 4\n", 1)
    logs = list(run(relink(assemble(tmp_path, source), frozenset({"sol_log_"}))).meta().logs())  # type: ignore[attr-defined]
    assert "Program log: ello" in logs


@pytest.mark.parametrize("addend", ["-0x1000000", "+0x7fffffff"])
def test_fail_relink_with_an_addend_outside_the_image(tmp_path: Path, addend: str) -> None:
    # A negative addend (two's complement in the 32-bit immediate) or one past
    # the image is a wild pointer: refused, not written. (One past 32 bits is
    # truncated by the assembler itself, before the relinker sees it.)
    source = PROGRAM.replace("r1 = msg ll", f"r1 = msg{addend} ll")
    with pytest.raises(RelinkError, match="outside the program image"):
        relink(assemble(tmp_path, source), frozenset({"sol_log_"}))
