"""The plan of an import (its second phase): every staged record checked as the repository would
check it, and what it would do decided — create, update, nothing, or "older than ours" (the
database's copy has a higher version: edited, deleted or restored since the export). Links are
resolved by uid in the file or the database, quotes looked for in their sources' text (the file's
when it brings the source). Nothing is written; the plans go into the stage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from tracker.exchange.attached import attached_files
from tracker.exchange.checks import Problems, as_uid
from tracker.exchange.records import ATTACHMENTS_KEY, DERIVED_KEYS
from tracker.i18n import _
from tracker.model import (
    KIND_ORDER,
    KINDS,
    LINK,
    LINKS,
    REPORTS_KEY,
    SERIES,
    SOURCE_KIND,
    SYSTEM_FIELDS,
    Kind,
)
from tracker.model.reports import normalize_report, report_prefix
from tracker.model.text import quote_key, quote_problem
from tracker.model.values import SERIES_KEYS, series_items, series_text
from tracker.store.errors import StorageError
from tracker.store.repository import Repository
from tracker.store.sqlite.stage import Stage

MAX_LISTED = 1000  # older-than-ours records kept for the list (the rest are counted)
TEXT_CACHE = 8 * 1024**2  # characters of sources' folded texts kept while quotes are checked
_NOT_VALUES = frozenset(SYSTEM_FIELDS + DERIVED_KEYS)  # a file's record's keys that are not values


@dataclass
class Conflict:
    """A record the file holds in an older version than the database (changed here since)."""
    kind: str
    record: str  # as problems name it: "#3 'Title'"
    record_id: int
    file_version: int
    version: int
    updated_at: str | None = None
    updated_by: str | None = None
    in_trash: bool = False

    def describe(self) -> str:
        text = _("{kind} {id} {record}: version {file} in the file, {ours} here (changed {when} "
                 "by {who})").format(kind=self.kind, id=self.record_id, record=self.record,
                                     file=self.file_version, ours=self.version,
                                     when=self.updated_at or "?", who=self.updated_by or "?")
        if self.in_trash:
            text += " " + _("(in the trash here)")
        return text


@dataclass
class Plan:
    """What one record of the file would do (kept in the stage)."""
    values: dict  # the whole record as it would be stored; links still to resolve
    links: dict  # field -> target or [targets]: an id, or ("@", seq) for a record of the file
    citations: list | None  # [(target, quote)], None: leave the record's as they are
    system: dict  # created_at, created_by, deleted_at, version (as given, checked)
    rewrite: bool = False  # fields or trash state change (else only citations do)
    cite: bool = False  # the citations change
    before_version: int | None = None
    reports: list | None = None  # [(report, source target, quote)], None: leave them as they are
    report: bool = False  # the reports change
    # series field -> its values as given, each source a target (id, or ("@", seq))
    series: dict = field(default_factory=dict)
    attachments: list | None = None  # the attached files, None: leave the record's as they are
    attach: bool = False  # the attached files change

    def as_data(self) -> tuple:
        """The plan as plain data, as the stage keeps it (``Plan.of`` makes it again)."""
        return _plan_fields(self)

    @classmethod
    def of(cls, data: tuple) -> Plan:
        return cls(*data)


_plan_fields = attrgetter(*(f.name for f in fields(Plan)))  # (a tuple, in their order)


def kind_order() -> list[str]:
    """Kinds so that link targets come before the records linking to them (sources first: every
    kind cites them)."""
    order: list[str] = []
    pending = [SOURCE_KIND.name, *[k for k in KIND_ORDER if k != SOURCE_KIND.name],
               *[k for k in KINDS if k not in KIND_ORDER]]
    while pending:
        for name in pending:
            targets = {f.target for f in KINDS[name].fields if f.target and f.target != name}
            if targets <= set(order):
                order.append(name)
                pending.remove(name)
                break
        else:  # a cycle between kinds: fall back to reading order
            order.extend(pending)
            break
    return order


#: A report's keys naming its source and the words quoted from it (resolved by the planner).
SOURCE_REF = ("source_id", "source_uid", "source", "quote")


def _quote(ref: Any) -> str:
    quote = ref.get("quote") if isinstance(ref, dict) else None
    return "" if quote is None else str(quote)


class Planner:
    """Check every staged record and decide what it does; writes nothing."""

    def __init__(self, repo: Repository, stage: Stage, problems: Problems,
                 tell: Callable[[int], None] | None = None):
        self.repo, self.stage, self.problems = repo, stage, problems
        self.tell = tell
        self.source_titles: dict[str, list] | None = None
        self._text_keys: dict[Any, str | None] = {}
        self._text_chars = 0
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}
        self.unchanged: dict[str, int] = {}
        self.older: dict[str, int] = {}
        self.conflicts: list[Conflict] = []

    # -- references --

    def exists(self, kind: str, record_id: int) -> bool:
        return -(2**63) <= record_id < 2**63 and self.repo.exists(kind, record_id)

    def resolve(self, target: str, ref: Any) -> tuple[Any, str | None]:
        """(id, or ("@", seq) for a new record of the file; problem)"""
        if ref is None or (isinstance(ref, str) and not ref.strip()):
            return None, None
        if isinstance(ref, bool):
            return None, _("expected a record uid, got {value!r}").format(value=ref)
        if isinstance(ref, int):
            if self.exists(target, ref):
                return ref, None
            return None, _("no {kind} with id {id}").format(kind=target, id=ref)
        if isinstance(ref, str):
            return self._resolve_uid(target, ref.strip())
        return None, _("expected a record uid, got {value!r}").format(value=str(ref)[:40])

    def _resolve_uid(self, target: str, ref: str) -> tuple[Any, str | None]:
        try:
            staged = self.stage.by_uid(target, ref)
        except (ValueError, UnicodeEncodeError):
            staged = None
        if staged is not None:
            seq, existing_id = staged
            return (existing_id if existing_id is not None else ("@", seq)), None
        try:
            found = self.repo.id_of_uid(target, ref)
        except (ValueError, UnicodeEncodeError, StorageError):
            found = None
        if found is not None:
            return found, None
        if ref.isascii() and ref.isdigit() and len(ref) < 19 and self.exists(target, int(ref)):
            return int(ref), None
        short = ref if len(ref) <= 40 else ref[:39] + "…"
        return None, _("no {kind} with uid {uid} in the file or the database").format(
            kind=target, uid=short)

    def titles(self) -> dict[str, list]:
        """Sources by folded title (the database's, then the file's new ones): only built for a
        file that names a source by its title instead of its uid."""
        if self.source_titles is None:
            titles: dict[str, list] = {}
            every_source = sorted(
                (r["id"], r["title"]) for trash in (False, True)
                 for r in self.repo.list(SOURCE_KIND.name, columns=["title"], sort="id",
                                         trash=trash))
            for sid, title in every_source:
                titles.setdefault(" ".join(str(title).split()).casefold(), []).append(sid)
            for seq, key in self.stage.titles():
                titles.setdefault(key, []).append(("@", seq))
            self.source_titles = titles
        return self.source_titles

    def source_ref(self, ref: Any) -> tuple[Any, str | None]:
        """A citation's source: (id or ("@", seq), problem)."""
        if not isinstance(ref, dict):
            return None, _("expected {{source_uid, source, quote}}")
        quote = ref.get("quote")
        if quote is not None and not isinstance(quote, str):
            return None, _("quote: expected text")
        if isinstance(quote, str) and len(quote) > 100_000:
            return None, _("quote: too long ({n} characters; at most {limit})").format(
                n=len(quote), limit=100_000)
        uid = ref.get("source_uid")
        if uid not in (None, ""):
            target, problem = self.resolve(SOURCE_KIND.name, uid)
            if target is None and problem is None:
                problem = _("name the source by source_uid or by its title (source)")
            return target, problem
        title = ref.get("source")
        if not isinstance(title, str) or not title.strip():
            return None, _("name the source by source_uid or by its title (source)")
        matches = self.titles().get(" ".join(title.split()).casefold(), [])
        if not matches:
            return None, _("no source titled {title!r}").format(title=title[:60])
        if len(matches) > 1:
            return None, _("several sources are titled {title!r}; give source_uid").format(
                title=title[:60])
        return matches[0], None

    def text_key(self, target: Any) -> str | None:
        """The folded text a quote of source ``target`` is looked for in: the file's text when the
        file brings that source (new, or updated and not older than ours), else the database's.
        Cached up to TEXT_CACHE characters."""
        if target in self._text_keys:
            return self._text_keys[target]
        text, known = self._file_text(target)
        if not known and not isinstance(target, tuple):
            found = self.repo.stored(SOURCE_KIND.name, target, ["text"])
            text = found["text"] if found else None
        key = quote_key(text) if isinstance(text, str) and text.strip() else None
        self._text_chars += len(key or "")
        if self._text_chars > TEXT_CACHE:
            self._text_keys.clear()
            self._text_chars = len(key or "")
        self._text_keys[target] = key
        return key

    def _file_text(self, target: Any) -> tuple[Any, bool]:
        """(the text the file gives source ``target``, whether it gives one)."""
        if isinstance(target, tuple):
            seq = target[1]
        else:
            seq = self.stage.seq_of(SOURCE_KIND.name, target)
        if seq is None:
            return None, False
        planned = self.stage.plan(seq)
        if planned is not None:
            action, plan = planned
            return (Plan.of(plan).values.get("text"), True) if action != "older" else (
                None, False)
        # not planned yet (a source citing a later one), or refused
        raw = self.stage.record(seq)[0]
        if "text" in raw or isinstance(target, tuple):
            return raw.get("text"), True
        return None, False

    # -- one record --

    def plan(self, name: str, label: str, raw: dict, system: dict, existing_id: int | None
             ) -> tuple[str, Plan] | None:
        """(action, plan) of one record of the file; None when it has problems (added to
        ``problems``)."""
        before_problems = self.problems.count
        values = {k: v for k, v in raw.items() if k not in _NOT_VALUES}
        given_reports = values.pop(REPORTS_KEY, None) if KINDS[name].reports else None
        check_values = dict(values)
        if given_reports is not None:  # checked without their sources (resolved below)
            check_values[REPORTS_KEY] = [
                {k: v for k, v in r.items() if k not in SOURCE_REF} if isinstance(r, dict)
                else r for r in given_reports] if isinstance(given_reports, list) \
                else given_reports
        links = self._links(KINDS[name], label, values, check_values)
        before = self.repo.get(name, existing_id) if existing_id is not None else None
        series = self._series(KINDS[name], label, values, check_values, before)
        try:
            record, found = self.repo.check(name, check_values, record_id=existing_id)
        except RecursionError:
            record, found = {}, {"(record)": _("nested too deeply")}
        for fname, message in found.items():
            self.problems.add(name, label, fname, message)
        citations = self._citations(name, label, raw.get("sources"), before)
        reports = None
        if given_reports is not None and "reports" not in found:
            reports = self._reports(name, label, given_reports, before)
        files = attached_files(self, name, label, raw.get(ATTACHMENTS_KEY))
        if self.problems.count > before_problems:
            return None
        plan = Plan(record, links, citations, system, reports=reports, series=series,
                    attachments=files)
        if before is None:
            plan.cite = bool(citations)
            plan.report = bool(reports)
            plan.attach = bool(files)
            return "create", plan
        return self._decide(name, label, plan, before, existing_id)

    def _links(self, kind: Kind, label: str, values: dict, check_values: dict) -> dict:
        """The record's links resolved (field -> target or [targets]); ``check_values`` gets the
        ids the repository can check (records of the file that are not yet written left out)."""
        links: dict[str, Any] = {}
        for f in kind.fields:
            if f.name not in values or f.type not in (LINK, LINKS):
                continue
            given = values[f.name]
            if f.type == LINK:
                target, problem = self.resolve(f.target, given)
                if problem:
                    self.problems.add(kind.name, label, f.name, problem)
                    continue
                links[f.name] = target
                check_values[f.name] = target if isinstance(target, int) else None
                continue
            refs = given.replace(",", ";").split(";") if isinstance(given, str) else given
            if refs is None:
                refs = []
            if not isinstance(refs, list):
                self.problems.add(kind.name, label, f.name, _("expected a list of record uids"))
                continue
            targets = []
            for ref in refs:
                target, problem = self.resolve(f.target, ref)
                if problem:
                    self.problems.add(kind.name, label, f.name, problem)
                    break
                if target is not None:
                    targets.append(target)
            else:
                links[f.name] = targets
            check_values[f.name] = [t for t in targets if isinstance(t, int)]
        return links

    def _series(self, kind: Kind, label: str, values: dict, check_values: dict,
                before: dict | None) -> dict:
        """The series of the record with each value's source resolved (by ``source_uid``, by
        title ``source`` or by ``source_id``) and its quote found in the source's text;
        ``check_values`` gets the values without their sources (the repository checks the
        rest, and cannot see a source the file brings)."""
        out: dict[str, list[dict]] = {}
        for f in kind.fields:
            if f.type != SERIES or f.name not in values:
                continue
            given = values[f.name]
            if isinstance(given, str) and given.strip():
                try:
                    given = json.loads(given)
                except (json.JSONDecodeError, RecursionError):
                    continue  # the repository's check says what is wrong with it
            if not isinstance(given, list):
                continue
            kept = {(i["source_id"], i["quote"] or "")
                    for i in series_items((before or {}).get(f.name))}
            plain, resolved = [], []
            for number, item in enumerate(given, start=1):
                if not isinstance(item, dict):
                    plain.append(item)
                    continue
                bare = {k: v for k, v in item.items()
                        if k not in ("source_uid", "source", "source_id", "quote")}
                target, quote, problem = self._value_source(item, kept)
                if problem:
                    self.problems.add(kind.name, label, f.name, _("value {n}: {problem}").format(
                        n=number, problem=problem))
                if target is None and quote:
                    bare["quote"] = quote  # the repository says a quote needs its source
                plain.append(bare)
                resolved.append(dict(bare, target=target, quote=quote))
            check_values[f.name] = plain
            out[f.name] = resolved
        return out

    def _value_source(self, item: dict, kept: set) -> tuple[Any, str | None, str | None]:
        """(target, quote, problem) of one value of a series."""
        quote = item.get("quote")
        if quote is not None and not isinstance(quote, str):
            return None, None, _("the quote must be text")
        if any(item.get(k) not in (None, "") for k in ("source_uid", "source")):
            target, problem = self.source_ref(item)
        elif item.get("source_id") not in (None, ""):
            target, problem = self.resolve(SOURCE_KIND.name, item.get("source_id"))
        else:
            return None, quote, None
        if problem is None and (target, quote or "") not in kept:
            problem = quote_problem(None, quote, text_key=self.text_key(target))
        return target, quote, problem

    def _citations(self, name: str, label: str, sources: Any, before: dict | None
                   ) -> list | None:
        """The record's citations as (target, quote), each quote found in its source's text;
        None when the file gives none (the record's stay as they are)."""
        if sources is None:
            return None
        citations = []
        current = {(c["source_id"], c["quote"]) for c in (before or {}).get("citations", [])}
        for number, ref in enumerate(sources, start=1):
            target, problem = self.source_ref(ref)
            if problem is None:
                quote = _quote(ref)
                if (target, quote) not in current:
                    problem = quote_problem(None, quote, text_key=self.text_key(target))
                citations.append((target, quote))
            if problem:
                self.problems.add(name, label, "sources", _("source {n}: {problem}").format(
                    n=number, problem=problem))
        return citations

    def _reports(self, name: str, label: str, given: list, before: dict | None) -> list:
        """The file's reports as (report, source target, quote), in date order; each source
        named by uid (or this database's id, or its title) and each quote found in its text."""
        out = []
        current = {(r["source_id"], r.get("quote") or "")
                   for r in (before or {}).get(REPORTS_KEY) or []}
        for number, item in enumerate(given, start=1):
            report, problem = normalize_report(
                {k: v for k, v in item.items() if k not in SOURCE_REF}, number)
            target, quote = None, _quote(item)
            ref = item.get("source_uid", item.get("source_id"))
            if problem is None and (ref not in (None, "") or item.get("source")):
                target, problem = self.source_ref({"source_uid": ref, "source": item.get(
                    "source"), "quote": quote})
                if problem is None and (target, quote) not in current:
                    problem = quote_problem(None, quote, text_key=self.text_key(target))
                problem = problem and report_prefix(number) + problem
            elif problem is None and quote.strip():
                problem = report_prefix(number) + _("a quote needs its source")
            if problem:
                self.problems.add(name, label, REPORTS_KEY, problem)
                continue
            out.append((report, target, quote))
        return sorted(out, key=lambda r: r[0]["reported_on"])

    def _decide(self, name: str, label: str, plan: Plan, before: dict, existing_id: int
                ) -> tuple[str, Plan]:
        """What a record the database holds would do: same, update, or older than ours."""
        kind = KINDS[name]
        final = dict(plan.values)
        for fname, target in plan.links.items():
            if isinstance(target, list):
                final[fname] = (sorted(set(target)) if all(isinstance(t, int) for t in target)
                                else target)
            else:
                final[fname] = target
        for fname, items in plan.series.items():
            final[fname] = (series_with_sources(items, lambda t: t)
                            if all(not isinstance(i["target"], tuple) for i in items) else items)
        system = plan.system
        deleted = system["deleted_at"] if "deleted_at" in system else before["deleted_at"]
        same_fields = all(final.get(f.name) == before.get(f.name) for f in kind.fields)
        plan.rewrite = not same_fields or bool(deleted) != bool(before["deleted_at"])
        plan.cite = plan.citations is not None and plan.citations != [
            (c["source_id"], c["quote"]) for c in before["citations"]]
        plan.report = plan.reports is not None and [
            dict(r, source_id=t, quote=q or None) for r, t, q in plan.reports] != before.get(
                REPORTS_KEY)
        plan.attach = plan.attachments is not None and [
            (a["sha256"], a["name"]) for a in plan.attachments] != [
            (a["sha256"], a["name"]) for a in before["attachments"]]
        plan.before_version = before["version"]
        if not plan.rewrite and not plan.cite and not plan.report and not plan.attach:
            return "same", plan
        file_version = system.get("version")
        if file_version is not None and before["version"] > file_version:
            self.older[name] = self.older.get(name, 0) + 1
            if len(self.conflicts) < MAX_LISTED:
                self.conflicts.append(Conflict(
                    name, label, existing_id, file_version, before["version"],
                    before["updated_at"], before["updated_by"], bool(before["deleted_at"])))
            return "older", plan
        return "update", plan

    def run(self) -> None:
        """Plan every staged record, targets before the records linking to them (``tell(done)``:
        records planned so far)."""
        tell = self.tell
        counts = {"create": self.created, "update": self.updated, "same": self.unchanged}
        self.stage.clear_plans()
        done = 0
        with self.stage.transaction():
            for name in kind_order():
                for seq, label, (raw, system), existing_id in self.stage.records(name):
                    done += 1
                    if tell is not None:
                        tell(done)
                    planned = self.plan(name, label, raw, system, existing_id)
                    if planned is None or self.problems.count:
                        continue  # refused: the rest is only checked
                    action, plan = planned
                    if action in counts:
                        counts[action][name] = counts[action].get(name, 0) + 1
                    self.stage.add_plan(seq, name, action, as_uid(raw.get("uid")), existing_id,
                                        plan.as_data())


def series_with_sources(items: list[dict], ident) -> str | None:
    """The stored text of a planned series, each value's source target made an id by
    ``ident``."""
    return series_text([{**{k: v for k, v in item.items() if k in SERIES_KEYS},
                         "source_id": ident(item["target"])} for item in items])
