#!/usr/bin/env bash
# ansible-test sanity needs the collection at a real ansible_collections/<namespace>/<name> path
# (it resolves symlinks), so the files git tracks (plus untracked, not ignored ones) are copied
# to a temporary tree and tested there (minus emulator/ and bench/, developer tooling that
# build_ignore keeps out of the collection too). Tests that need a container or network are not selected:
# see docs/testing.md for the list and why.
set -euo pipefail
cd "$(dirname "$0")/.."
# ansible-test bootstraps pip in its per-test virtualenvs with a script downloaded from a host we
# cannot reach; give it the offline stand-in (tests/get_pip_offline.py) under the name it expects.
pip_version=$(grep -ohP "^\s+pip='\K[0-9.]+" .venv/lib/python3.11/site-packages/ansible_test/_internal/python_requirements.py)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")" && cp tests/get_pip_offline.py "$cache"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dest="$root/ansible_collections/stacksmith/aws"
mkdir -p "$dest"
# Dependencies must sit beside it in the same ansible_collections tree (as `ansible-galaxy
# collection install -p` would put them): link the ones shipped in the ansible package.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections
ln -s "$site/amazon" "$root/ansible_collections/amazon"
ln -s "$site/community" "$root/ansible_collections/community"
git ls-files -co --exclude-standard -z | grep -zEv '^(\.collections|emulator/|tests/emulator/|bench/|tests/unit/bench/|playbooks/group_vars$|molecule/[^/]+/group_vars$)' \
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
