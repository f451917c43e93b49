"""ECS cluster for Fargate services, with CloudWatch Container Insights.

```yaml
app:
  kind: container_cluster
  container_insights: enabled      # or enhanced (per-container metrics), or disabled (explicit)
```

Services name their cluster (``cluster: app``); the cluster itself holds no network: each service
runs in the private subnets of its own ``network``. Tasks run on Fargate capacity only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from troposphere import Ref
from troposphere import ecs as tecs

from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..metrics import Metric
from ..model import Component

#: Container Insights metrics CloudWatch derives per cluster and per service on Fargate (ECS/ContainerInsights
#: namespace), each billed as a custom metric. Cluster: CpuUtilized, CpuReserved, MemoryUtilized, MemoryReserved,
#: NetworkRxBytes, NetworkTxBytes, StorageReadBytes, StorageWriteBytes, EphemeralStorageReserved,
#: EphemeralStorageUtilized, TaskCount, ServiceCount. Service: the same eight utilisation metrics plus
#: EphemeralStorageReserved/Utilized, DeploymentCount, DesiredTaskCount, PendingTaskCount, RunningTaskCount,
#: TaskSetCount.
INSIGHTS_METRICS_PER_CLUSTER = 12
INSIGHTS_METRICS_PER_SERVICE = 15


class ContainerCluster(Component):
    """An Amazon ECS cluster that runs Fargate tasks."""

    kind: Literal["container_cluster"] = "container_cluster"
    container_insights: Literal["enabled", "enhanced", "disabled"] = Field(
        "enabled",
        description=(
            "CloudWatch Container Insights: 'enabled' (cluster and service metrics), 'enhanced' (also per task and "
            "container), or 'disabled' (only ECS's free CPU/memory metrics; choose it explicitly)."
        ),
    )

    summary = "ECS cluster (Fargate, Container Insights)"
    diagram_group = "compute"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "Cluster"

    def services(self, spec: Any) -> list[Any]:
        return [c for c in spec.components.values() if c.kind_name == "service" and c.cluster == self.name]

    def build(self, ctx: BuildContext) -> None:
        cluster = tecs.Cluster(
            self.logical_id,
            ClusterSettings=[tecs.ClusterSetting(Name="containerInsights", Value=self.container_insights)],
            CapacityProviders=["FARGATE"],
            DefaultCapacityProviderStrategy=[tecs.CapacityProviderStrategyItem(CapacityProvider="FARGATE", Weight=1)],
        )
        if self.container_insights == "disabled":
            from ._network import checkov_skip

            checkov_skip(
                cluster,
                "CKV_AWS_65",
                "container_insights: disabled in the spec; ECS's free CPU and memory metrics remain",
            )
        ctx.add(self, cluster)
        ctx.output(self, pascal(self.id_name) + "ClusterName", Ref(cluster), f"Name of the {self.name} ECS cluster")

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"ClusterName": Ref(self.logical_id)}
        metrics = {
            "cpu": Metric("AWS/ECS", "CPUUtilization", dims, "Average", "average CPU utilisation (%)"),
            "memory": Metric("AWS/ECS", "MemoryUtilization", dims, "Average", "average memory utilisation (%)"),
        }
        if self.container_insights != "disabled":
            metrics["running_tasks"] = Metric(
                "ECS/ContainerInsights", "TaskCount", dims, "Average", "running tasks in the cluster"
            )
        return metrics

    def cost(self, ctx: CostContext) -> list[LineItem]:
        if self.container_insights == "disabled":
            return []
        services = len(self.services(ctx.spec))
        count = INSIGHTS_METRICS_PER_CLUSTER + INSIGHTS_METRICS_PER_SERVICE * services
        return [
            ctx.item(
                self,
                self.logical_id,
                f"Container Insights metrics ({INSIGHTS_METRICS_PER_CLUSTER} + {INSIGHTS_METRICS_PER_SERVICE} per "
                f"service x {services})",
                "cloudwatch.custom_metrics",
                count,
            ),
            ctx.item(
                self,
                self.logical_id,
                "Container Insights performance events (log ingestion)",
                "cloudwatch.logs_ingestion_gb",
                ctx.usage(self, "log_gb"),
            ),
        ]
