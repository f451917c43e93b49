"""Amplify Hosting: a web frontend built and served from a Git repository.

```yaml
site:
  kind: amplify_app
  repository: https://github.com/malumz/malumz-web
  access_token: {secret_name: malumz/github-token}   # a Secrets Manager secret made once, by hand
  framework: React
  build: {commands: [npm run build], output: dist}
  environment:
    VITE_API_URL: ${api.url}                         # the REST API's invoke URL on this stage
  domain: {name: malumz.com}                         # usually set only in the prod stage's overlay
```

The app builds the ``branch`` on every push (``EnableAutoBuild``) with a build spec generated from
``build`` (or given whole as ``build_spec``). The GitHub access token is read from Secrets Manager by
a dynamic reference when the stack deploys; it never appears in the spec or the template (a literal
token is an error). Environment variables may reference other components as ``${name.attribute}``
(``${api.url}``, ``${api.id}``). Single-page apps get the rewrite that serves ``index.html`` for
client-side routes, and every response carries HSTS, ``nosniff``, ``DENY`` framing and a strict
referrer policy. A ``domain`` connects a custom domain with an Amplify-managed certificate (Amplify
creates the DNS records itself when the domain's Route 53 zone is in the same account).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

import yaml
from pydantic import Field
from troposphere import GetAtt, Join, amplify

from ..base import SpecModel
from ..context import BuildContext, pascal
from ..cost.model import CostContext, LineItem
from ..credentials import credential_kind, literal_secret_message
from ..metrics import Metric
from ..model import Component, Reference

_PLACEHOLDER = re.compile(r"\$\{([a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)\.([a-z_]+)\}")

SPA_REWRITE = {
    "Source": "</^[^.]+$|\\.(?!(css|gif|ico|jpg|jpeg|js|json|map|png|svg|txt|ttf|webp|woff|woff2)$)([^.]+$)/>",
    "Target": "/index.html",
    "Status": "200",
}

SECURITY_HEADERS = [
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
]


class AccessToken(SpecModel):
    """Where the repository access token is: a Secrets Manager secret created once, outside the stack."""

    secret_name: str = Field(
        pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$",
        description="Name (or ARN) of the Secrets Manager secret holding the GitHub personal access token.",
        examples=["malumz/github-token"],
    )
    json_key: str | None = Field(
        None, description="Key of the token when the secret holds a JSON object.", examples=["token"]
    )


class Build(SpecModel):
    """How the frontend is built; turned into Amplify's build spec."""

    install: list[str] = Field(default_factory=lambda: ["npm ci"], description="Commands before the build.")
    commands: list[str] = Field(default_factory=lambda: ["npm run build"], min_length=1, description="Build commands.")
    output: str = Field("dist", description="Directory the build writes the site to.", examples=["dist", "build"])
    app_root: str | None = Field(None, description="Directory of the app in a monorepo.", examples=["frontend"])
    cache: list[str] = Field(default_factory=lambda: ["node_modules/**/*"], description="Paths kept between builds.")


class Domain(SpecModel):
    """A custom domain served by the branch, with an Amplify-managed certificate."""

    name: str = Field(
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
        max_length=253,
        description="The domain (the apex; subdomains are prefixes).",
        examples=["malumz.com"],
    )
    prefixes: list[str] = Field(
        default_factory=lambda: ["", "www"],
        description="Subdomain prefixes the branch answers on ('' is the apex).",
        examples=[["", "www"], ["app"]],
    )


class AmplifyApp(Component):
    """An Amplify Hosting app with one auto-building branch."""

    kind: Literal["amplify_app"] = "amplify_app"
    repository: str = Field(
        pattern=r"^https://(github\.com|gitlab\.com|bitbucket\.org)/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
        description="HTTPS URL of the Git repository.",
        examples=["https://github.com/malumz/malumz-web"],
    )
    access_token: AccessToken = Field(description="Where Amplify's repository access token is kept.")
    branch: str = Field("main", pattern=r"^[A-Za-z0-9._/-]{1,255}$", description="Branch that is built and served.")
    branch_stage: Literal["PRODUCTION", "BETA", "DEVELOPMENT", "EXPERIMENTAL"] | None = Field(
        None,
        description="Amplify's stage of the branch; default PRODUCTION on stages that retain data, else DEVELOPMENT.",
    )
    framework: str = Field("React", max_length=255, description="Framework shown in the console.", examples=["React"])
    build_steps: Build = Field(default_factory=Build, alias="build", description="How the site is built.")
    build_spec: str | None = Field(
        None,
        description="A complete amplify.yml build spec, instead of 'build'.",
        max_length=25000,
        examples=["version: 1\nfrontend:\n  phases:\n    build:\n      commands: [npm ci, npm run build]\n"],
    )
    environment: dict[str, str] = Field(
        default_factory=dict,
        description="Build-time environment variables; ${component.attribute} inserts another component's value.",
        examples=[{"VITE_API_URL": "${api.url}"}],
    )
    spa: bool = Field(True, description="Serve index.html for client-side routes (single-page app).")
    pull_request_previews: bool = Field(False, description="Build and publish a preview of every pull request.")
    domain: Domain | None = Field(None, description="Custom domain; usually set only in a stage's overlay.")

    summary = "Amplify Hosting app built from a Git repository"
    diagram_group = "frontend"

    @property
    def logical_id(self) -> str:
        return pascal(self.id_name) + "App"

    @property
    def branch_id(self) -> str:
        return pascal(self.id_name) + "Branch"

    # -- validation -----------------------------------------------------------------------------
    def _placeholders(self) -> Iterator[tuple[str, str, str]]:
        for variable, text in sorted(self.environment.items()):
            for match in _PLACEHOLDER.finditer(text):
                yield variable, match.group(1), match.group(2)

    def references(self) -> Iterator[Reference]:
        kinds = _referencable_kinds()
        for variable, target, _ in self._placeholders():
            yield Reference(("environment", variable), target, kinds, "component")

    def validate_semantics(self, ctx: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
        for variable, text in sorted(self.environment.items()):
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable):
                yield ("environment", variable), f"invalid environment variable name {variable!r}"
            what = credential_kind(text)
            if what:
                yield (
                    ("environment", variable),
                    f"this looks like {what}; never put a credential in a spec (it would be in git and in the "
                    "template), and build-time variables end up in the published site",
                )
            if "${" in _PLACEHOLDER.sub("", text):
                yield (
                    ("environment", variable),
                    "write references as ${component.attribute}, e.g. ${api.url}",
                )
        for variable, target, attribute in self._placeholders():
            component = ctx.spec.components.get(target)
            known = getattr(component, "reference_attributes", ()) if component is not None else ()
            if component is not None and known and attribute not in known:
                yield (
                    ("environment", variable),
                    f"a {component.kind_name} has no attribute {attribute!r}; attributes: {', '.join(known)}",
                )
        if self.build_spec is not None and "build_steps" in self.model_fields_set:
            yield ("build_spec",), "give either 'build' or a whole 'build_spec', not both"
        if self.build_spec is not None:
            try:
                parsed = yaml.safe_load(self.build_spec)
            except yaml.YAMLError as error:
                yield ("build_spec",), f"not valid YAML: {str(error).splitlines()[0]}"
            else:
                if not isinstance(parsed, dict) or "version" not in parsed:
                    yield ("build_spec",), "an Amplify build spec is a YAML mapping starting with 'version: 1'"
        if self.domain and len(set(self.domain.prefixes)) != len(self.domain.prefixes):
            yield ("domain", "prefixes"), "a prefix is listed twice"
        if self.access_token.json_key is None and credential_kind(self.access_token.secret_name):
            yield ("access_token", "secret_name"), literal_secret_message("a token")

    # -- build ----------------------------------------------------------------------------------
    def build_spec_text(self) -> str:
        if self.build_spec is not None:
            return self.build_spec
        frontend = {
            "phases": {
                "preBuild": {"commands": list(self.build_steps.install)},
                "build": {"commands": list(self.build_steps.commands)},
            },
            "artifacts": {"baseDirectory": self.build_steps.output, "files": ["**/*"]},
            "cache": {"paths": list(self.build_steps.cache)},
        }
        if not self.build_steps.install:
            del frontend["phases"]["preBuild"]
        if self.build_steps.app_root:
            spec: dict[str, Any] = {
                "version": 1,
                "applications": [{"appRoot": self.build_steps.app_root, "frontend": frontend}],
            }
        else:
            spec = {"version": 1, "frontend": frontend}
        return yaml.safe_dump(spec, sort_keys=False, default_flow_style=False)

    def _value(self, ctx: BuildContext, text: str) -> Any:
        """A variable's value: the text, or a Join of its literal parts and the referenced values."""
        parts: list[Any] = []
        last = 0
        for match in _PLACEHOLDER.finditer(text):
            if match.start() > last:
                parts.append(text[last : match.start()])
            parts.append(ctx.component(match.group(1)).reference_value(ctx, match.group(2)))
            last = match.end()
        if not parts:
            return text
        if last < len(text):
            parts.append(text[last:])
        return parts[0] if len(parts) == 1 else Join("", parts)

    def build(self, ctx: BuildContext) -> None:
        token = self.access_token
        reference = f"{{{{resolve:secretsmanager:{token.secret_name}"
        reference += f":SecretString:{token.json_key}}}}}" if token.json_key else "}}"
        headers = {
            "customHeaders": [
                {"pattern": "**", "headers": [{"key": key, "value": value} for key, value in SECURITY_HEADERS]}
            ]
        }
        app = amplify.App(
            self.logical_id,
            Name=ctx.physical_name(self.id_name),
            Repository=self.repository,
            AccessToken=reference,
            Platform="WEB",
            BuildSpec=self.build_spec_text(),
            CustomHeaders=yaml.safe_dump(headers, sort_keys=False, default_flow_style=False),
            EnableBranchAutoDeletion=False,
        )
        if self.description:
            app.Description = self.description
        if self.environment:
            app.EnvironmentVariables = [
                amplify.EnvironmentVariable(Name=name, Value=self._value(ctx, text))
                for name, text in sorted(self.environment.items())
            ]
        if self.spa:
            app.CustomRules = [amplify.CustomRule(**SPA_REWRITE)]
        ctx.add(self, app, ("repository",))
        stage = self.branch_stage or ("PRODUCTION" if ctx.protected else "DEVELOPMENT")
        branch = amplify.Branch(
            self.branch_id,
            AppId=GetAtt(app, "AppId"),
            BranchName=self.branch,
            EnableAutoBuild=True,
            EnablePullRequestPreview=self.pull_request_previews,
            Framework=self.framework,
            Stage=stage,
        )
        ctx.add(self, branch, ("branch",))
        ctx.output(
            self,
            pascal(self.id_name) + "Url",
            Join("", ["https://", self.branch.replace("/", "-"), ".", GetAtt(app, "DefaultDomain")]),
            f"Default URL of the {self.name} site",
        )
        if self.domain:
            ctx.add(
                self,
                amplify.Domain(
                    pascal(self.id_name) + "Domain",
                    AppId=GetAtt(app, "AppId"),
                    DomainName=self.domain.name,
                    EnableAutoSubDomain=False,
                    CertificateSettings=amplify.CertificateSettings(CertificateType="AMPLIFY_MANAGED"),
                    SubDomainSettings=[
                        amplify.SubDomainSetting(BranchName=GetAtt(branch, "BranchName"), Prefix=prefix)
                        for prefix in self.domain.prefixes
                    ],
                ),
                ("domain",),
            )

    def metrics(self, ctx: BuildContext) -> dict[str, Metric]:
        dims = {"App": GetAtt(self.logical_id, "AppId")}
        return {
            "requests": Metric("AWS/AmplifyHosting", "Requests", dims, "Sum", "requests"),
            "4xx": Metric("AWS/AmplifyHosting", "4xxErrors", dims, "Sum", "4xx responses"),
            "5xx": Metric("AWS/AmplifyHosting", "5xxErrors", dims, "Sum", "5xx responses"),
            "latency": Metric("AWS/AmplifyHosting", "Latency", dims, "Average", "time to first byte (s)"),
        }

    def cost(self, ctx: CostContext) -> list[LineItem]:
        return [
            ctx.item(self, self.logical_id, "build minutes", "amplify.build_minutes", ctx.usage(self, "build_minutes")),
            ctx.item(self, self.logical_id, "hosted site storage", "amplify.storage_gb", ctx.usage(self, "stored_gb")),
            ctx.item(
                self, self.logical_id, "data served", "amplify.transfer_out_gb", ctx.usage(self, "data_transfer_gb")
            ),
        ]


def _referencable_kinds() -> tuple[str, ...]:
    from . import component_kinds

    return tuple(k for k, cls in component_kinds().items() if getattr(cls, "reference_attributes", ()))
