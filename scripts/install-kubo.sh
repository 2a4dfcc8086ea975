#!/usr/bin/env bash
# Build the IPFS node (kubo) the storage tests run against, from the Go module
# proxy only, into the toolchain folder. Idempotent: a no-op when the pinned
# version is in place (a cold build, Go toolchain and modules downloaded, takes
# about 5 minutes on 2 cores, so the binary is kept).
#
# Why not `go install github.com/ipfs/kubo/cmd/ipfs@v0.36.0`: that asks the
# proxy for kubo's version list (deprecation check), which it does not serve.
# Building inside the downloaded module uses kubo's own go.mod and go.sum.
# Why go1.25 (fetched by the go command as the golang.org/toolchain module):
# kubo 0.36 depends on cockroachdb/swiss, which builds only with Go < 1.26.
set -euo pipefail

KUBO_VERSION="0.36.0"
GO_TOOLCHAIN="go1.25.0"
TOOLS="${AMPLIFY_TOOLS:-$HOME/.local/share/amplify-toolchain}"
bin="$TOOLS/bin/ipfs"

if [ "$("$bin" version --number 2>/dev/null || true)" = "$KUBO_VERSION" ]; then
  echo "kubo: $KUBO_VERSION in place ($bin)"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "kubo: no go command; the IPFS tests will use the stand-in server only" >&2
  exit 0
fi
echo "kubo: building $KUBO_VERSION with $GO_TOOLCHAIN (a few minutes, once)"
export GOTOOLCHAIN="$GO_TOOLCHAIN" GOFLAGS=-buildvcs=false
dir="$(cd /tmp && go mod download -json "github.com/ipfs/kubo@v$KUBO_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$dir" ] || { echo "kubo: module download failed" >&2; exit 1; }
mkdir -p "$TOOLS/bin"
# A failed build must not fail the whole check: the IPFS adapter is still
# tested against the stand-in server; say so loudly instead.
if ! (cd "$dir" && go build -trimpath -ldflags="-s -w" -o "$bin.part" ./cmd/ipfs); then
  echo "kubo: WARNING: build failed; the real-IPFS tests will be skipped" >&2
  exit 0
fi
mv "$bin.part" "$bin"
echo "kubo: $("$bin" version --number) at $bin"
