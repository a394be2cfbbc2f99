"""Which core runs the hot paths: the native extension (`copydesk_native`, Rust) or the Python reference.

Chosen in this one place, as RapidFuzz does: the native core when its module is installed (``pip install
./native``, which `make` does where a Rust toolchain is present), else the reference. Both give the same
answers (the tests hold every native function to its reference); the native one is faster. `use` forces a
choice (the CLI reads ``COPYDESK_CORE=python`` or ``native`` from the environment and calls it);
`copydesk --version` says which core is in use.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from copydesk.errors import ConfigError

CORES = ("native", "python")

_module: ModuleType | None = None
_tried = False
_forced: str | None = None


def _load() -> ModuleType | None:
    global _module, _tried
    if not _tried:
        _tried = True
        try:
            _module = importlib.import_module("copydesk_native")
        except ImportError:
            _module = None
    return _module


def native() -> ModuleType | None:
    """The native module when it is the core in use, else None (the callers then run the reference)."""
    if _forced == "python":
        return None
    return _load()


def name() -> str:
    """``native`` or ``python``: the core in use."""
    return "native" if native() is not None else "python"


def describe() -> str:
    """The core in use, for ``--version``: ``native (copydesk_native 0.1.0)`` or ``python (...)``."""
    module = native()
    if module is not None:
        return f"native (copydesk_native {getattr(module, '__version__', '?')})"
    if _forced == "python":
        return "python (chosen)"
    return "python (the native extension is not installed: pip install ./native, with a Rust toolchain)"


def use(core: str | None) -> None:
    """Force a core: ``native`` (an error if the extension is not installed), ``python``, or None for the
    default (native when installed)."""
    global _forced
    if core is not None and core not in CORES:
        raise ConfigError(f"core must be one of {', '.join(CORES)}, got {core!r}")
    if core == "native" and _load() is None:
        raise ConfigError(
            "the native core is not installed: build it with `pip install ./native` from the repository "
            "(needs a Rust toolchain), or use the python core"
        )
    _forced = core
