"""Security of compiled templates: explicit, reasoned checkov skips; IAM, network and data-protection checks.

A spec may knowingly not satisfy a checkov check, but only by saying why:

```yaml
components:
  handle-auth:
    kind: function
    code: handlers/auth
    security:
      accept:
        CKV_AWS_117: "calls only Cognito and DynamoDB over their public endpoints; nothing private to reach"
```

``security`` may also sit at the top of a spec, for every component. The reason is written into the
``Metadata.checkov.skip`` of each resource of that component the check applies to, so checkov, the
template and a reviewer all see it. A skip without a reason, or of a check checkov does not have, is a
spec error. Everything else here (the IAM, security-group and retention checks, the checkov runner)
is used by ``specc lint`` and the test suite and imports nothing heavy at module level.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from ._checkov_checks import CHECKS
from .base import SpecModel

if TYPE_CHECKING:
    from .model import Component
    from .spec import Spec

CHECK_ID = re.compile(r"^CKV2?_AWS_[0-9]+$")
MIN_REASON = 10


def _check_id(value: str) -> str:
    if value not in CHECKS:
        close = difflib.get_close_matches(value, list(CHECKS), n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        shape = "" if CHECK_ID.match(value) else " (ids look like CKV_AWS_117)"
        raise ValueError(f"checkov has no CloudFormation check {value!r}{hint}{shape}")
    return value


def _reason(value: str | None) -> str:
    if value is None or len(value.strip()) < MIN_REASON:
        raise ValueError(
            "a check may be accepted only with a reason: say in a sentence why it does not apply here "
            f"(at least {MIN_REASON} characters)"
        )
    return value.strip()


CheckId = Annotated[str, AfterValidator(_check_id)]
Reason = Annotated[str | None, AfterValidator(_reason)]


class Security(SpecModel):
    """Security checks this component (or, at the top of a spec, the whole system) knowingly does not meet."""

    accept: dict[CheckId, Reason] = Field(
        default_factory=dict,
        description=(
            "Checkov checks accepted as not met, each with the reason. The reason lands in the Metadata.checkov.skip "
            "of every resource the check applies to. Use sparingly: specc's defaults pass every check."
        ),
        examples=[{"CKV_AWS_117": "calls only public AWS endpoints; there is nothing private to reach from a VPC"}],
    )


def checkov_skips(spec: Spec, component: Component | None, resource_type: str) -> list[dict[str, str]]:
    """The ``Metadata.checkov.skip`` entries for one resource: system-level, then component-level accepts."""
    accepted: dict[str, str] = {}
    for holder in (spec, component):
        security = getattr(holder, "security", None) if holder is not None else None
        if security is not None:
            accepted.update(security.accept)
    return [
        {"id": check, "comment": reason}
        for check, reason in sorted(accepted.items())
        if resource_type in CHECKS[check]["types"]
    ]
