# ctxbridge: one entry point for every language.
#   make demo          the seed scenario in each language (release builds), then one trace
#                      across all of them, read back from Jaeger
#   make test          every test suite (debug builds), the conformance services, and the
#                      cross-language end-to-end test (on the release artifacts of make dist)
#   make bench         benchmarks beside OpenTelemetry's own implementations (release)
#   make dist          every artifact users install, into dist/ (release builds)
#   make test-install  installs each artifact from dist/ outside the repository, without
#                      a Rust toolchain on PATH, and runs a smoke program with it
#   make install PREFIX=/usr/local   the C library, header and pkg-config file
#   make mutants       one-line breaks of core rules against every binding's suite (slow)
#   make test-loaded   make test on fresh clones RUNS times (default 5), every core kept busy
# One Cargo workspace and one target dir (CARGO_TARGET_DIR, or target/) serve every part.

CARGO      ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# The one version of every artifact, from the workspace's Cargo.toml.
VERSION    := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
SOVERSION  := $(word 1,$(subst ., ,$(VERSION))).$(word 2,$(subst ., ,$(VERSION)))
DIST       := dist
PREFIX     ?= /usr/local
CC         ?= cc
VALGRIND   ?= valgrind
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := traceparent tracestate baggage extract scopes capi

MVN        ?= mvn
MVN_FLAGS  := -B -ntp -Dstyle.color=never -f bindings-java/pom.xml
JAVA_CP    := bindings-java/target/test-classpath.txt
# Builds the classes (and the JNI library) and writes the test class path to JAVA_CP.
MVN_CLASSPATH := test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
	-Dmdep.includeScope=test
MVN_DEBUG  := -Dcargo.profile=dev -Dcargo.dir=debug
# The benchmarks' class path (JMH runs from the test classes).
JMH_CP     := bindings-java/target/classes:bindings-java/target/test-classes:$$(cat $(JAVA_CP))

VENV       := .venv
PYTHON     := $(VENV)/bin/python
WHEELS     := $(TARGET_DIR)/wheels

C_BUILD    := tests/c/build
C_FLAGS    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -Iinclude
C_LIBS     := $(TARGET_DIR)/debug/libctxbridge.a -lpthread -ldl -lm


.PHONY: bench-doctor doctor-record dist-doctor
.PHONY: all test test-rust test-c test-python test-node test-java test-conformance test-e2e e2e-setup demo-e2e node python python-release java venv lint demo demo-rust \
	dist dist-python dist-node dist-java dist-c install test-install conformance-c \
	demo-python demo-node demo-java bench bench-rust bench-python bench-node bench-java bench-headers header fuzz miri conformance clean mutants test-loaded

all: test

test: test-rust test-c test-python test-node test-java test-conformance test-e2e

## Rust: every vector, the OpenTelemetry SDK tests, the C header check, conformance.
test-rust:
	$(CARGO) test --workspace --features ctxbridge-core/otel,ctxbridge-core/doctor-sdk

## C: the whole header from C, under valgrind with zero leaks, then again built with
## AddressSanitizer and UndefinedBehaviorSanitizer.
## Each program in C_TESTS runs twice; the shared vectors reach C as generated tables
## (tests/c/gen_vectors.py and, for the scope scripts, tests/c/gen_scope_scripts.py write
## them into the build directory).
C_TESTS    := test_ctxbridge test_interop test_vectors test_scope_scripts
test-c:
	$(CARGO) build -p ctxbridge-capi
	mkdir -p $(C_BUILD)
	python3 tests/c/gen_vectors.py tests/vectors/interop.json interop > $(C_BUILD)/interop_vectors.h
	python3 tests/c/gen_vectors.py tests/vectors/traceparent.json traceparent > $(C_BUILD)/traceparent_vectors.h
	python3 tests/c/gen_vectors.py tests/vectors/tracestate.json tracestate \
		--sections cases ignored_without_traceparent encode > $(C_BUILD)/tracestate_vectors.h
	python3 tests/c/gen_vectors.py tests/vectors/baggage.json baggage > $(C_BUILD)/baggage_vectors.h
	python3 tests/c/gen_vectors.py tests/vectors/queue.json queue > $(C_BUILD)/queue_vectors.h
	python3 tests/c/gen_scope_scripts.py tests/vectors/scopes.json > $(C_BUILD)/scope_scripts.h
	for test in $(C_TESTS); do \
		$(CC) $(C_FLAGS) -I$(C_BUILD) tests/c/$$test.c $(C_LIBS) -o $(C_BUILD)/$$test || exit 1; \
		$(VALGRIND) -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=1 $(C_BUILD)/$$test || exit 1; \
		$(CC) $(C_FLAGS) -I$(C_BUILD) -fsanitize=address,undefined -fno-sanitize-recover=all \
			-fno-omit-frame-pointer tests/c/$$test.c $(C_LIBS) -o $(C_BUILD)/$${test}_sanitized || exit 1; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
			$(C_BUILD)/$${test}_sanitized || exit 1; \
	done

## The W3C test-harness contract (DESIGN section 7), driven over HTTP by one test file,
## against every implementation's service (after the language suites have built them);
## java-agent is a service with no tracing code under the OpenTelemetry Java agent, with
## ctxbridge as the agent's extension.
CONFORMANCE_IMPLS := rust python node java java-agent c
test-conformance: venv java conformance-c
	for impl in $(CONFORMANCE_IMPLS); do \
		echo "conformance: $$impl"; \
		CONFORMANCE_IMPL=$$impl $(PYTHON) -m pytest -q -p no:cacheprovider -p no:asyncio \
			tests/conformance/test_harness.py || exit 1; \
	done

## The C conformance service, built against the installed tree through pkg-config.
C_PREFIX := $(abspath $(C_BUILD))/prefix
conformance-c:
	$(MAKE) --no-print-directory -s install PREFIX=$(C_PREFIX)
	mkdir -p $(C_BUILD)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 tests/conformance/c/serve.c \
		$$(PKG_CONFIG_PATH=$(C_PREFIX)/lib/pkgconfig pkg-config --cflags --libs ctxbridge) \
		-Wl,-rpath,$(C_PREFIX)/lib -o $(C_BUILD)/conformance-serve

## One trace across Python, Node, Java and C through Redis, read back from Jaeger v2 (all
## on 127.0.0.1, started and stopped by tests/e2e/stack.py). The services install ctxbridge
## from dist/ (tests/e2e/setup); Jaeger is built once from the Go module proxy (a tool of
## the module in tests/e2e/jaeger; `go install jaeger@v1.76.0` is refused for its replace
## directives) and reused.
E2E_DIR    := $(abspath $(TARGET_DIR))/e2e
E2E_JAEGER := $(E2E_DIR)/jaeger
$(E2E_JAEGER): tests/e2e/jaeger/go.mod tests/e2e/jaeger/go.sum
	mkdir -p $(E2E_DIR)
	cd tests/e2e/jaeger && go build -buildvcs=false -o $@ github.com/jaegertracing/jaeger/cmd/jaeger

e2e-setup: dist $(E2E_JAEGER)
	tests/e2e/setup $(DIST) $(E2E_DIR)

test-e2e: venv e2e-setup
	E2E_WORK=$(E2E_DIR) $(PYTHON) -m pytest -q -p no:cacheprovider -p no:asyncio tests/e2e

## Python: a virtual environment with the pinned test requirements.
$(VENV)/.requirements: bindings-python/requirements-test.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q -r bindings-python/requirements-test.txt
	touch $@

venv: $(VENV)/.requirements

## Builds the wheel with the given maturin profile flags and installs it into the venv.
define install_wheel
	rm -f $(WHEELS)/ctxbridge-*.whl
	$(VENV)/bin/maturin build -q $(1) -m bindings-python/Cargo.toml --out $(WHEELS) --interpreter $(PYTHON)
	$(PYTHON) -m pip install -q --force-reinstall --no-deps $(WHEELS)/ctxbridge-*.whl
endef

## The wheel (debug profile) in the virtual environment, for the tests.
python: venv
	$(call install_wheel,--profile dev)

test-python: python
	cd bindings-python && ../$(PYTHON) -m pytest -q

## Node: installs the dev dependencies and builds the addon from source (debug).
node:
	cd bindings-node && CTXBRIDGE_PROFILE=debug npm install --no-audit --no-fund --loglevel=error

test-node: node
	cd bindings-node && npm test

## Java: Maven builds the JNI library with cargo (debug here; release by default) and
## packages it in the jar.
java:
	$(MVN) $(MVN_FLAGS) -q $(MVN_DEBUG) $(MVN_CLASSPATH)

test-java:
	$(MVN) $(MVN_FLAGS) $(MVN_DEBUG) test

lint: venv node
	python3 scripts/check_versions.py
	cd bindings-node && npm run --silent lint
	$(MVN) $(MVN_FLAGS) -q spotless:check
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --features ctxbridge-core/otel,ctxbridge-core/doctor-sdk -- -D warnings
	cd bindings-python && ../$(PYTHON) -m mypy python/ctxbridge --ignore-missing-imports
	cd bindings-python && MYPYPATH=python ../$(PYTHON) -m mypy --strict --ignore-missing-imports tests/typing_usage.py
	$(PYTHON) -m mypy --strict --ignore-missing-imports tests/e2e/stack.py tests/e2e/test_e2e.py

demo: demo-rust demo-python demo-node demo-java demo-e2e

demo-rust:
	$(CARGO) run --release -q -p ctxbridge-example

demo-python: python-release
	OTEL_PYTHON_CONTEXT=ctxbridge $(PYTHON) examples/python/order_service.py

demo-node:
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error
	node examples/node/order-service.js

demo-java:
	$(MVN) $(MVN_FLAGS) -q $(MVN_CLASSPATH)
	java -cp bindings-java/target/classes:$$(cat $(JAVA_CP)) examples/java/OrderService.java

## The cross-language trace of the end-to-end test, read back from Jaeger and printed.
demo-e2e: venv e2e-setup
	E2E_WORK=$(E2E_DIR) $(PYTHON) tests/e2e/stack.py

bench: bench-rust bench-python bench-node bench-java bench-doctor

## The doctor's CLI over a generated 100,000-span OTLP file: wall time and peak memory.
bench-doctor:
	$(CARGO) build -q --release -p ctxbridge-doctor
	python3 scripts/doctor_bench.py $(TARGET_DIR)/release/ctxbridge-doctor 100000

## Re-records tests/doctor/recorded/ by running the seed's broken patterns for real in
## Python, Node and Java (the last under the OpenTelemetry Java agent).
doctor-record: python node
	$(PYTHON) tests/doctor/record/python_patterns.py
	node tests/doctor/record/node_patterns.js
	$(MVN) $(MVN_FLAGS) -q $(MVN_CLASSPATH)
	tests/doctor/record/java_patterns.sh bindings-java/target/javaagent/opentelemetry-javaagent.jar "$$(cat $(JAVA_CP))"

bench-rust:
	$(CARGO) bench -p ctxbridge-core --bench codecs --bench scopes -- --warm-up-time 1 --measurement-time 3
	python3 scripts/bench_ratios.py $(TARGET_DIR)/criterion

## A release wheel in the virtual environment, for the demo and the benchmarks.
python-release: venv
	$(call install_wheel,--release)

bench-python: python-release
	$(PYTHON) bindings-python/benches/bench_propagation.py
	$(PYTHON) bindings-python/benches/bench_handoff.py

bench-node:
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error
	cd bindings-node && node bench/bench.js
	cd bindings-node && node bench/handoff.js

## What a header costs by size (16 kB, 1 MB, 16 MB) through every propagator: flat.
bench-headers: python-release
	$(CARGO) bench -p ctxbridge-core --bench codecs -- header_sizes --warm-up-time 1 --measurement-time 2
	$(PYTHON) bindings-python/benches/bench_header_sizes.py
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error && node bench/header-sizes.js
	$(MVN) $(MVN_FLAGS) -q $(MVN_CLASSPATH)
	java -cp $(JMH_CP) org.openjdk.jmh.Main -f 1 -wi 3 -w 1s -i 5 -r 1s HeaderSizeBenchmark

## JMH, in one run: ctxbridge vs opentelemetry-java (JMH_FLAGS to shorten or lengthen it).
JMH_FLAGS ?= -f 1 -wi 3 -w 1s -i 5 -r 1s
bench-java:
	$(MVN) $(MVN_FLAGS) -q $(MVN_CLASSPATH)
	java -cp $(JMH_CP) org.openjdk.jmh.Main $(JMH_FLAGS) 'io.ctxbridge.bench.(Propagation|Scope)Benchmark'
	java -cp $(JMH_CP) org.openjdk.jmh.Main -wi 2 -w 2s -i 3 -r 2s 'io.ctxbridge.bench.HandoffBenchmark'

## One-line mutations of core rules (tracestate set, baggage encoding, rule 3's leak count,
## the max_age comparison), each run against every binding's suite in a worktree: the
## report names any suite that lets a mutant survive (scripts/mutants.py).
mutants:
	python3 scripts/mutants.py

## make test on fresh clones of the current commit, RUNS times in a row, with a spinning
## process on every core: a test that leans on timing fails here first.
RUNS ?= 5
test-loaded:
	RUNS=$(RUNS) bash scripts/test_loaded.sh

## Miri over the core's tests (nightly with the miri and rust-src components): no undefined
## behaviour. tests/memory.rs (a million cycles) is left out; leaks are the counting
## allocator's and valgrind's to find (thread-locals of the main thread never drop here).
MIRIFLAGS ?= -Zmiri-disable-isolation -Zmiri-ignore-leaks
miri:
	MIRIFLAGS="$(MIRIFLAGS)" $(CARGO) +nightly miri test -p ctxbridge-core --lib --test handoff \
		--test scope_vectors --test vectors

## Regenerates include/ctxbridge.h from capi/src (commit the result).
header:
	CTXBRIDGE_BLESS=1 $(CARGO) test -p ctxbridge-capi --test header

## Fuzzes every target for FUZZ_SECONDS each (nightly and cargo-fuzz, installed if
## missing): the codecs, extract, the scope rules against their model, and the C ABI.
## Each run starts from the committed seeds (core/fuzz/seeds/) and the local corpus.
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd core/fuzz && for target in $(FUZZ_TARGETS); do \
		mkdir -p corpus/$$target && \
		$(CARGO) +nightly fuzz run $$target corpus/$$target seeds/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 || exit 1; \
	done

## Serves the W3C test-harness contract: make conformance IMPL=rust PORT=7777
conformance:
	tests/conformance/serve $(or $(IMPL),rust) $(or $(PORT),7777)

## Artifacts (release builds): wheels for every CPython 3.9+ the machine has (manylinux
## 2.17, cross-linked with zig) and the sdist; the npm tarball with the prebuilt addon;
## the jar with its sources and javadoc jars; the C tree and its tarball.
dist: dist-python dist-node dist-java dist-c dist-doctor

## The doctor's command line, the Rust binary, beside the packages.
dist-doctor:
	$(CARGO) build -q --release -p ctxbridge-doctor
	mkdir -p $(DIST)
	cp $(TARGET_DIR)/release/ctxbridge-doctor $(DIST)/ctxbridge-doctor-$(VERSION)-linux-x86_64

DIST_VENV := $(TARGET_DIR)/dist-venv
$(DIST_VENV)/.requirements: bindings-python/requirements-dist.txt
	test -x $(DIST_VENV)/bin/python || python3 -m venv $(DIST_VENV)
	$(DIST_VENV)/bin/python -m pip install -q -r bindings-python/requirements-dist.txt
	touch $@

dist-python: $(DIST_VENV)/.requirements
	mkdir -p $(DIST)
	rm -f $(DIST)/ctxbridge-*.whl $(DIST)/ctxbridge-*.tar.gz
	PATH="$(abspath $(DIST_VENV))/bin:$$PATH" maturin build -q --release --zig --compatibility manylinux2014 \
		-m bindings-python/Cargo.toml --out $(DIST) -i $$(scripts/pythons.sh)
	PATH="$(abspath $(DIST_VENV))/bin:$$PATH" maturin sdist -m bindings-python/Cargo.toml --out $(DIST)
	$(DIST_VENV)/bin/auditwheel show $(DIST)/ctxbridge-*cp39*.whl | tr '\n' ' ' | grep -q 'manylinux_2_17' || \
		{ echo "the wheel is not manylinux 2.17" >&2; exit 1; }

dist-node:
	$(CARGO) build -q --release -p ctxbridge-node
	mkdir -p $(DIST)
	rm -f $(DIST)/ctxbridge-*.tgz
	node bindings-node/scripts/pack.js $(TARGET_DIR)/release/libctxbridge_node.so $(TARGET_DIR) $(DIST)

dist-java:
	$(MVN) $(MVN_FLAGS) -q -DskipTests package
	mkdir -p $(DIST)
	cp bindings-java/target/ctxbridge-$(VERSION).jar bindings-java/target/ctxbridge-$(VERSION)-sources.jar \
		bindings-java/target/ctxbridge-$(VERSION)-javadoc.jar bindings-java/pom.xml $(DIST)/
	mv $(DIST)/pom.xml $(DIST)/ctxbridge-$(VERSION).pom

C_TREE := ctxbridge-c-$(VERSION)-linux-x86_64
dist-c:
	rm -rf $(DIST)/$(C_TREE)
	$(MAKE) --no-print-directory install PREFIX=$(abspath $(DIST))/$(C_TREE)
	tar czf $(DIST)/$(C_TREE).tar.gz -C $(DIST) $(C_TREE)
	rm -rf $(DIST)/$(C_TREE)

## The C tree: static and shared library (SONAME libctxbridge.so.MAJOR.MINOR), header,
## and a relocatable pkg-config file.
install:
	$(CARGO) build -q --release -p ctxbridge-capi
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/doc/ctxbridge
	install -m 644 include/ctxbridge.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(TARGET_DIR)/release/libctxbridge.a $(DESTDIR)$(PREFIX)/lib/
	strip --strip-debug $(DESTDIR)$(PREFIX)/lib/libctxbridge.a
	install -m 755 $(TARGET_DIR)/release/libctxbridge.so $(DESTDIR)$(PREFIX)/lib/libctxbridge.so.$(VERSION)
	ln -sf libctxbridge.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libctxbridge.so.$(SOVERSION)
	ln -sf libctxbridge.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libctxbridge.so
	sed -e 's|@VERSION@|$(VERSION)|' capi/ctxbridge.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ctxbridge.pc
	install -m 644 LICENSE $(DESTDIR)$(PREFIX)/share/doc/ctxbridge/

## Each artifact in dist/, installed outside the repository with no cargo on PATH.
test-install:
	tests/install/run $(DIST)

clean:
	$(CARGO) clean
	rm -rf $(C_BUILD) $(VENV) $(DIST)
