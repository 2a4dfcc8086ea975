#!/usr/bin/env bash
# Create .venv with the pinned Python stack (requirements.lock) and the SDK
# installed in editable mode. Reuses the venv while the lock file is unchanged.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${AMPLIFY_VENV:-$root/.venv}"
stamp="$venv/.amplify-lock"
if [ -x "$venv/bin/python" ] && cmp -s "$root/requirements.lock" "$stamp"; then
  exit 0
fi
echo "python: creating $venv from requirements.lock"
# --clear: a venv left by another interpreter must not be mixed with this one.
python3 -m venv --clear "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/requirements.lock"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$root"
cp "$root/requirements.lock" "$stamp"
