"""Registry of the emulator's shims: small in-process monkeypatches that make moto behave like real AWS.

Each shim lives in its own module in this package and registers one ``apply()`` function::

    @shim(
        name="s3_default_bucket_security",
        service="s3",
        real_behaviour="Every new bucket has SSE-S3 default encryption ...",
        moto_behaviour="New buckets have no default encryption ...",
    )
    def apply() -> None:
        ...

``apply_all()`` imports every module of the package and applies each shim exactly once per process (the patches
are process-wide, as moto's backends are). ``registry()`` describes them (also served at ``GET /_stacksmith/shims``).
Nothing here edits files in site-packages.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ApplyFn = Callable[[], None]


@dataclass(frozen=True)
class Shim:
    name: str
    service: str
    real_behaviour: str
    moto_behaviour: str
    apply: ApplyFn
    module: str

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "service": self.service,
            "real_behaviour": self.real_behaviour,
            "moto_behaviour": self.moto_behaviour,
            "module": self.module,
            "applied": self.name in _applied,
        }


_registry: dict[str, Shim] = {}
_applied: set[str] = set()
_lock = threading.RLock()
_modules_loaded = False


def shim(name: str, service: str, real_behaviour: str, moto_behaviour: str) -> Callable[[ApplyFn], ApplyFn]:
    """Register ``apply`` as the shim ``name`` for ``service`` (a botocore service name)."""
    if not real_behaviour.strip() or not moto_behaviour.strip():
        raise ValueError(f"shim {name!r}: real_behaviour and moto_behaviour must be stated")

    def decorator(fn: ApplyFn) -> ApplyFn:
        with _lock:
            existing = _registry.get(name)
            if existing is not None and existing.module != fn.__module__:
                raise ValueError(f"shim {name!r} registered twice ({existing.module}, {fn.__module__})")
            _registry[name] = Shim(
                name=name,
                service=service,
                real_behaviour=" ".join(real_behaviour.split()),
                moto_behaviour=" ".join(moto_behaviour.split()),
                apply=fn,
                module=fn.__module__,
            )
        return fn

    return decorator


def _load_modules() -> None:
    global _modules_loaded
    with _lock:
        if _modules_loaded:
            return
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _modules_loaded = True


def apply_all() -> list[str]:
    """Apply every registered shim that is not applied yet; return the names applied by this call."""
    _load_modules()
    done: list[str] = []
    with _lock:
        for name in sorted(_registry):
            if name in _applied:
                continue
            _registry[name].apply()
            _applied.add(name)
            done.append(name)
    return done


def registry() -> list[dict[str, Any]]:
    """Every shim as a dict: name, service, real_behaviour, moto_behaviour, module, applied."""
    _load_modules()
    with _lock:
        return [_registry[name].describe() for name in sorted(_registry)]


def applied() -> list[str]:
    with _lock:
        return sorted(_applied)
