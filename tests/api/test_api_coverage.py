"""Every CLI capability has an API route, or is listed here as a gap with its reason."""
from __future__ import annotations

import typer.main

from induscope.cli.main import app as cli

from .conftest import make_client

#: CLI group -> API tag that serves it
COVERED = {"workspace": "system", "reference": "system", "import": "imports", "io": "io", "ario": "ario",
           "network": "network", "indicators": "indicators", "monitor": "alerts", "chains": "chains",
           "users": "users", "tokens": "tokens", "audit": "audit", "nowcast": "nowcast", "sme": "sme",
           "clusters": "clusters", "sut": "sut", "report": "report"}
#: on purpose: the CLI only
INTENDED = {"demo": "builds a synthetic workspace on the server's disk",
            "serve": "starts the server itself",
            "export": "writes files on the machine that runs it (interchange, not a web download)"}
#: not yet (the next rounds of this issue)
NOT_YET: dict[str, str] = {}


def test_cli_groups_have_api_routes_or_a_stated_gap(tmp_path):
    groups = {c for c in typer.main.get_command(cli).commands}
    doc = make_client(tmp_path / "ws").get("/api/v1/openapi.json").json()
    tags = {t for ops in doc["paths"].values() for op in ops.values() for t in op["tags"]}
    unexplained = groups - set(COVERED) - set(INTENDED_OR_NOT_YET)
    assert not unexplained, f"CLI groups with neither an API route nor a stated gap: {sorted(unexplained)}"
    missing_tags = {g: t for g, t in COVERED.items() if g in groups and t not in tags}
    assert not missing_tags, missing_tags
    assert not NOT_YET, f"CLI groups still without an API route: {NOT_YET}"


INTENDED_OR_NOT_YET = {**INTENDED, **NOT_YET}
