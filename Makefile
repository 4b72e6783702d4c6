# ctxbridge: one entry point for every language.
#   make demo   the seed scenario (release build)
#   make test   every test suite (debug builds)
#   make bench  benchmarks beside OpenTelemetry's own implementations (release)
# One Cargo workspace and one target dir serve every part.

CARGO      ?= cargo
CC         ?= cc
VALGRIND   ?= valgrind
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := traceparent tracestate baggage extract

MVN        ?= mvn
MVN_FLAGS  := -B -ntp -Dstyle.color=never -f bindings-java/pom.xml
JAVA_CP    := bindings-java/target/test-classpath.txt
# Builds the classes (and the JNI library) and writes the test class path to JAVA_CP.
MVN_CLASSPATH := test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
	-Dmdep.includeScope=test
MVN_RELEASE := -Dcargo.profile=release -Dcargo.dir=release

VENV       := .venv
PYTHON     := $(VENV)/bin/python
WHEELS     := target/wheels

C_BUILD    := tests/c/build
C_FLAGS    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -Iinclude
C_LIBS     := target/debug/libctxbridge.a -lpthread -ldl -lm

.PHONY: all test test-rust test-c test-python test-node test-java node python java venv lint demo demo-rust \
	demo-python demo-node demo-java bench bench-rust bench-python bench-node bench-java header fuzz conformance clean

all: test

test: test-rust test-c test-python test-node test-java

## Rust: every vector, the OpenTelemetry SDK tests, the C header check, conformance.
test-rust:
	$(CARGO) test --workspace --features ctxbridge-core/otel

## C: the whole header from C, under valgrind with zero leaks.
test-c:
	$(CARGO) build -p ctxbridge-capi
	mkdir -p $(C_BUILD)
	$(CC) $(C_FLAGS) tests/c/test_ctxbridge.c $(C_LIBS) -o $(C_BUILD)/test_ctxbridge
	$(VALGRIND) -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		--error-exitcode=1 $(C_BUILD)/test_ctxbridge

## Python: a virtual environment with the pinned test requirements.
$(VENV)/.requirements: bindings-python/requirements-test.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r bindings-python/requirements-test.txt
	touch $@

venv: $(VENV)/.requirements

## Builds the wheel (debug profile) and installs it into the virtual environment.
python: venv
	rm -f $(WHEELS)/ctxbridge-*.whl
	$(VENV)/bin/maturin build -q --profile dev -m bindings-python/Cargo.toml --out $(WHEELS) \
		--interpreter $(PYTHON)
	$(PYTHON) -m pip install -q --force-reinstall --no-deps $(WHEELS)/ctxbridge-*.whl

test-python: python
	cd bindings-python && ../$(PYTHON) -m pytest -q

## Node: installs the dev dependencies and builds the addon from source (debug).
node:
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error

test-node: node
	cd bindings-node && npm test

## Java: Maven builds the JNI library with cargo (debug) and packages it in the jar.
java:
	$(MVN) $(MVN_FLAGS) -q $(MVN_CLASSPATH)

test-java:
	$(MVN) $(MVN_FLAGS) test

lint: venv
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --features ctxbridge-core/otel -- -D warnings
	cd bindings-python && ../$(PYTHON) -m mypy python/ctxbridge --ignore-missing-imports

demo: demo-rust demo-python demo-node demo-java

demo-rust:
	$(CARGO) run --release -q -p ctxbridge-example

demo-python: python
	OTEL_PYTHON_CONTEXT=ctxbridge $(PYTHON) examples/python/order_service.py

demo-node:
	cd bindings-node && CTXBRIDGE_RELEASE=1 npm install --no-audit --no-fund --loglevel=error
	node examples/node/order-service.js

demo-java:
	$(MVN) $(MVN_FLAGS) -q $(MVN_RELEASE) $(MVN_CLASSPATH)
	java -cp bindings-java/target/classes:$$(cat $(JAVA_CP)) examples/java/OrderService.java

bench: bench-rust bench-python bench-node bench-java

bench-rust:
	$(CARGO) bench -p ctxbridge-core --bench codecs --bench scopes -- --warm-up-time 1 --measurement-time 3
	python3 scripts/bench_ratios.py target/criterion

bench-python: venv
	rm -f $(WHEELS)/ctxbridge-*.whl
	$(VENV)/bin/maturin build -q --release -m bindings-python/Cargo.toml --out $(WHEELS) --interpreter $(PYTHON)
	$(PYTHON) -m pip install -q --force-reinstall --no-deps $(WHEELS)/ctxbridge-*.whl
	$(PYTHON) bindings-python/benches/bench_propagation.py

bench-node:
	cd bindings-node && CTXBRIDGE_RELEASE=1 npm install --no-audit --no-fund --loglevel=error
	cd bindings-node && node bench/bench.js

## JMH, in one run: ctxbridge vs opentelemetry-java (JMH_FLAGS to shorten or lengthen it).
JMH_FLAGS ?= -f 1 -wi 3 -w 1s -i 5 -r 1s
bench-java:
	$(MVN) $(MVN_FLAGS) -q $(MVN_RELEASE) $(MVN_CLASSPATH)
	java -cp bindings-java/target/classes:bindings-java/target/test-classes:$$(cat $(JAVA_CP)) \
		org.openjdk.jmh.Main $(JMH_FLAGS) io.ctxbridge.bench

## Regenerates include/ctxbridge.h from capi/src (commit the result).
header:
	CTXBRIDGE_BLESS=1 $(CARGO) test -p ctxbridge-capi --test header

## Fuzzes each codec and extract for FUZZ_SECONDS each (needs the nightly toolchain).
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd core/fuzz && for target in $(FUZZ_TARGETS); do \
		$(CARGO) +nightly fuzz run $$target -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096 || exit 1; \
	done

## Serves the W3C test-harness contract: make conformance IMPL=rust PORT=7777
conformance:
	tests/conformance/serve $(or $(IMPL),rust) $(or $(PORT),7777)

clean:
	$(CARGO) clean
	rm -rf $(C_BUILD) $(VENV)
