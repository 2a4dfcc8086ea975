# Sourced by the scripts: the toolchain's paths, shared in one place.
# Debian's rustc/cargo 1.96 (LLVM 22) come first, so cargo, clippy and rustfmt
# are the ones the SBPF build uses; bpf-linker lives in the toolchain folder.
AMPLIFY_TOOLS="${AMPLIFY_TOOLS:-$HOME/.local/share/amplify-toolchain}"
export PATH="/usr/bin:$AMPLIFY_TOOLS/bin:$PATH"
export RUSTC=/usr/bin/rustc
export CARGO=/usr/bin/cargo
