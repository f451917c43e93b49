"""CloudWatch metrics that components expose to alarms and dashboards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    dimensions: dict[str, Any] = field(default_factory=dict)
    statistic: str = "Sum"
    #: What the alarm compares against by default, phrased for messages.
    description: str = ""
