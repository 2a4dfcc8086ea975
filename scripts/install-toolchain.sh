#!/usr/bin/env bash
# Install the on-chain build toolchain on a Debian bookworm machine, from the
# Debian archive and the Rust crate registry only (no GitHub downloads):
#   rustc-web/cargo-web 1.96 (LLVM 22) + std sources, clippy, rustfmt,
#   LLVM 22 (libLLVM for bpf-linker, llvm-mc/llvm-readelf for tests),
#   bpf-linker 0.10.4 built against Debian's LLVM 22,
#   cargo-fuzz 0.13.2 (the fuzzing driver, scripts/fuzz).
# Pinned versions; idempotent; a no-op in about a second when all is in place.
set -euo pipefail

RUST_VERSION="1.96.0+dfsg1-1~deb12u2"
LLVM_VERSION="1:22.1.8-1~deb12u1"
BPF_LINKER_VERSION="0.10.4"
CARGO_FUZZ_VERSION="0.13.2"
TOOLS="${AMPLIFY_TOOLS:-$HOME/.local/share/amplify-toolchain}"

packages=(
  "rustc-web=$RUST_VERSION" "cargo-web=$RUST_VERSION" "rust-web-src=$RUST_VERSION"
  "rust-web-clippy=$RUST_VERSION" "rustfmt-web=$RUST_VERSION"
  "llvm-22=$LLVM_VERSION" "llvm-22-dev=$LLVM_VERSION"
)
missing=()
for spec in "${packages[@]}"; do
  name="${spec%%=*}"; want="${spec#*=}"
  have="$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || true)"
  [ "$have" = "$want" ] || missing+=("$spec")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "toolchain: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$("$TOOLS/bin/bpf-linker" --version 2>/dev/null || true)" != "bpf-linker $BPF_LINKER_VERSION" ]; then
  echo "toolchain: building bpf-linker $BPF_LINKER_VERSION against LLVM 22"
  LLVM_PREFIX=/usr/lib/llvm-22 LLVM_SYS_221_PREFIX=/usr/lib/llvm-22 \
    /usr/bin/cargo install bpf-linker --version "$BPF_LINKER_VERSION" --locked --quiet \
      --no-default-features --features llvm-22 --root "$TOOLS"
fi
if [ "$("$TOOLS/bin/cargo-fuzz" --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "toolchain: building cargo-fuzz $CARGO_FUZZ_VERSION"
  /usr/bin/cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet --root "$TOOLS"
fi
echo "toolchain: rustc $(/usr/bin/rustc --version | cut -d' ' -f2), $("$TOOLS/bin/bpf-linker" --version), $("$TOOLS/bin/cargo-fuzz" --version), LLVM $(/usr/lib/llvm-22/bin/llvm-config --version)"
