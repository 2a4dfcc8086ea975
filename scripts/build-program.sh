#!/usr/bin/env bash
# Build the on-chain program from source and relink it to an SBPF v0 ELF.
#
#   scripts/build-program.sh            build, write amplify_sdk/program/amplify.so
#   scripts/build-program.sh --check    build into target/, fail if it differs from
#                                       the shipped amplify_sdk/program/amplify.so
#   scripts/build-program.sh --program-id ADDRESS
#                                       build for another program address (a key only
#                                       you hold: docs/toolchain.md), into
#                                       target/deploy/amplify-ADDRESS.so; nothing shipped
#
# Needs the toolchain from scripts/install-toolchain.sh. The output depends only on
# the sources and the pinned toolchain (paths are remapped, no timestamps), so a
# rebuild is byte-identical: --check is the verifiable-build gate in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/programs"

shipped="$root/amplify_sdk/program/amplify.so"
mode="${1:-write}"
program_id=""
if [ "$mode" = "--program-id" ]; then
  program_id="${2:?usage: $0 --program-id ADDRESS}"
  py="$root/.venv/bin/python"; [ -x "$py" ] || py=python3
  # The program reads both at compile time (a PDA cannot be derived there).
  program_data="$("$py" -c 'import sys; from solders.pubkey import Pubkey
p = Pubkey.from_string(sys.argv[1])
loader = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")
print(Pubkey.find_program_address([bytes(p)], loader)[0])' "$program_id")"
  export AMPLIFY_PROGRAM_ID="$program_id" AMPLIFY_PROGRAM_DATA_ID="$program_data"
fi

export RUSTC_BOOTSTRAP=1
# shellcheck source=scripts/env.sh
source "$root/scripts/env.sh"
# bpf-linker internalizes every symbol it is not told to export, declarations
# included; an internal syscall declaration then loses its arguments to
# dead-argument elimination. Exporting every syscall name prevents that.
exports="$(paste -sd, syscalls.txt)"
export CARGO_TARGET_BPFEL_UNKNOWN_NONE_RUSTFLAGS="-C link-arg=--export=${exports} --remap-path-prefix=${root}=/amplify --remap-path-prefix=${HOME}/.cargo=/cargo --remap-path-prefix=/usr/lib/rustlib/src/rust=/rustc"
cargo build --release --target bpfel-unknown-none -Zbuild-std=core,alloc -p amplify --locked

obj="target/bpfel-unknown-none/release/libamplify.so"
out="target/deploy/amplify${program_id:+-$program_id}.so"
mkdir -p target/deploy
python3 "$root/scripts/sbpf_relink.py" "$obj" "$out" --syscalls syscalls.txt
size=$(stat -c %s "$out")
echo "built $out ($size bytes, sha256 $(sha256sum "$out" | cut -c1-16))"

case "$mode" in
  write) cp "$out" "$shipped"; echo "shipped -> $shipped" ;;
  --program-id) echo "built for program address $program_id (ProgramData $program_data): $root/programs/$out" ;;
  --check)
    if cmp -s "$out" "$shipped"; then
      echo "reproducible: rebuilt program is byte-identical to the shipped one"
    else
      echo "ERROR: rebuilt program differs from amplify_sdk/program/amplify.so" >&2
      echo "       (run scripts/build-program.sh and commit the result)" >&2
      exit 1
    fi ;;
  *) echo "usage: $0 [--check | --program-id ADDRESS]" >&2; exit 2 ;;
esac
