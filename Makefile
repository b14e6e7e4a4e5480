# The README's two commands: `make demo` (the main job) and `make test` (the test suite).
# Both first run scripts/bootstrap.sh, which creates or reuses the git-ignored .venv.
VENV := .venv
NP ?= 2

.PHONY: setup demo test benchmark
setup:
	@bash scripts/bootstrap.sh

demo: setup
	$(VENV)/bin/mdfe info
	$(VENV)/bin/mpirun -n $(NP) $(VENV)/bin/mdfe run examples/graphene_crack.toml

test: setup
	$(VENV)/bin/python -m pytest

# the default benchmark suite; rewrites the tables and figures of benchmarks/README.md
benchmark: setup
	$(VENV)/bin/python benchmarks/run_all.py
