# stacksmith.aws -- `make demo` and `make test` work on a fresh machine (Python 3.11 + PyPI).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COLLECTION_LINK := .collections/ansible_collections/stacksmith/aws
EMULATOR_PORT ?= 4566
export STACKSMITH_EMULATOR_PORT := $(EMULATOR_PORT)
export STACKSMITH_ENDPOINT ?= http://127.0.0.1:$(EMULATOR_PORT)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Everything here talks to the loopback emulator only; never to a real account by accident.
export AWS_ACCESS_KEY_ID := testing
export AWS_SECRET_ACCESS_KEY := testing
export AWS_DEFAULT_REGION := us-east-1
export AWS_EC2_METADATA_DISABLED := true
unexport AWS_PROFILE AWS_SESSION_TOKEN

.PHONY: help setup emulator-up emulator-down emulator-reset demo teardown test lint sanity unit integration molecule bench build clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

setup: $(STAMP) $(COLLECTION_LINK)  ## Create the virtualenv and make the collection visible to Ansible

emulator-up: setup  ## Start the local AWS emulator on 127.0.0.1:$(EMULATOR_PORT)
	$(BIN)/python -m emulator up --port $(EMULATOR_PORT)

emulator-down:  ## Stop the local AWS emulator
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m emulator down; fi

emulator-reset: setup  ## Forget everything the emulator holds
	$(BIN)/python -m emulator reset

demo: emulator-up  ## Deploy every stack of inventories/local onto the emulator and print the outputs
	$(BIN)/ansible-playbook -i inventories/local site.yml
	@echo; echo "Outputs (outputs/<stack>.json):"; for f in outputs/*.json; do echo "== $$f"; cat "$$f"; done

teardown: emulator-up  ## Tear down every stack of inventories/local
	$(BIN)/ansible-playbook -i inventories/local playbooks/teardown.yml

lint: setup  ## ruff and ansible-lint (production profile)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/ansible-lint --profile production

sanity: setup  ## ansible-test sanity (see docs/testing.md for the tests it runs)
	bash tests/sanity.sh

# The module and filter tests again under fixed hash seeds: a request, diff or output that follows set order
# (PYTHONHASHSEED) fails every run instead of one run in two.
UNIT_HASH_SEEDS ?= 0 1 2 8 9

unit: setup  ## Unit tests (filters, modules with botocore Stubber, emulator), the plugin tests under fixed hash seeds
	$(BIN)/python -m pytest tests/unit tests/emulator -q -n 2
	@for seed in $(UNIT_HASH_SEEDS); do \
		echo "tests/unit/plugins with PYTHONHASHSEED=$$seed"; \
		PYTHONHASHSEED=$$seed $(BIN)/python -m pytest tests/unit/plugins -q || exit 1; \
	done

integration: setup  ## Integration tests: playbooks against an emulator started by the tests
	$(BIN)/python -m pytest tests/integration -q -n 2 --dist loadgroup

molecule: setup  ## Molecule scenarios (default driver, localhost, against the emulator)
	bash tests/molecule.sh

test: lint sanity unit integration molecule  ## Everything CI runs

bench: setup  ## Benchmark every architecture under the latency profile (bench/out/: results.md, Gantt PNGs)
	$(BIN)/python -m bench $(BENCH_ARGS)

build: setup  ## Build the collection tarball
	$(BIN)/ansible-galaxy collection build --force --output-path dist .

clean: emulator-down  ## Remove the virtualenv, outputs and caches
	rm -rf $(VENV) .collections .emulator outputs dist .pytest_cache .ruff_cache
