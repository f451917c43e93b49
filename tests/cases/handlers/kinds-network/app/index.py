"""Test handler for the network kind cases: reports which database settings it received."""

import os

from shared import response


def handler(event, context):
    names = sorted(k for k in os.environ if k.startswith(("DOCDB_", "PG")))
    return response(200, {"configured": names})
