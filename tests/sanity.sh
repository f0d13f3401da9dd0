#!/usr/bin/env bash
# ansible-test sanity needs the collection at a real ansible_collections/<namespace>/<name> path
# (it resolves symlinks), so the files git tracks (plus untracked, not ignored ones) are copied
# to a temporary tree and tested there. Tests that need a container or network are not selected:
# see docs/testing.md for the list and why.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dest="$root/ansible_collections/stacksmith/aws"
mkdir -p "$dest"
git ls-files -co --exclude-standard -z | grep -zv '^\.collections\|^playbooks/group_vars$' \
  | xargs -0 -I{} cp --parents -P {} "$dest/"
cd "$dest"
git init -q && git add -A >/dev/null
# Every test ansible-test has for a collection except: pslint (PowerShell, none here), shellcheck
# (no shell scripts in the collection build) and changelog (no changelog fragments yet).
tests=(action-plugin-docs ansible-doc compile empty-init ignores import line-endings no-assert \
  no-get-exception no-illegal-filenames no-smart-quotes pep8 pylint replace-urlopen runtime-metadata \
  shebang symlinks use-argspec-type-path use-compat-six validate-modules yamllint)
args=()
for t in "${tests[@]}"; do args+=(--test "$t"); done
"$OLDPWD/.venv/bin/ansible-test" sanity --python 3.11 --color no "${args[@]}" "$@"
