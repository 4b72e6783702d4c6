"""Stands in for an instrumentation package that misuses tokens (it lives under a path like
an installed one's, .../opentelemetry/instrumentation/...); loaded from its file by
tests/test_call_sites.py."""

from opentelemetry import context
from opentelemetry.context.context import Context


def detach_out_of_order() -> None:
    outer = context.attach(Context({"request": 1}))
    context.attach(Context({"leaked": 1}))  # LEAKY-ATTACH-LINE: never detached, as the Flask instrumentation does
    context.detach(outer)  # LEAKY-DETACH-LINE


def leak_in_task() -> None:
    """A task that attaches and returns without detaching."""
    context.attach(Context({"leaked-in-task": 1}))  # LEAKY-TASK-ATTACH-LINE
