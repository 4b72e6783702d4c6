"""A misuse report names the code that made it: the first frame outside ctxbridge and
OpenTelemetry's API and SDK, and never skips an instrumentation package."""

import importlib.util
import logging
import pathlib

import ctxbridge

LEAKY = pathlib.Path(__file__).parent / "fake_site" / "opentelemetry" / "instrumentation" / "leaky" / "__init__.py"


def load_leaky():
    spec = importlib.util.spec_from_file_location("leaky_instrumentation", LEAKY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_leak_inside_an_instrumentation_package_is_reported_there(ctxbridge_runtime, caplog):
    leaky = load_leaky()
    line = next(i for i, text in enumerate(LEAKY.read_text().splitlines(), 1) if "LEAKY-DETACH-LINE" in text)
    ctxbridge.reset_stats()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        leaky.detach_out_of_order()
    assert ctxbridge.stats()["out_of_order"] == 1
    warnings = [r.getMessage() for r in caplog.records if "out_of_order" in r.getMessage()]
    assert len(warnings) == 1
    assert f"{LEAKY}:{line}" in warnings[0], warnings[0]
