"""Diagnostics: counters of every capture/attach/detach misuse, and the mode.

Mode ``off`` only counts; ``warn`` (the default, or ``CTXBRIDGE_MODE``) also logs one
warning per call site through the ``ctxbridge`` logger; ``strict`` raises
:class:`MisuseError` at the misuse.

A report names the code that noticed the misuse (the first frame outside ctxbridge,
OpenTelemetry's API and SDK and the stdlib's task machinery). With attach sites recorded
(:func:`set_attach_sites` or ``CTXBRIDGE_ATTACH_SITES=1``), an out-of-order detach or a
task's end also names the attach that was left open, at the line that made it. Recording
costs a walk of the Python stack per attach, so it is off by default: turn it on to find
a leak, as OpenTelemetry Java's ``StrictContextStorage`` is used.
"""

from __future__ import annotations

import logging
import os
import sys
import types
import typing
from typing import Dict

from . import _args, _native

__all__ = [
    "MisuseError",
    "stats",
    "dropped_stats",
    "reset_stats",
    "set_mode",
    "get_mode",
    "set_attach_sites",
    "get_attach_sites",
]

logger = logging.getLogger("ctxbridge")

MisuseError = _native.MisuseError

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_OTEL = os.sep + "opentelemetry" + os.sep
# The frames a report looks past: ctxbridge, OpenTelemetry's API and SDK (context, trace,
# baggage, their helpers), and the stdlib machinery that runs tasks. Never an
# instrumentation package (opentelemetry/instrumentation/...): when one leaks an attach, it
# is the culprit to name.
_SKIPPED_PARTS = (
    _PACKAGE_DIR,
    _OTEL + "context" + os.sep,
    _OTEL + "trace" + os.sep,
    _OTEL + "baggage" + os.sep,
    _OTEL + "util" + os.sep,
    _OTEL + "sdk" + os.sep,
    os.sep + "concurrent" + os.sep + "futures" + os.sep,
    os.sep + "threading.py",
    os.sep + "contextlib.py",
)


def stats() -> Dict[str, int]:
    """The counters: attached, detached, out_of_order, double_detach, wrong_scope, leaked."""
    return _native.stats()


def dropped_stats() -> Dict[str, int]:
    """How many received headers the propagator dropped, by the rule they broke
    (``{"tracestate.key": 2, "baggage.value": 1, "baggage.limits": 1}``; only rules that
    counted any). The first drop of each rule is logged as a warning through the
    ``ctxbridge`` logger, naming the rule, never the value."""
    return _native.dropped_counts()


def reset_stats() -> None:
    """Sets every counter to zero, the dropped headers' too (and forgets which call sites
    and rules were warned about)."""
    _native.reset_stats()


def set_mode(mode: str) -> None:
    """Sets the mode: ``"off"``, ``"warn"`` or ``"strict"`` (process-wide)."""
    _args.text("set_mode", "mode", mode)
    _native.set_mode(mode)


def get_mode() -> str:
    """The mode: ``"off"``, ``"warn"`` or ``"strict"``."""
    return _native.get_mode()


def set_attach_sites(on: bool) -> None:
    """Starts or stops recording where each attach is made (process-wide), so that reports
    of ``out_of_order`` and ``leaked`` name the attach that was left open."""
    _args.boolean("set_attach_sites", "on", on)
    _native.set_attach_sites(on)


def get_attach_sites() -> bool:
    """Whether attach sites are being recorded."""
    return _native.get_attach_sites()


def _caller_site() -> str:
    """file:line of the first frame outside ctxbridge, OpenTelemetry's API and SDK and the
    stdlib machinery that runs tasks: the code that made the misuse (an instrumentation's
    own, when it is the one that misused a token)."""
    frame: typing.Optional[types.FrameType] = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not any(part in filename for part in _SKIPPED_PARTS):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


def report(misuse: str) -> None:
    """Applies the mode to a misuse the rules already counted."""
    message = _native.judge(misuse, _caller_site())
    if message is not None:
        logger.warning(message)


_native.set_reporter(report, _caller_site)
# CTXBRIDGE_MODE and CTXBRIDGE_ATTACH_SITES, read by the core as every binding reads them;
# a bad value is logged and changes nothing.
for _problem in _native.configure_from_env():
    logger.warning("ctxbridge: %s", _problem)
