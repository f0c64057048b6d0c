"""SME cultivation use cases: the batch template, tier evaluation of a file or of the workspace's
enterprises, explanations, and certificate tracking (import, due list, pipeline, revocations,
major-change reports). Thin: parsing in readers/sme.py, SQL in store/sme.py, rules in core/sme/."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .._files import write_csv
from ..core.sme import SmeBatch, SmeResult, evaluate, ruleset, ruleset_for, size_rules
from ..core.sme import certificates as certs
from ..core.sme.digital import edition_for, level_from_score
from ..core.sme.explain import render_text
from ..core.sme.rulesets import parse_date, rulesets
from ..errors import InputError, NotFoundError
from ..store import Workspace
from ..store import sme as store

OUT_COLUMNS = ["firm_id", "name", "tier", "tier_zh", "rule_set", "result", "score", "score_min", "score_max",
               "missing", "reasons", "size_class"]


def write_template(out: str | Path) -> dict[str, Any]:
    from ..readers.sme import write_template as _write

    path = _write(out)
    from ..core.sme.columns import COLUMNS

    return {"template": str(path), "columns": len(COLUMNS)}


def _province(code: str | None) -> str | None:
    if code is None or code == "":
        return None
    from .. import reference

    norm = reference.normalize_region(code, allow_nation=False)
    if norm is None:
        raise InputError(f"--province: expected a GB/T 2260 province code or name (e.g. 440000 or 广东), got {code!r}")
    return norm


def batch_from_frame(frame: pd.DataFrame, date: dt.date) -> tuple[SmeBatch, list[str]]:
    """The batch, with the digitalisation level filled from ``digital_score`` where the level is empty
    (by the score bands of the edition in force on ``date``)."""
    notes: list[str] = []
    if "digital_score" in frame and frame["digital_score"].notna().any():
        ed = edition_for(date)
        lvl = level_from_score(frame["digital_score"].to_numpy(float), ed)
        cur = frame["digital_level"].to_numpy(float) if "digital_level" in frame else np.full(len(frame), np.nan)
        fill = np.isnan(cur) & ~np.isnan(lvl)
        if fill.any():
            frame = frame.assign(digital_level=np.where(fill, lvl, cur))
            notes.append(f"digital_level derived from digital_score for {int(fill.sum())} enterprise(s) by the "
                         f"{ed['id']} level bands")
        elif np.isnan(cur).any() and not ed.get("levels"):
            notes.append(f"digital_score not turned into a level: the {ed['id']} edition's level rule is not "
                         "verified (give digital_level)")
    return SmeBatch.from_frame(frame), notes


def evaluate_frame(frame: pd.DataFrame, *, date: str | dt.date, province: str | None = None,
                   local_rules: list[dict[str, Any]] | None = None, rule_set: str | None = None,
                   certificates: pd.DataFrame | None = None) -> SmeResult:
    """Evaluate a validated batch frame. ``certificates`` (firm_id, tier, issued, expires, revoked_on):
    a title held on ``date`` satisfies the "holds the title" condition of the tier above."""
    day = parse_date(date)
    rs = ruleset(rule_set) if rule_set else ruleset_for(day)
    batch, notes = batch_from_frame(frame, day)
    held = None
    if certificates is not None and len(certificates):
        valid = certificates[certs.status_on(certificates, day) == "valid"]
        held = {t: np.isin(batch.firm_id, valid.loc[valid["tier"] == t, "firm_id"].astype(str).to_numpy())
                for t in ("innovative", "srdi")}
        notes.append(f"valid certificates on {day.isoformat()} count as titles held "
                     f"({int(sum(h.sum() for h in held.values()))} firm-tier pairs)")
    res = evaluate(batch, rs, size_rules(), date=day, province=_province(province), local_rules=local_rules,
                   held=held)
    res.notes.extend(notes)
    return res


def evaluate_file(path: str | Path, *, date: str | dt.date, province: str | None = None,
                  out: str | Path | None = None, local_rules: str | Path | None = None,
                  rule_set: str | None = None, encoding: str = "utf-8", sheet: str | None = None
                  ) -> tuple[SmeResult, dict[str, Any]]:
    """Evaluate a batch file; with ``out`` write one row per enterprise and tier (CSV, atomically).
    Everything is validated first: a bad file or option writes nothing."""
    from ..readers.sme import read_local_rules, read_sme_batch

    day = parse_date(date)
    _check_out(out)
    local = read_local_rules(local_rules) if local_rules else None
    frame, info = read_sme_batch(path, encoding=encoding, sheet=sheet)
    res = evaluate_frame(frame, date=day, province=province, local_rules=local, rule_set=rule_set)
    summary = {**res.summary(), "source": info["source"], "absent_columns": info["absent_columns"],
               "ignored_columns": info["ignored_columns"]}
    if out is not None:
        write_csv(res.to_frame()[OUT_COLUMNS], out, index=False, create_parent=False)
        summary["out"] = str(out)
    return res, summary


def _check_out(out: str | Path | None) -> None:
    if out is None:
        return
    p = Path(out)
    if p.suffix.lower() != ".csv":
        raise InputError(f"--out: expected a .csv file name, got {p.name}")
    if not p.parent.exists():
        raise InputError(f"--out: the folder {p.parent} does not exist")
    if p.is_dir():
        raise InputError(f"--out: {p} is a folder")


def explain_file(path: str | Path, firm_id: str, *, date: str | dt.date, province: str | None = None,
                 local_rules: str | Path | None = None, rule_set: str | None = None,
                 encoding: str = "utf-8", sheet: str | None = None) -> dict[str, Any]:
    """The full explanation of one enterprise of a batch file (dict; ``text`` holds the printable form)."""
    res, _ = evaluate_file(path, date=date, province=province, local_rules=local_rules, rule_set=rule_set,
                           encoding=encoding, sheet=sheet)
    d = res.explain(firm_id)
    d["text"] = render_text(d)
    return d


def evaluate_workspace(ws: Workspace, *, date: str | dt.date, province: str | None = None,
                       firm_ids: Sequence[str] | None = None, out: str | Path | None = None,
                       local_rules: str | Path | None = None) -> tuple[SmeResult, dict[str, Any]]:
    """Evaluate the workspace's enterprises from their attributes (named like the batch columns)."""
    from ..readers.sme import read_local_rules, sme_frame_from_attributes

    day = parse_date(date)
    _check_out(out)
    local = read_local_rules(local_rules) if local_rules else None
    with ws.reader() as con:
        ent = store.enterprises(con, firm_ids)
        held = store.certificates(con)
    if ent.empty:
        raise NotFoundError("no enterprises in the workspace" + (f" with ids {list(firm_ids)}" if firm_ids else ""))
    frame, info = sme_frame_from_attributes(ent)
    res = evaluate_frame(frame, date=day, province=province, local_rules=local, certificates=held)
    summary = {**res.summary(), "source": "workspace"}
    if out is not None:
        write_csv(res.to_frame()[OUT_COLUMNS], out, index=False, create_parent=False)
        summary["out"] = str(out)
    return res, summary


def explain_workspace(ws: Workspace, firm_id: str, *, date: str | dt.date, province: str | None = None
                      ) -> dict[str, Any]:
    res, _ = evaluate_workspace(ws, date=date, province=province, firm_ids=[firm_id])
    d = res.explain(firm_id)
    d["text"] = render_text(d)
    return d


def list_rulesets() -> pd.DataFrame:
    rows = []
    for rs in rulesets().values():
        for t in rs["tiers"]:
            rows.append({"rule_set": rs["id"], "effective_from": rs["effective_from"],
                         "effective_to": rs.get("effective_to") or "", "tier": t["tier"], "name_zh": t["name_zh"],
                         "points_table": bool(t.get("score")), "inherited_from": t.get("inherited_from", ""),
                         "confidence": t.get("confidence", "")})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# certificates
# ---------------------------------------------------------------------------------------------
def import_certificates(ws: Workspace, path: str | Path, *, dataset_id: str | None = None,
                        encoding: str = "utf-8", sheet: str | None = None) -> dict[str, Any]:
    """Import a certificate list (replaces the same dataset's certificates; one transaction)."""
    from ..errors import Problem, ValidationError
    from ..readers.sme import read_certificates

    frame = read_certificates(path, encoding=encoding, sheet=sheet)
    dataset_id = dataset_id or f"sme_certs_{Path(path).stem}"
    ws.ensure()
    with ws.writer() as con:
        clash = store.existing_cert_ids(con, frame["cert_id"].tolist(), dataset_id)
        if clash:
            rows = frame.set_index("cert_id").loc[clash, "_row"]
            raise ValidationError([Problem(Path(path).name, int(r), "cert_id", cid,
                                           "a certificate id not already imported from another file")
                                   for cid, r in rows.items()])
        store.upsert_dataset(con, {"dataset_id": dataset_id, "kind": "sme_certificates",
                                   "name": f"SME certificates ({len(frame)})", "source": Path(path).name,
                                   "unit": None, "vintage": None, "synthetic": False,
                                   "meta": json.dumps({"rows": len(frame)})})
        n = store.replace_certificates(con, frame, dataset_id)
    return {"dataset_id": dataset_id, "certificates": n,
            "by_tier": frame["tier"].value_counts().sort_index().to_dict()}


def due_certificates(ws: Workspace, *, months: int, as_of: str | dt.date | None = None,
                     tier: str | None = None) -> pd.DataFrame:
    if months < 0 or months > 120:
        raise InputError(f"--months: expected 0 to 120, got {months}")
    day = parse_date(as_of) if as_of else dt.date.today()
    with ws.reader() as con:
        frame = store.certificates(con, tier=tier)
    due = certs.due_list(frame, day, months)
    if due.empty:
        return due
    return _iso_dates(due[["cert_id", "firm_id", "name", "tier", "issued", "expires", "days_left", "region",
                           "industry", "rule_set"]])


def _iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as YYYY-MM-DD text (DuckDB DATE arrives as a timestamp)."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d").where(out[c].notna(), None)
    return out


def pipeline_stats(ws: Workspace, *, by: Sequence[str] = ("region",), as_of: str | dt.date | None = None
                   ) -> pd.DataFrame:
    allowed = ("region", "industry", "division", "chain_node", "cluster")
    bad = [b for b in by if b not in allowed]
    if bad:
        raise InputError(f"--by: expected some of {list(allowed)}, got {bad}")
    day = parse_date(as_of) if as_of else dt.date.today()
    with ws.reader() as con:
        frame = store.certificates_with_context(con)
    if frame.empty:
        return pd.DataFrame(columns=list(by) + ["tier", "valid", "due_within_6_months", "expired", "revoked", "firms"])
    frame["division"] = frame["industry"].fillna("").astype(str).str[:2]
    for multi in ("chain_node", "cluster"):
        if multi in by:  # a firm on two nodes counts on each
            frame[multi] = frame[multi].fillna("").astype(str).str.split(",")
            frame = frame.explode(multi)
    return certs.pipeline(frame, day, list(by))


def revoke_certificate(ws: Workspace, cert_id: str, *, date: str | dt.date, cause: str) -> dict[str, Any]:
    if cause not in certs.REVOKE_CAUSES:
        raise InputError(f"--cause: expected one of {list(certs.REVOKE_CAUSES)}, got {cause!r}")
    day = parse_date(date)
    with ws.writer() as con:
        row = store.cert_exists(con, cert_id)
        if row is None:
            raise NotFoundError(f"no certificate {cert_id!r}")
        if row["status"] == "revoked":
            raise InputError(f"certificate {cert_id} was already revoked on {row['revoked_on']}")
        if day < row["issued"]:
            raise InputError(f"revocation date {day} is before the issue date {row['issued']}")
        store.revoke(con, cert_id, day, cause)
    return {"cert_id": cert_id, "status": "revoked", "revoked_on": day.isoformat(), "cause": cause,
            "cause_zh": certs.REVOKE_CAUSE_ZH[cause]}


def report_change(ws: Workspace, firm_id: str, *, kind: str, occurred: str | dt.date,
                  reported: str | dt.date | None = None, note: str | None = None) -> dict[str, Any]:
    """Record a major change (due for reporting within 3 months of ``occurred``)."""
    if kind not in certs.CHANGE_KINDS:
        raise InputError(f"--kind: expected one of {list(certs.CHANGE_KINDS)}, got {kind!r}")
    occ = parse_date(occurred)
    rep = parse_date(reported) if reported else None
    if rep is not None and rep < occ:
        raise InputError(f"--reported {rep} is before the change ({occ})")
    ws.ensure()
    with ws.writer() as con:
        cid = store.next_change_id(con)
        row = {"change_id": cid, "firm_id": firm_id, "kind": kind, "occurred": occ, "due": certs.change_due(occ),
               "reported": rep, "note": note, "dataset_id": "sme_changes"}
        store.insert_change(con, row)
    late = rep is not None and rep > row["due"]
    return {**{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()},
            "kind_zh": certs.CHANGE_KIND_ZH[kind], "reported_late": late}


def list_changes(ws: Workspace, *, overdue_only: bool = False, as_of: str | dt.date | None = None) -> pd.DataFrame:
    day = parse_date(as_of) if as_of else dt.date.today()
    with ws.reader() as con:
        frame = store.changes(con)
    return _iso_dates(certs.overdue_changes(frame, day) if overdue_only else frame)
