"""Synthetic commitments (for :mod:`tracker.seed.synthetic`): agreements' treaty fields that pass
the treaty rules, implementation reports on road-map items, plants and farms (the newest setting a
road-map item's progress; some citing a sentence of a source), and the meetings that reviewed
road-map items.
"""

from __future__ import annotations

import random

from tracker.model import KINDS
from tracker.store.results import report_row

_DONE = {
    "ru": ("Подготовлен проект плана мероприятий.", "Проведено совещание рабочей группы.",
           "Согласованы технические условия с партнёрами.", "Завершён первый этап работ.",
           "Направлены предложения в министерство.", "Ёмкость площадки подтверждена."),
    "en": ("A draft action plan was prepared.", "The working group met.",
           "Technical terms were agreed with the partners.", "The first stage was completed.",
           "Proposals were sent to the ministry.", "The site's capacity was confirmed."),
}
SIDES = ("home", "partner", None)


def agreement_treaty_columns(rng: random.Random, n: int, signed: list[int], iso: list[str],
                             span: int, cols: dict[str, list]) -> None:
    """Notifications, provisional application, terms, renewals and notice periods for ``n``
    agreements signed on day indexes ``signed`` (fills ``cols``; replaces the generator's
    ``in_force_on`` and ``expires_on``)."""
    def day(i: int) -> str | None:
        return iso[min(i, span)]

    home, partner, provisional, in_force = [], [], [], []
    term, expires, renews, renewal, notice = [], [], [], [], []
    for s in signed:
        way = rng.random()
        entry = s
        h = p = fixed = None
        if way < 0.5:  # entry into force by the later of two notifications
            h, p = s + rng.randrange(200), s + rng.randrange(200)
            entry = max(h, p)
        elif way < 0.8:  # a fixed date in the text
            fixed = entry = s + rng.randrange(60)
        home.append(day(h) if h is not None else None)
        partner.append(day(p) if p is not None else None)
        in_force.append(day(fixed) if fixed is not None else None)
        provisional.append(day(s + rng.randrange(30)) if rng.random() < 0.1 else None)
        t = rng.choice((1, 3, 5, 10, 25)) if rng.random() < 0.4 else None
        end = None if t is not None or rng.random() < 0.5 else entry + 400 + rng.randrange(3650)
        term.append(t)
        expires.append(day(end) if end is not None and end <= span else None)
        fixed_end = expires[-1] is not None
        auto = (t is not None or fixed_end) and rng.random() < 0.5
        renews.append("yes" if auto else rng.choice(("no", None)))
        every = rng.choice((1, 3, 5)) if auto and (not t or rng.random() < 0.5) else None
        renewal.append(every)
        longest = 12 * min(x for x in (t, every, 100) if x)
        notice.append(rng.choice((1, 3, 6, 12)) if rng.random() < 0.6 and longest >= 12
                      else None)
    cols.update(home_notified_on=home, partner_notified_on=partner, in_force_on=in_force,
                provisional_from=provisional, term_years=term, expires_on=expires,
                auto_renewal=renews, renewal_years=renewal, notice_months=notice)


def make_reports(rng: random.Random, kind_name: str, cols: dict[str, list], iso: list[str],
                 span: int, sentences) -> list[list[dict]]:
    """Each record's reports (most have none). A road-map item in progress or done gets 1-3,
    their progress rising to the item's own; plants and farms under way get some without one.
    ``sentences(n)``: (source id, a sentence of its text) pairs for quoted reports."""
    kind = KINDS[kind_name]
    field = kind.reports.progress if kind.reports else None
    out: list[list[dict]] = []
    statuses = cols["status"]
    for i, status in enumerate(statuses):
        open_work = status in ("in_progress", "done", "construction", "operating")
        if not open_work or rng.random() < 0.4:
            out.append([])
            continue
        many = rng.choice((1, 1, 2, 3))
        start = rng.randrange(span - 400)
        final = cols[field][i] if field else None
        reports = []
        for k in range(many):
            lang = rng.choice(("ru", "en"))
            progress = None
            if final is not None:
                progress = final if k == many - 1 else final * (k + 1) // (many + 1)
            report = {"reported_on": iso[start + 120 * k + rng.randrange(100)],
                      "progress": progress, "done": rng.choice(_DONE[lang]),
                      "side": rng.choice(SIDES), "source_id": None, "quote": None}
            if rng.random() < 0.2:
                report["source_id"], report["quote"] = sentences(rng)
            reports.append(report)
        out.append(reports)
    return out


def report_rows(kind_name: str, ids: range, reports: list[list[dict]]) -> list[tuple]:
    kind = KINDS[kind_name]
    return [report_row(kind, rid, r, pos) for rid, items in zip(ids, reports, strict=True)
            for pos, r in enumerate(items)]


def review_pairs(rng: random.Random, roadmap: range, meetings: range, agreed: list
                 ) -> list[tuple[int, int]]:
    """(road-map item, meeting) pairs: an item agreed at a meeting was reviewed at 0-2 others."""
    pairs = set()
    for rid, at in zip(roadmap, agreed, strict=True):
        if at is None:
            continue
        for mid in rng.sample(meetings, k=min(len(meetings), rng.choice((0, 0, 1, 2)))):
            if mid != at:
                pairs.add((rid, mid))
    return sorted(pairs)
