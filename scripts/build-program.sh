#!/usr/bin/env bash
# Build the on-chain program from source and relink the one object twice: to an
# SBPF v0 ELF (amplify.so, what clusters run today) and to an SBPF v3 ELF
# (amplify-v3.so, what stays deployable once a cluster activates
# disable_sbpf_v0_v1_v2_deployment; docs/toolchain.md says why one object fits both).
#
#   scripts/build-program.sh            build, write both into amplify_sdk/program/
#   scripts/build-program.sh --check    build into target/, fail if either differs
#                                       from the shipped one
#   scripts/build-program.sh --program-id ADDRESS
#                                       build for another program address (a key only
#                                       you hold: docs/toolchain.md), into
#                                       target/deploy/amplify[-v3]-ADDRESS.so; nothing shipped
#
# Needs the toolchain from scripts/install-toolchain.sh. The output depends only on
# the sources and the pinned toolchain (paths are remapped, no timestamps), so a
# rebuild is byte-identical: --check is the verifiable-build gate in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/programs"

shipped_dir="$root/amplify_sdk/program"
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
mkdir -p target/deploy
suffix="${program_id:+-$program_id}"
python3 "$root/scripts/sbpf_relink.py" "$obj" "target/deploy/amplify$suffix.so" \
  --syscalls syscalls.txt
python3 "$root/scripts/sbpf_relink_v3.py" "$obj" "target/deploy/amplify-v3$suffix.so" \
  --syscalls syscalls.txt

status=0
for name in "amplify$suffix.so" "amplify-v3$suffix.so"; do
  out="target/deploy/$name"
  size=$(stat -c %s "$out")
  echo "built $out ($size bytes, sha256 $(sha256sum "$out" | cut -c1-16))"
  case "$mode" in
    write) cp "$out" "$shipped_dir/$name"; echo "shipped -> $shipped_dir/$name" ;;
    --program-id) echo "built for program address $program_id (ProgramData $program_data): $root/programs/$out" ;;
    --check)
      if cmp -s "$out" "$shipped_dir/$name"; then
        echo "reproducible: rebuilt $name is byte-identical to the shipped one"
      else
        echo "ERROR: rebuilt program differs from amplify_sdk/program/$name" >&2
        echo "       (run scripts/build-program.sh and commit the result)" >&2
        status=1
      fi ;;
    *) echo "usage: $0 [--check | --program-id ADDRESS]" >&2; exit 2 ;;
  esac
done
exit $status
