# Shortcuts for the project's commands (each is a script in testbed/).
.PHONY: test demo bench bench-quick fuzz soak

# the whole test suite, setup included (what .ci/run runs)
test:
	./testbed/run-tests.sh

# the demo against the local testbed
demo:
	./testbed/demo.sh

# the side-by-side benchmark: writes BENCHMARKS.md and bench/ratios.png (~15 min)
bench:
	./testbed/bench.sh

# a short benchmark run (1/10 of the counts, 3 rounds) into target/bench-quick
bench-quick:
	./testbed/bench.sh --quick --out target/bench-quick

# fuzz the option/JSON/policy parsers (fuzz/) for FUZZ_SECONDS, optimised build; new inputs
# go to target/fuzz/new-corpus/, violations to target/fuzz/crashes/ (60 s run: testbed/fuzz.sh)
FUZZ_SECONDS ?= 3600
fuzz:
	./testbed/fuzz.sh --long $(FUZZ_SECONDS)

# the soak run (~5 min): mixed requests against the test servers, fails on RSS/fd/thread
# growth after the warm-up (SOAK_SECONDS; 30 s run: testbed/soak.sh 30)
SOAK_SECONDS ?= 300
soak:
	./testbed/soak.sh $(SOAK_SECONDS)
