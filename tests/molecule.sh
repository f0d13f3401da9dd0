#!/usr/bin/env bash
# Runs every molecule scenario against a dedicated loopback emulator started here.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
port="${STACKSMITH_MOLECULE_PORT:-4599}"
state=".emulator/molecule"
export STACKSMITH_ENDPOINT="http://127.0.0.1:${port}"
python -m emulator up --port "$port" --state-dir "$state" >/dev/null
trap 'python -m emulator down --state-dir "$state" >/dev/null' EXIT
status=0
for scenario in molecule/*/molecule.yml; do
  name=$(basename "$(dirname "$scenario")")
  echo "== molecule test -s $name"
  molecule test -s "$name" || status=1
done
exit $status
