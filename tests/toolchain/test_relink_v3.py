"""The SBPF v3 relink step (scripts/sbpf_relink_v3.py): BPF object -> SBPF v3 program.

As in test_relink.py (which also runs the checks both relinkers share on
this one), objects are assembled with LLVM 22's `llvm-mc`, relinked,
inspected against the rules of solana-sbpf 0.21.0's strict ELF loader, and run
in solders 0.29's LiteSVM, whose loader is the judge of what a v3 program is.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.litesvm import FeatureSet, LiteSVM
from solders.message import Message
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_metadata import FailedTransactionMetadata

import sbpf_relink_v3
from amplify_sdk.chain._embedded import ENABLE_SBPF_V3
from sbpf_relink import RelinkError
from sbpf_relink_v3 import MM_BYTECODE_START, NULL_GUARD, murmur3_32, relink_v3

from .test_relink import PROGRAM, assemble, sections

pytestmark = pytest.mark.toolchain

PF_X, PF_R, PT_LOAD = 1, 4, 1


def run_logs(program: bytes, svm: LiteSVM | None = None) -> list[str]:
    svm = svm or LiteSVM()
    pid = Pubkey.new_unique()
    svm.add_program(pid, program)
    payer = Keypair()
    svm.airdrop(payer.pubkey(), 10**9)
    ix = Instruction(pid, b"", [])
    tx = Transaction([payer], Message([ix], payer.pubkey()), svm.latest_blockhash())
    result = svm.send_transaction(tx)
    meta = result.meta() if isinstance(result, FailedTransactionMetadata) else result
    return list(meta.logs())


def program_headers(elf: bytes) -> list[tuple[int, int, int, int, int, int, int]]:
    """(type, flags, offset, vaddr, paddr, filesz, memsz) of each program header."""
    (e_phoff,) = struct.unpack_from("<Q", elf, 0x20)
    (e_phnum,) = struct.unpack_from("<H", elf, 0x38)
    return [struct.unpack_from("<IIQQQQQ", elf, e_phoff + i * 56) for i in range(e_phnum)]


def test_v3_program_runs_in_litesvm(tmp_path: Path) -> None:
    out = relink_v3(assemble(tmp_path, PROGRAM), frozenset({"sol_log_"}))
    logs = run_logs(out)
    # Both static syscalls reached sol_log_ (lddw path and stored pointer),
    # the internal call returned 42 from the helper.
    assert "Program log: hello" in logs
    assert "Program log: llo" in logs
    assert "custom program error: 0x2a" in logs[-1]


def test_the_loader_takes_it_for_v3(tmp_path: Path) -> None:
    # Bug class: an artifact that only claims to be v3. With SBPF v3 disabled
    # (the runtime built from a feature set without it), the same loader
    # refuses the program by its version.
    features = LiteSVM.mainnet_feature_set()
    features.deactivate(ENABLE_SBPF_V3)
    svm = LiteSVM.default().with_feature_set(features).with_builtins().with_sysvars()
    out = relink_v3(assemble(tmp_path, PROGRAM))
    with pytest.raises(Exception, match="sbpf_version"):
        svm.add_program(Pubkey.new_unique(), out)


def test_layout_rules(tmp_path: Path) -> None:
    out = relink_v3(assemble(tmp_path, PROGRAM))
    e_type, e_machine = struct.unpack_from("<HH", out, 0x10)
    (e_entry, e_phoff) = struct.unpack_from("<QQ", out, 0x18)
    (e_flags,) = struct.unpack_from("<I", out, 0x30)
    assert (e_type, e_machine, e_flags, e_phoff) == (3, 247, 3, 64)
    assert out[7:16] == bytes(9)  # OSABI 0, ABI version 0, zero padding
    phdrs = program_headers(out)
    # Read-only data at vaddr 0 right after the header table, code at 1 << 32
    # right after it; nothing else is loaded.
    ro, code = phdrs
    assert ro[:4] == (PT_LOAD, PF_R, 64 + 2 * 56, 0) and ro[4] == 0 and ro[5] == ro[6]
    assert code[:4] == (PT_LOAD, PF_X, ro[2] + ro[5], MM_BYTECODE_START)
    assert code[4] == MM_BYTECODE_START and code[5] == code[6] == 13 * 8
    assert ro[2] % 8 == ro[5] % 8 == code[2] % 8 == 0
    assert e_entry == MM_BYTECODE_START  # entrypoint is the first function
    assert set(sections(out)) == {"", ".rodata", ".text", ".shstrtab"}  # no dynamic tables

    text, rodata = code[2], ro[2]
    # "hello" sits after the null guard; lddw holds its final address.
    assert out[rodata : rodata + NULL_GUARD] == bytes(NULL_GUARD)
    assert out[rodata + NULL_GUARD : rodata + NULL_GUARD + 5] == b"hello"
    (lo,) = struct.unpack_from("<I", out, text + 4)
    (hi,) = struct.unpack_from("<I", out, text + 12)
    assert (hi << 32) | lo == NULL_GUARD
    # The pointers stored in .data.rel.ro (after "hello", 8-aligned) are final too.
    assert struct.unpack_from("<QQ", out, rodata + 16) == (NULL_GUARD, NULL_GUARD + 2)
    # Syscalls: src 0, imm = murmur3 of the name; the helper call: src 1, pc-relative.
    calls = [
        (i, out[text + 8 * i + 1] >> 4, struct.unpack_from("<i", out, text + 8 * i + 4)[0])
        for i in range(13)
        if out[text + 8 * i] == sbpf_relink_v3.OP_CALL
    ]
    log_key = struct.unpack("<i", struct.pack("<I", murmur3_32(b"sol_log_")))[0]
    assert calls == [(3, 0, log_key), (8, 0, log_key), (9, 1, 11 - 9 - 1)]


def test_murmur3_matches_reference_vectors() -> None:
    # Published MurmurHash3 x86_32 vectors (seed 0), and syscall keys known
    # from the Solana tool chain (sol_log_ 0x207559bd, abort 0xb6fc1a11).
    assert murmur3_32(b"") == 0
    assert murmur3_32(b"hello") == 0x248BFA47
    assert murmur3_32(b"The quick brown fox jumps over the lazy dog") == 0x2E4FF723
    assert murmur3_32(b"sol_log_") == 0x207559BD
    assert murmur3_32(b"abort") == 0xB6FC1A11


def test_function_pointers_are_callable(tmp_path: Path) -> None:
    # callx through a pointer loaded with lddw (a vtable's case): code lives
    # at 1 << 32, and SBPF v3 reads callx's register from dst, as LLVM writes it.
    source = PROGRAM.replace("    call helper ", "    r3 = helper ll\n    callx r3 ")
    logs = run_logs(relink_v3(assemble(tmp_path, source), frozenset({"sol_log_"})))
    assert "custom program error: 0x2a" in logs[-1]


def test_alu32_results_are_sign_extended_in_v3(tmp_path: Path) -> None:
    # Why the v3 build keeps LLVM's CPU v2 (no ALU32): solana-sbpf 0.21.0
    # sign-extends add32 results in v3 (`explicit_sign_extension_of_results`
    # is v2-only), where eBPF, and so LLVM's alu32 code, zero-extends them.
    source = """
    .text
    .globl entrypoint
    .type entrypoint,@function
entrypoint:
    w1 = 0x7fffffff
    w1 += 1
    r2 = 0
    r3 = 0
    r4 = 0
    r5 = 0
    call sol_log_64_
    r0 = 0
    exit
"""
    logs = run_logs(relink_v3(assemble(tmp_path, source), frozenset({"sol_log_64_"})))
    assert "Program log: 0xffffffff80000000, 0x0, 0x0, 0x0, 0x0" in logs


def test_fail_relink_v3_with_unknown_syscall_key(tmp_path: Path) -> None:
    # Bug class: a call that fails only when executed. The v3 verifier accepts
    # any immediate; a `call` already encoded with an unknown key is refused here.
    source = PROGRAM.replace("    exit\n", "    call 12345\n    exit\n", 1)
    with pytest.raises(RelinkError, match="unknown syscall"):
        relink_v3(assemble(tmp_path, source), frozenset({"sol_log_"}))


def test_fail_relink_v3_with_code_read_as_data(tmp_path: Path) -> None:
    # Bug class: reading code as data. Code is not readable in v3: an lddw into
    # the middle of an instruction is no function pointer.
    source = PROGRAM.replace("r1 = msg ll", "r1 = helper+4 ll")
    with pytest.raises(RelinkError, match="not an instruction"):
        relink_v3(assemble(tmp_path, source))


@pytest.mark.parametrize("addend", ["-0x1000000", "+0x7fffffff", "-8"])
def test_fail_relink_v3_with_an_addend_outside_the_rodata(tmp_path: Path, addend: str) -> None:
    # Bug class: wild pointers. "-8" lands on the null guard: address 0, which
    # Rust reads as a null pointer.
    source = PROGRAM.replace("r1 = msg ll", f"r1 = msg{addend} ll")
    with pytest.raises(RelinkError, match="outside the read-only data"):
        relink_v3(assemble(tmp_path, source), frozenset({"sol_log_"}))


def test_program_without_rodata_has_one_segment(tmp_path: Path) -> None:
    source = """
    .text
    .globl entrypoint
    .type entrypoint,@function
entrypoint:
    r0 = 7
    exit
"""
    out = relink_v3(assemble(tmp_path, source))
    assert [p[:4] for p in program_headers(out)] == [(PT_LOAD, PF_X, 64 + 56, MM_BYTECODE_START)]
    assert "custom program error: 0x7" in run_logs(out)[-1]


def test_cli_writes_the_program(tmp_path: Path) -> None:
    obj = tmp_path / "in.o"
    obj.write_bytes(assemble(tmp_path, PROGRAM))
    out = tmp_path / "out.so"
    assert sbpf_relink_v3.main(["sbpf_relink_v3.py", str(obj), str(out)]) == 0
    assert out.read_bytes() == relink_v3(obj.read_bytes())


def test_litesvm_runtime_is_built_from_mainnet_features(tmp_path: Path) -> None:
    # docs/toolchain.md: LiteSVM() builds its program runtime from mainnet-beta's
    # features; sol_blake3's gate (blake3_syscall_enabled) is not among them.
    source = """
    .text
    .globl entrypoint
    .type entrypoint,@function
entrypoint:
    r1 = 0
    r2 = 0
    r3 = 0
    call sol_blake3
    exit
"""
    out = relink_v3(assemble(tmp_path, source))
    assert "unsupported BPF instruction" in run_logs(out)[-1]
    everything = (
        LiteSVM.default()
        .with_feature_set(FeatureSet.all_enabled())
        .with_builtins()
        .with_lamports(10**15)
        .with_sysvars()
    )
    assert "unsupported BPF instruction" not in run_logs(out, everything)[-1]
