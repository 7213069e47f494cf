"""The list of deadlines as read (one query per obligation, rows as tuples, a treaty's records
read only when they can have dates) is the list its definition gives: every live record of every
kind, each declared obligation's date (a field's or a computed one) taken as the kind declares it,
the options applied record by record. On both engines, over records made to hit the edges."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.model import KIND_ORDER, KINDS, allowed_classifications

BOTH_ENGINES = True

TODAY = dt.date(2026, 3, 1)


def by_definition(repo, today, *, within=None, overdue=False, lead=None, kinds=None,
                  max_classification=None) -> list[dict]:
    """The entries the declarations define, from every record read whole, one by one."""
    t = today.isoformat()
    horizon = (today + dt.timedelta(days=max(0, within))).isoformat() \
        if within is not None else None
    levels = allowed_classifications(max_classification) if max_classification else None
    wanted = lead.strip() if lead and lead.strip() else None
    order = {name: i for i, name in enumerate(KIND_ORDER)}
    out = []
    for kind in KINDS.values():
        if kinds is not None and kind.name not in kinds:
            continue
        for record in repo.list(kind.name):
            if levels is not None and record["classification"] not in levels:
                continue
            if wanted is not None and not any(record.get(c) == wanted for c in kind.leads):
                continue
            for ob in kind.obligations:
                day = kind.obligation_date(ob, record, today)
                if not day or record["status"] in ob.closed:
                    continue
                late = ob.is_overdue(day, record["status"], t)
                if overdue and not late:
                    continue
                if not late and (day < t or (horizon is not None and day > horizon)):
                    continue
                occasion = kind.occasion
                details = {}
                if occasion is not None and ob.date == occasion.start:
                    details = {k: record[c] for k, c in (("end", occasion.end),
                                                         ("place", occasion.place))
                               if c and record.get(c)}
                out.append({
                    "kind": kind.name, "record_id": record["id"], "uid": record["uid"],
                    "title": record["title"], "obligation": ob.name, "label": ob.label,
                    "date": day, "status": record["status"], "overdue": late,
                    "leads": tuple(record[c] for c in kind.leads if record.get(c)),
                    "details": details})
    out.sort(key=lambda d: (d["date"], order.get(d["kind"], len(order)), d["record_id"],
                            d["obligation"]))
    return out


def make_edges(repo) -> None:
    """Records at every edge the listing has."""
    def add(kind, **values):
        values.setdefault("title", f"{kind} {len(values)}")
        return repo.create(kind, values).record

    for status in ("planned", "in_progress", "done", "cancelled"):
        for due in (None, "2026-02-01", "2026-03-01", "2026-03-10", "2026-03-15", "2027-01-01"):
            add("roadmap", title=f"Item {status} {due}", status=status, due_date=due)
    add("roadmap", title="Same day, home lead", due_date="2026-03-10",
        home_lead="Ministry of Industry")
    add("roadmap", title="Same day, both leads", due_date="2026-03-10",
        home_lead="Ministry of Industry", partner_lead="KazAgro")
    add("roadmap", title="Partner lead, «кавычки» <b>", due_date="2026-02-01",
        partner_lead="KazAgro", classification="public")
    add("roadmap", title="Restricted", due_date="2026-02-20", classification="restricted",
        home_lead="KazAgro")
    add("roadmap", title="Empty date given", due_date="")
    # one day's ties, the first edited after the others were made: an engine may read it last
    ties = [add("roadmap", title=f"Tie {i}", due_date="2026-03-15") for i in range(3)]
    for tie in (ties[0], ties[1]):
        repo.update("roadmap", tie["id"], {"title": tie["title"] + ", edited"},
                    expected_version=tie["version"])
    trashed = add("roadmap", title="In the trash", due_date="2026-02-10")
    repo.delete("roadmap", trashed["id"])
    for status in ("planned", "construction", "operating", "closed"):
        add("farms", title=f"Farm {status}", status=status, due_on="2026-03-10")
        add("plants", title=f"Plant {status}", status=status, started_on="2026-02-01")
    add("farms", title="Farm without a date", status="planned")
    for status, start in (("planned", "2026-03-10"), ("planned", "2026-03-01"),
                          ("held", "2026-02-01"), ("cancelled", "2026-03-12"),
                          ("planned", "2026-09-01")):
        add("meetings", title=f"Meeting {status} {start}", status=status, start_date=start,
            end_date=start, place="Astana" if start < "2026-03-05" else None)
    add("meetings", title="Meeting without a date")
    agreements = [
        dict(title="Fixed expiry, passed", status="in_force", expires_on="2026-01-01"),
        dict(title="Fixed expiry, to come", status="signed", expires_on="2026-03-10"),
        dict(title="Fixed expiry, expired", status="expired", expires_on="2025-01-01"),
        dict(title="Term from entry into force, renewing", status="in_force",
             in_force_on="2021-06-15", term_years=5, auto_renewal="yes", notice_months=6),
        dict(title="Term from entry into force, notice soon", status="in_force",
             in_force_on="2021-09-10", term_years=5, auto_renewal="yes", notice_months=6),
        dict(title="Term from both notifications", status="in_force",
             home_notified_on="2023-03-01", partner_notified_on="2023-03-10", term_years=3),
        dict(title="One notification only", status="signed", home_notified_on="2023-03-01",
             term_years=3),
        dict(title="Term, no start", status="signed", term_years=3),
        dict(title="Open-ended", status="in_force", in_force_on="2020-01-01"),
        dict(title="Terminated", status="terminated", in_force_on="2020-01-01", term_years=10),
        dict(title="Renewing on a fixed expiry", status="in_force", expires_on="2025-03-10",
             auto_renewal="yes", renewal_years=1, notice_months=1, home_lead=None),
        dict(title="Nothing set", status="draft"),
    ]
    for values in agreements:
        values.pop("home_lead", None)
        add("agreements", **values)


CASES = [
    {}, {"within": 0}, {"within": 14}, {"within": 400}, {"within": -3}, {"overdue": True},
    {"lead": "KazAgro"}, {"lead": " Ministry of Industry "}, {"lead": ""}, {"lead": "Nobody"},
    {"overdue": True, "lead": "KazAgro"}, {"max_classification": "public"},
    {"max_classification": "internal", "within": 14}, {"kinds": ["agreements", "roadmap"]},
    {"kinds": ["meetings"], "within": 30}, {"kinds": ["people"]},
]


@pytest.fixture
def edges(empty_repo):
    make_edges(empty_repo)
    return empty_repo


@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 3, 10)])
def test_the_list_read_is_the_list_the_declarations_define(edges, today):
    for options in CASES:
        found = [d._asdict() for d in edges.deadlines(today, **options)]
        assert found == by_definition(edges, today, **options), options
    every = edges.deadlines(today)
    assert {d.kind for d in every} == {k for k in KINDS if KINDS[k].obligations}
    assert {d.obligation for d in every if d.kind == "agreements"} == {"notice", "expiry"}
    assert any(d.overdue for d in every) and any(not d.overdue for d in every)
