#!/usr/bin/env bash
# Create .venv with the pinned Python stack (requirements.lock) and the SDK
# installed in editable mode. Reuses the venv while the lock file is unchanged.
# Installs with uv (from the package registry, pinned below: ten times faster
# than pip on a fresh machine, which is most of `./scripts/demo`'s first run),
# falling back to pip when uv cannot be had.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${AMPLIFY_VENV:-$root/.venv}"
stamp="$venv/.amplify-lock"
UV_VERSION="0.13.10"
if [ -x "$venv/bin/python" ] && cmp -s "$root/requirements.lock" "$stamp"; then
  exit 0
fi
packages=$(grep -cv '^\s*\(#\|$\)' "$root/requirements.lock")
t0=$SECONDS
echo "python: creating $venv ($packages pinned packages, requirements.lock)"
# --clear: a venv left by another interpreter must not be mixed with this one.
python3 -m venv --clear "$venv"
pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
if "${pip[@]}" "uv==$UV_VERSION" 2>/dev/null; then
  echo "python: installing with uv $UV_VERSION"
  uv=("$venv/bin/uv" pip install --quiet --python "$venv/bin/python")
  "${uv[@]}" -r "$root/requirements.lock"
  "${uv[@]}" --no-deps -e "$root"
else
  echo "python: uv unavailable, installing with pip (a minute or two)"
  "${pip[@]}" -r "$root/requirements.lock"
  "${pip[@]}" --no-deps --no-build-isolation -e "$root"
fi
cp "$root/requirements.lock" "$stamp"
echo "python: ready in $((SECONDS - t0)) s"
