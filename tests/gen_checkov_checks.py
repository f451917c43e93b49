"""Regenerate compiler/_checkov_checks.py from the installed checkov (run with checkov's Python).

    .venv-checkov/bin/python tests/gen_checkov_checks.py > compiler/_checkov_checks.py

The table maps each CloudFormation check id to its name and the resource types it applies to, so
specc can validate ``security.accept`` ids and write a skip only onto resources the check reads.
"""

from __future__ import annotations

import glob
import json
import os
import pprint

import checkov
from checkov.cloudformation.checks.resource.registry import cfn_registry
from checkov.version import version

checks: dict[str, dict] = {}
for resource_type, registered in cfn_registry.checks.items():
    for check in registered:
        entry = checks.setdefault(check.id, {"name": check.name, "types": []})
        if resource_type not in entry["types"]:
            entry["types"].append(resource_type)
graph_dir = os.path.join(os.path.dirname(checkov.__file__), "cloudformation", "checks", "graph_checks")
for path in glob.glob(os.path.join(graph_dir, "*.json")):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    types = data.get("definition", {}).get("resource_types") or []
    if not types:
        for part in data.get("definition", {}).get("and", []) + data.get("definition", {}).get("or", []):
            types += [t for t in part.get("resource_types", []) if t not in types]
    checks[data["metadata"]["id"]] = {"name": data["metadata"]["name"], "types": types}
table = {k: {"name": v["name"], "types": tuple(sorted(v["types"]))} for k, v in sorted(checks.items())}
print('"""Checkov\'s CloudFormation checks: id -> name and resource types. Generated; do not edit.')
print()
print("Regenerate: .venv-checkov/bin/python tests/gen_checkov_checks.py > compiler/_checkov_checks.py")
print('"""')
print()
print(f"CHECKOV_VERSION = {version!r}")
print()
print("CHECKS: dict[str, dict] = " + pprint.pformat(table, width=120, sort_dicts=True))
