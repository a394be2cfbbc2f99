"""schemathesis against /openapi.json: generated requests to every operation never get a server error,
and every answer is what the schema documents (statuses, content types, the error shape). Bounded: 25
examples per operation. The app is built at import (schemathesis parametrizes from it at collection), over
a copy of the examples' index in a temporary folder."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (pip install -e '.[dev]')"
)
from hypothesis import HealthCheck, settings  # noqa: E402

from copydesk.serve import ServeConfig, create_app  # noqa: E402
from copydesk.serve.service import Service  # noqa: E402
from tests.serve.conftest import TOKEN, build  # noqa: E402

_FOLDER = Path(tempfile.mkdtemp(prefix="copydesk-schema-"))
_CONFIG = ServeConfig(db=build(_FOLDER / "examples.db"), token=TOKEN, max_body=100_000)
_SERVICE = Service(_CONFIG)
atexit.register(shutil.rmtree, _FOLDER, True)
atexit.register(_SERVICE.close)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_CONFIG, service=_SERVICE))


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_against_its_schema(case: Any) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})
