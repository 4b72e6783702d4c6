"""``CtxbridgeRuntimeContext``: OpenTelemetry's runtime context with ctxbridge's scope rules.

Select it with ``OTEL_PYTHON_CONTEXT=ctxbridge`` (entry point ``opentelemetry_context``).
Like the default runtime it keeps the current ``Context`` in a ``ContextVar``, so asyncio
tasks and ``contextvars.copy_context()`` each get their own scope; unlike it, a detach
out of order, a double detach and a detach from another task or thread are recognised,
counted and reported (see :mod:`ctxbridge.diagnostics`), and never corrupt the current
context.
"""

from __future__ import annotations

from opentelemetry.context.context import Context, _RuntimeContext

from . import _native
from . import diagnostics as _diagnostics  # noqa: F401  (installs the misuse reporter)

__all__ = ["CtxbridgeRuntimeContext"]

_native.set_empty_context(Context())


class CtxbridgeRuntimeContext(_RuntimeContext):
    """A ``_RuntimeContext`` whose attach/detach/get_current run in Rust.

    The methods are the native functions themselves (no Python frame in between), so
    OpenTelemetry's ``context.attach`` costs one native call.
    """

    # Its tokens are ctxbridge's own, not contextvars.Token: hence the ignores.
    attach = staticmethod(_native.attach)  # type: ignore[assignment]
    get_current = staticmethod(_native.get_current)
    detach = staticmethod(_native.detach)  # type: ignore[assignment]
