#!/usr/bin/env bash
# Install Agave's `solana-test-validator` (a real Solana validator for the
# test command's real-validator tier), built from the Rust crate registry:
# `cargo install agave-validator` with Debian's protobuf-compiler, clang,
# libclang-dev and libudev-dev. Pinned; idempotent: a no-op in about a second
# once installed. On a fresh 2-core machine the build takes about 40 minutes
# (967 crates); it runs at low priority and is reused by every later run.
set -euo pipefail

AGAVE_VERSION="3.1.12"
TOOLS="${AMPLIFY_TOOLS:-$HOME/.local/share/amplify-toolchain}"
bin="$TOOLS/bin/solana-test-validator"

if [ "$("$bin" --version 2>/dev/null | cut -d' ' -f2 || true)" = "$AGAVE_VERSION" ]; then
  echo "validator: solana-test-validator $AGAVE_VERSION"
  exit 0
fi
packages=(protobuf-compiler clang libclang-dev libudev-dev pkg-config libssl-dev)
missing=()
for name in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing+=("$name")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "validator: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "validator: building agave-validator $AGAVE_VERSION from the crate registry (about 40 minutes on 2 cores)"
t0=$SECONDS
nice -n 10 /usr/bin/cargo install agave-validator --version "=$AGAVE_VERSION" --locked --quiet \
  --root "$TOOLS" --bin solana-test-validator
echo "validator: solana-test-validator $("$bin" --version | cut -d' ' -f2) built in $((SECONDS - t0)) s"
