"""CloudWatch dashboard declared in the spec: graphs of the metrics components expose, and custom metrics.

```yaml
ops:
  kind: dashboard
  widgets:
    - {"on": data, metrics: [read_throttles, write_throttles]}
    - {"on": exports, metrics: [4xx, 5xx]}
    - {"on": chat, metrics: [messages, integration_errors]}
    - title: Sessions created (24h)
      custom: [{namespace: SpecWizard, name: SessionsCreated}]
      view: single_value
      period: 86400
```

(``"on"`` is quoted because YAML 1.1 tools, PyYAML among them, read a bare ``on`` key as ``true``.)
A widget graphs the named metrics of one component (``on``); the names are the ones the component
offers to alarms (``specc explain <kind>``). Without ``metrics`` it graphs all of them. Business
metrics the application publishes itself go in ``custom``. Without ``widgets``, the dashboard has
one widget per component that has metrics. CloudFront metrics are read from us-east-1, where
CloudFront publishes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field
from troposphere import AWSHelperFn, Sub, cloudwatch

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..credentials import credential_kind, literal_secret_message
from ..metrics import Metric
from ..model import Component, Reference

Statistic = Literal["Sum", "Average", "Minimum", "Maximum", "SampleCount", "p50", "p90", "p95", "p99"]


class CustomMetric(SpecModel):
    """A metric the application publishes itself (CloudWatch PutMetricData or embedded metric format)."""

    namespace: str = Field(description="Metric namespace.", examples=["SpecWizard"], min_length=1, max_length=255)
    name: str = Field(description="Metric name.", examples=["SessionsCreated"], min_length=1, max_length=255)
    dimensions: dict[str, str] = Field(
        default_factory=dict,
        description="Dimensions, if it is published with any; '{stage}' and '{system}' in a value are replaced.",
        examples=[{"Stage": "{stage}"}],
    )
    statistic: Statistic = Field("Sum", description="How data points are combined.")
    label: str | None = Field(None, description="Legend label.", examples=["sessions"])


class Widget(SpecModel):
    """One graph (or number) on the dashboard."""

    title: str | None = Field(None, description="Widget title; default: the component's name.", examples=["Throttles"])
    on: str | None = Field(None, description="The component whose metrics to show.", examples=["data"])
    metrics: list[str] = Field(
        default_factory=list,
        description="Names of that component's metrics; default: all of them.",
        examples=[["read_throttles", "write_throttles"]],
    )
    custom: list[CustomMetric] = Field(
        default_factory=list,
        description="Metrics the application publishes.",
        examples=[[{"namespace": "SpecWizard", "name": "SessionsCreated"}]],
    )
    text: str | None = Field(None, description="A Markdown text widget instead of a graph.", examples=["## Wizard"])
    view: Literal["time_series", "single_value", "bar"] = Field("time_series", description="How to draw it.")
    period: int = Field(300, description="Seconds per data point.", examples=[300, 86400])
    width: int = Field(12, ge=1, le=24, description="Width in grid columns (24 per row).")
    height: int = Field(6, ge=1, le=1000, description="Height in grid rows.")


_VIEW = {"time_series": "timeSeries", "single_value": "singleValue", "bar": "bar"}
_PERIODS = (1, 5, 10, 30)


class Dashboard(Component):
    """A CloudWatch dashboard of this stage's components."""

    kind: Literal["dashboard"] = "dashboard"
    widgets: list[Widget] = Field(
        default_factory=list,
        description="Widgets in order (two per row at the default width). Default: one per component with metrics.",
        examples=[[{"on": "data", "metrics": ["read_throttles", "write_throttles"]}]],
    )

    summary = "CloudWatch dashboard"
    diagram_group = "monitoring"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Dashboard"

    def references(self) -> Iterator[Reference]:
        for index, widget in enumerate(self.widgets):
            if widget.on:
                yield Reference(("widgets", index, "on"), widget.on, _other_kinds(), "component")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        for index, widget in enumerate(self.widgets):
            path = ("widgets", index)
            if widget.period not in _PERIODS and widget.period % 60:
                yield (*path, "period"), "a period is 1, 5, 10, 30 or a multiple of 60 seconds"
            if widget.text is not None:
                if widget.on or widget.metrics or widget.custom:
                    yield path, "a text widget shows only its text; put metrics in another widget"
                what = credential_kind(widget.text)
                if what:
                    yield (*path, "text"), literal_secret_message(what)
                continue
            if not widget.on and not widget.custom:
                yield path, "a widget shows the metrics of a component ('on') or custom metrics ('custom')"
            if widget.metrics and not widget.on:
                yield (*path, "metrics"), "'metrics' names metrics of the component in 'on'"
            target = ctx.spec.components.get(widget.on) if widget.on else None
            if target is None:
                continue
            offered = target.metrics(ctx)
            if not offered:
                hint = getattr(target, "metrics_hint", "")
                yield (
                    (*path, "on"),
                    f"{widget.on!r} ({target.kind_name}) has no metrics" + (f"; {hint}" if hint else ""),
                )
            for m_index, name in enumerate(widget.metrics):
                if offered and name not in offered:
                    yield (
                        (*path, "metrics", m_index),
                        (f"{widget.on!r} has no metric {name!r}; it has: {', '.join(sorted(offered))}"),
                    )
        if len(self.widgets) > 500:
            yield ("widgets",), "a dashboard holds at most 500 widgets"

    def build(self, ctx: BuildContext) -> None:
        widgets = self.widgets or self._default_widgets(ctx)
        body: list[dict[str, Any]] = []
        x = y = row_height = 0
        for widget in widgets:
            if x + widget.width > 24:
                x, y, row_height = 0, y + row_height, 0
            body.append(self._widget(ctx, widget, x, y))
            x += widget.width
            row_height = max(row_height, widget.height)
        text = json.dumps({"widgets": body}, separators=(",", ":"), sort_keys=False)
        dashboard = cloudwatch.Dashboard(
            self.logical_id,
            DashboardName=ctx.physical_name(self.id_name),
            DashboardBody=Sub(text),
        )
        ctx.add(self, dashboard)

    def _default_widgets(self, ctx: BuildContext) -> list[Widget]:
        widgets = []
        for name, component in ctx.spec.components.items():
            offered = component.metrics(ctx)
            if not offered or component is self:
                continue
            counts = [n for n, m in offered.items() if m.statistic == "Sum"]
            others = [n for n, m in offered.items() if m.statistic != "Sum"]
            for group, suffix in ((counts, ""), (others, " (averages)")):
                if group:
                    widgets.append(Widget(title=f"{name} ({component.kind_name}){suffix}", on=name, metrics=group))
        return widgets

    def _widget(self, ctx: BuildContext, widget: Widget, x: int, y: int) -> dict[str, Any]:
        place = {"x": x, "y": y, "width": widget.width, "height": widget.height}
        if widget.text is not None:
            return {"type": "text", **place, "properties": {"markdown": _escape(widget.text)}}
        lines: list[list[Any]] = []
        if widget.on:
            offered = ctx.component(widget.on).metrics(ctx)
            for name in widget.metrics or list(offered):
                lines.append(_metric_line(offered[name], name))
        for custom in widget.custom:
            line: list[Any] = [_escape(custom.namespace), _escape(custom.name)]
            for key, value in sorted(custom.dimensions.items()):
                value = value.replace("{stage}", ctx.stage_name).replace("{system}", ctx.system)
                line += [_escape(key), _escape(value)]
            line.append({"stat": custom.statistic, "label": _escape(custom.label or custom.name)})
            lines.append(line)
        return {
            "type": "metric",
            **place,
            "properties": {
                "title": _escape(widget.title or widget.on or "custom metrics"),
                "view": _VIEW[widget.view],
                "region": "${AWS::Region}",
                "period": widget.period,
                "stat": "Sum",
                "metrics": lines,
            },
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        return [ctx.item(self, self.logical_id, "dashboard", "cloudwatch.dashboards", 1)]


def _metric_line(metric: Metric, name: str) -> list[Any]:
    line: list[Any] = [metric.namespace, metric.name]
    for key, value in metric.dimensions.items():
        line += [_escape(key), _sub_value(value)]
    options: dict[str, Any] = {"stat": metric.statistic, "label": _escape(metric.description or name)}
    if metric.namespace == "AWS/CloudFront":
        options["region"] = "us-east-1"
    line.append(options)
    return line


def _sub_value(value: Any) -> str:
    """A dimension value as text inside Fn::Sub: ``Ref X`` -> ``${X}``, ``GetAtt X.Y`` -> ``${X.Y}``."""
    if isinstance(value, AWSHelperFn):
        data = value.to_dict()
        if "Ref" in data:
            return "${" + data["Ref"] + "}"
        if "Fn::GetAtt" in data:
            return "${" + ".".join(data["Fn::GetAtt"]) + "}"
        raise ValueError(f"a dimension value must be a name or a Ref/GetAtt, not {data}")
    return _escape(str(value))


def _escape(text: str) -> str:
    """Literal text inside Fn::Sub: ``${`` must be written ``${!``."""
    return text.replace("${", "${!")


def _other_kinds() -> tuple[str, ...]:
    from . import component_kinds

    return tuple(name for name in component_kinds() if name != "dashboard")
