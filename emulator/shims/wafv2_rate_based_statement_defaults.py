"""WAFv2: a rate-based statement created without ``EvaluationWindowSec`` reports the default, 300.

Real WAFv2 stores a ``RateBasedStatement`` with its server-side default ``EvaluationWindowSec: 300`` (the API
reference for RateBasedStatement: "Valid settings are 60, 120, 300, and 600 ... Default: 300 (5 minutes)"), and
GetWebACL / GetRuleGroup return it, so a client that compares the rules it sent with what AWS returns sees a key it
did not send. (``AggregateKeyType`` is required by the API model, so it is always sent and needs no default.) moto
5.2.5 stores and returns the statement exactly as sent, which hides the difference a client has to cope with.

Patch: ``moto.wafv2.models.FakeRule.__init__`` adds ``EvaluationWindowSec: 300`` to a top-level
``RateBasedStatement`` that has none (rate-based statements cannot be nested), for web ACL and rule group rules.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

DEFAULT_EVALUATION_WINDOW_SEC = 300


@shim(
    name="wafv2_rate_based_statement_defaults",
    service="wafv2",
    real_behaviour=(
        "A RateBasedStatement sent without EvaluationWindowSec is stored and returned (GetWebACL, GetRuleGroup) "
        "with the documented default EvaluationWindowSec 300."
    ),
    moto_behaviour="The statement is returned exactly as sent, without EvaluationWindowSec.",
)
def apply() -> None:
    from moto.wafv2.models import FakeRule

    original_init = FakeRule.__init__

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        statement = self.statement if isinstance(self.statement, dict) else {}
        rate_based = statement.get("RateBasedStatement")
        if isinstance(rate_based, dict) and "EvaluationWindowSec" not in rate_based:
            rate_based = dict(rate_based, EvaluationWindowSec=DEFAULT_EVALUATION_WINDOW_SEC)
            self.statement = dict(statement, RateBasedStatement=rate_based)

    FakeRule.__init__ = __init__  # type: ignore[method-assign]
