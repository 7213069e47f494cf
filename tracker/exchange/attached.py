"""The attached files of an imported record, checked in the plan: each names its content by
SHA-256, and that content must be in the file (hashed as it was read: a mismatch refuses the
import, naming the record and the file) or already in the database."""

from __future__ import annotations

from typing import Any

from tracker.exchange.contents import SHA_RE
from tracker.i18n import _
from tracker.model.attachments import (
    LIMIT_SETTING,
    clean_file_name,
    format_size,
    media_type,
)

FIELD = "attachments"


def attached_files(planner, kind: str, label: str, given: Any) -> list[dict] | None:
    """The record's files as they would be attached (sha256, name, size, media_type, added_at,
    added_by), each content found; None when the file says nothing of them. Problems go to the
    planner's list."""
    if given is None:
        return None
    if not isinstance(given, list):
        planner.problems.add(kind, label, FIELD, _("expected a list of {{name, size, sha256}}"))
        return None
    out: list[dict] = []
    seen: set[str] = set()
    for number, entry in enumerate(given, start=1):
        found, problem = _one(planner, entry)
        if problem:
            planner.problems.add(kind, label, FIELD, _("file {n}: {problem}").format(
                n=number, problem=problem))
        elif found["sha256"] not in seen:
            seen.add(found["sha256"])
            out.append(found)
    return out


def _one(planner, entry: Any) -> tuple[dict, str | None]:
    if not isinstance(entry, dict):
        return {}, _("expected {{name, size, sha256}}")
    name = entry.get("name")
    sha = entry.get("sha256")
    size = entry.get("size")
    if not isinstance(name, str) or not name.strip():
        return {}, _("the file needs a name")
    name = clean_file_name(name)
    if not isinstance(sha, str) or not SHA_RE.match(sha.strip().lower()):
        return {}, _("{name}: sha256 must be 64 hexadecimal digits").format(name=name)
    sha = sha.strip().lower()
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return {}, _("{name}: size must be a whole number of bytes").format(name=name)
    kind = entry.get("media_type")
    stamps = {k: entry.get(k) for k in ("added_at", "added_by")}
    if any(v is not None and (not isinstance(v, str) or len(v) > 100) for v in stamps.values()):
        return {}, _("{name}: added_at and added_by must be short text").format(name=name)
    found = {"sha256": sha, "name": name, "size": size,
             "media_type": kind if isinstance(kind, str) and 0 < len(kind) <= 100
             else media_type(name, b""), **{k: v for k, v in stamps.items() if v}}
    return found, _content_problem(planner, found)


def _content_problem(planner, found: dict) -> str | None:
    name, sha, size = found["name"], found["sha256"], found["size"]
    limit = planner.repo.attachment_limit()
    content = planner.stage.file(sha)
    if content is not None:
        if content["too_large"] or content["size"] > limit:
            return _("{name} is larger than {limit}, the most a file may be here (the setting "
                     "{setting})").format(name=name, limit=format_size(limit),
                                          setting=LIMIT_SETTING)
        if content["sha256"] != sha:
            return _("the content of {name} in the file ({where}) does not match its SHA-256: "
                     "the file is damaged or was changed").format(
                         name=name, where=content["place"])
        if content["size"] != size:
            return _("{name} is {actual} bytes in the file, the record says {size}").format(
                name=name, actual=content["size"], size=size)
        return None
    stored = planner.repo.backend.blob(sha)
    if stored is None:
        return _("the content of {name} (SHA-256 {sha}) is neither in the file nor in this "
                 "database").format(name=name, sha=sha)
    if stored["size"] != size:
        return _("{name} is {actual} bytes here, the record says {size}").format(
            name=name, actual=stored["size"], size=size)
    return None
