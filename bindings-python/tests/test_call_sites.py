"""A misuse report names the code that made it: the first frame outside ctxbridge and
OpenTelemetry's API and SDK, and never skips an instrumentation package."""

import importlib.util
import logging
import os
import pathlib
import subprocess
import sys

import pytest
from opentelemetry.context.context import Context

import ctxbridge

LEAKY = pathlib.Path(__file__).parent / "fake_site" / "opentelemetry" / "instrumentation" / "leaky" / "__init__.py"


def line_of(marker: str) -> int:
    return next(i for i, text in enumerate(LEAKY.read_text().splitlines(), 1) if marker in text)


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


def warnings_of(caplog, misuse: str):
    return [r.getMessage() for r in caplog.records if misuse in r.getMessage()]


def test_without_attach_sites_a_report_names_no_attach(ctxbridge_runtime, caplog):
    leaky = load_leaky()
    assert ctxbridge.get_attach_sites() is False, "off by default"
    ctxbridge.reset_stats()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        leaky.detach_out_of_order()
    (warning,) = warnings_of(caplog, "out_of_order")
    assert f"{LEAKY}:{line_of('LEAKY-DETACH-LINE')}" in warning
    assert "left open by" not in warning, warning


def test_with_attach_sites_an_out_of_order_detach_names_the_attach_left_open(ctxbridge_runtime, caplog):
    leaky = load_leaky()
    ctxbridge.set_attach_sites(True)  # conftest turns it off again
    ctxbridge.reset_stats()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        leaky.detach_out_of_order()
    assert ctxbridge.stats()["out_of_order"] == 1 and ctxbridge.stats()["leaked"] == 1
    (warning,) = warnings_of(caplog, "out_of_order")
    detach_site = f"{LEAKY}:{line_of('LEAKY-DETACH-LINE')}"
    attach_site = f"{LEAKY}:{line_of('LEAKY-ATTACH-LINE')}"
    assert f"(at {detach_site}; left open by the attach at {attach_site})" in warning, warning


def test_with_attach_sites_a_task_leak_names_the_attach_the_task_made(ctxbridge_runtime, caplog):
    leaky = load_leaky()
    ctxbridge.set_attach_sites(True)
    ctxbridge.reset_stats()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        ctxbridge.run_in(ctxbridge.capture(), leaky.leak_in_task)
    assert ctxbridge.stats()["leaked"] == 1
    (warning,) = warnings_of(caplog, "leaked")
    assert f"left open by the attach at {LEAKY}:{line_of('LEAKY-TASK-ATTACH-LINE')})" in warning, warning


def test_strict_mode_carries_the_attach_site_in_the_error(ctxbridge_runtime):
    # OpenTelemetry's context.detach logs what it raises; ctxbridge.detach lets it through.
    ctxbridge.set_attach_sites(True)
    ctxbridge.set_mode("strict")
    outer = ctxbridge.attach(Context({"request": 1}))
    ctxbridge.attach(Context({"leaked": 1}))
    attach_line = sys._getframe().f_lineno - 1
    with pytest.raises(ctxbridge.MisuseError) as raised:
        ctxbridge.detach(outer)
    assert raised.value.misuse == "out_of_order"
    assert f"left open by the attach at {__file__}:{attach_line})" in str(raised.value), raised.value


def test_set_attach_sites_takes_a_bool():
    with pytest.raises(TypeError, match=r"ctxbridge.set_attach_sites: on must be a bool, got str"):
        ctxbridge.set_attach_sites("yes")  # type: ignore[arg-type]


def test_the_environment_switches_attach_sites_on_and_a_bad_value_is_logged_not_raised():
    program = "import ctxbridge\nprint(ctxbridge.get_attach_sites(), ctxbridge.get_mode())\n"

    def run(**env):
        full = {k: v for k, v in os.environ.items() if not k.startswith("CTXBRIDGE_")}
        full.update(env)
        done = subprocess.run([sys.executable, "-c", program], env=full, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.split(), done.stderr

    assert run(CTXBRIDGE_ATTACH_SITES="1", CTXBRIDGE_MODE="strict")[0] == ["True", "strict"]
    assert run(CTXBRIDGE_ATTACH_SITES="0")[0] == ["False", "warn"]
    out, err = run(CTXBRIDGE_ATTACH_SITES="maybe", CTXBRIDGE_MODE="loud")
    assert out == ["False", "warn"]
    assert 'CTXBRIDGE_ATTACH_SITES="maybe" is not a switch' in err, err
    assert 'CTXBRIDGE_MODE="loud" is not a mode' in err, err
