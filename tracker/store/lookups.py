"""What the repository looks up across records: pages of a whole table with their links and
citations, ids and uids at once, records titled alike, the records linking to one, and whether
citations can be recorded. Mixed into :class:`tracker.store.repository.Repository` (its
``backend``, ``get`` and ``exists``)."""

from __future__ import annotations

from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.model import KINDS, LINK, LINKS, REPORTS_KEY, SOURCE_KIND, get_kind
from tracker.model.text import fold, quote_problem, terms
from tracker.store.attachments import snapshot

CITATION_SPAN = 2000  # ids one query of citations_of spans at most


class Lookups:
    """Mixed into Repository."""

    def records_after(self, kind_name: str, after_id: int = 0, limit: int = 1000) -> list[dict]:
        """Up to ``limit`` records of a kind (the trash included) with ids above ``after_id``, in
        id order, each as ``get`` gives it (links, citations and attached files): a whole table
        read a page at a time, a few queries per page (exports, an import's audit)."""
        kind = get_kind(kind_name)
        rows = self.backend.rows_after(kind, int(after_id), int(limit))
        if rows:
            first, last = rows[0]["id"], rows[-1]["id"]
            lists = {f.name: self.backend.links_between(kind, f.name, first, last)
                     for f in kind.link_lists}
            cited = self.backend.citations_between(kind, first, last)
            files: dict[int, list[dict]] = {}
            for a in self.backend.attachments(kind.name, [row["id"] for row in rows]):
                files.setdefault(a["record_id"], []).append(snapshot(a))
            for row in rows:
                for name, found in lists.items():
                    row[name] = found.get(row["id"], [])
                row["citations"] = cited.get(row["id"], [])
                row["attachments"] = files.get(row["id"], [])
                if kind.reports is not None:  # (a query a record: few kinds have reports)
                    row[REPORTS_KEY] = self.backend.reports(kind, row["id"])
        return rows

    def citations_of(self, kind_name: str, ids: list[int]) -> dict[int, list[dict]]:
        """The citations of many records at once: record id -> what :meth:`citations` gives
        (records with none left out); a query for each run of nearby ids, not one a record
        (a briefing's sources appendix)."""
        kind = get_kind(kind_name)
        wanted = sorted({i for i in ids if isinstance(i, int)})
        chosen = set(wanted)
        out: dict[int, list[dict]] = {}
        start = 0
        while start < len(wanted):
            end = start
            while end + 1 < len(wanted) and wanted[end + 1] - wanted[start] < CITATION_SPAN:
                end += 1
            found = self.backend.citations_between(kind, wanted[start], wanted[end])
            out.update((rid, cited) for rid, cited in found.items() if rid in chosen)
            start = end + 1
        return out

    def link_titles(self, kind_name: str, field: str, ids: list[int]) -> dict[int, list[str]]:
        """What the link or link list ``field`` of the records ``ids`` (a page of a table) shows:
        record id -> the linked records' titles (``#id`` for one this reader may not see): two
        queries for the whole page, not one a row (a single LINK: :meth:`titles` of its ids)."""
        kind = get_kind(kind_name)
        f = kind.field(field)
        ids = [i for i in ids if isinstance(i, int)]
        if f.type != LINKS or not ids:
            return {}
        lists = self.backend.links_of(kind, field, ids)
        targets = sorted({t for found in lists.values() for t in found})
        names = self.titles(f.target, targets) if targets else {}
        return {rid: [names.get(t) or f"#{t}" for t in found] for rid, found in lists.items()}

    def uids_of(self, kind_name: str, ids: list[int]) -> dict[int, str]:
        """id -> uid of the records of a kind with these ids (missing ones left out)."""
        return self.backend.uids_of(get_kind(kind_name), list(ids)) if ids else {}

    def ids_of_uids(self, kind_name: str, uids: list[str]) -> dict[str, int]:
        """uid -> id of the records of a kind with these uids (unknown ones left out)."""
        return self.backend.ids_of_uids(get_kind(kind_name), list(uids)) if uids else {}

    def same_title(self, kind_name: str, title: str, *, exclude_id: int | None = None,
                   limit: int = 5) -> list[tuple[int, str]]:
        """Live records of the kind titled ``title`` up to case, ё/е and spacing: (id, title).
        For a warning before a duplicate is created, never a refusal."""
        kind = get_kind(kind_name)

        def key_of(text: str | None) -> str:
            return " ".join(fold(text or "").split())

        key = key_of(title)
        if not key:
            return []
        found = dict(self.backend.titled(kind, title.strip(), limit + 1))  # the exact title
        # the same words in another case or with ё: every live record holding all the words
        # (a common short title such as "Talks" may match tens of thousands: ~0.1 s at 100k)
        for rid, t in self.backend.matching_titles(kind, terms(title)):
            if rid not in found and key_of(t) == key:
                found[rid] = t
        same = [(rid, t) for rid, t in sorted(found.items())
                if rid != exclude_id and key_of(t) == key]
        return same[:limit]

    def linked_from(self, kind_name: str, record_id: int) -> list[tuple[str, int, str]]:
        """Records that link to this one (and, for a source, those citing it): (kind, id, title)."""
        kind = get_kind(kind_name)
        out = []
        for other in KINDS.values():
            for f in other.fields:
                if f.target == kind.name and f.type in (LINK, LINKS):
                    out.extend((other.name, rid, title)
                               for rid, title in self.backend.linking(other, f.name, record_id))
        if kind is SOURCE_KIND:
            for k, rid in self.backend.citing(record_id):
                try:
                    out.append((k, rid, self.get(k, rid)["title"]))
                except TrackerError:
                    continue
        return out

    # -- search -------------------------------------------------------------------------------

    def citation_problem(self, citations: list, *, keep: list[dict] = ()) -> str | None:
        """Why ``citations`` (``[{source_id, quote}]``) cannot be recorded, or None. Each names a
        source that exists; its quote must occur in the source's text (``quote_in``: white space,
        quote marks, dashes and case aside) unless the source has no text stored or the quote is
        empty. Citations in ``keep`` (the record's own, recorded before this rule) pass."""
        kept = {(c.get("source_id"), str(c.get("quote") or "")) for c in keep}
        for number, c in enumerate(citations, start=1):
            if not isinstance(c, dict):
                return _("source {n}: expected {{source_id, quote}}").format(n=number)
            sid, quote = c.get("source_id"), c.get("quote")
            if quote is not None and not isinstance(quote, str):
                return _("source {n}: the quote must be text").format(n=number)
            if (sid, quote or "") in kept:
                continue
            if isinstance(sid, bool) or not isinstance(sid, int) or not -(2**63) <= sid < 2**63:
                return _("no source with id {id}").format(id=str(sid)[:40])
            row = self.stored(SOURCE_KIND.name, sid, ["text"])
            if row is None:
                return _("no source with id {id}").format(id=sid)
            problem = quote_problem(row["text"], quote)
            if problem:
                return _("source {id}: {problem}").format(id=sid, problem=problem)
        return None
