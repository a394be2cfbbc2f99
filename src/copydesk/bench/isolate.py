"""Run one benchmark in a fresh process, so that its peak memory (``ru_maxrss``, the PSS of its tree) is its
own and not the sum of every engine measured before it in the same run.

The process is started with ``spawn`` (a new interpreter, nothing inherited from this one but the
environment) and runs the core in use here (`copydesk.core.name`). The result must be JSON-ready; it comes
back as JSON text over a pipe.
"""

from __future__ import annotations

import json
import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from copydesk import core
from copydesk.errors import CopydeskError

Run = Callable[..., dict[str, Any]]


def _child(conn: Connection, run: Run, kwargs: dict[str, Any], core_name: str) -> None:
    try:
        core.use(core_name)
        reply: dict[str, Any] = {"result": run(**kwargs)}
    except CopydeskError as exc:
        reply = {"error": str(exc)}
    except Exception as exc:  # a bug in a benchmark: the parent reports its last lines
        reply = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
    conn.send_bytes(json.dumps(reply).encode("utf-8"))
    conn.close()


def isolated(run: Run, *, what: str, **kwargs: Any) -> dict[str, Any]:
    """``run(**kwargs)`` in a fresh process; its JSON-ready dict. ``what`` names the run in errors.

    ``run`` must be a module-level function (the new process imports it by name). Raises `CopydeskError`
    with the child's message when it fails.
    """
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, run, kwargs, core.name()), name=f"bench-{what}")
    proc.start()
    send.close()
    try:
        data = receive.recv_bytes()
    except EOFError:
        data = b""
    finally:
        receive.close()
        proc.join()
    if not data:
        raise CopydeskError(f"the {what} run ended without a result (exit code {proc.exitcode})")
    reply: dict[str, Any] = json.loads(data)
    if "error" in reply:
        raise CopydeskError(f"the {what} run failed: {reply['error']}\n{reply.get('trace', '')}".rstrip())
    result: dict[str, Any] = reply["result"]
    return result
