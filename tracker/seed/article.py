"""First-run seed: what the article on the presidents' talks in Astana supports, and nothing else.

Every record cites the article with a quote that appears in it verbatim (after folding white space:
the file holds no-break spaces). Values the article implies but does not state are explained in the
record's notes. Seeding is idempotent: records carry fixed uids and existing ones are left alone.
"""

from __future__ import annotations

import uuid

from tracker.i18n import _
from tracker.model import SERIES, SOURCE_KIND, get_kind, validate
from tracker.model.values import series_text
from tracker.paths import resource_path

_NS = uuid.UUID("5d9b3f1e-8a57-4b8e-9d43-1f0b6a2c7e11")
ARTICLE_TITLE = "Presidents of Belarus, Kazakhstan discuss bilateral relations, foreign policy"
SETTINGS = {
    "home_country": "Belarus",
    "partner_country": "Kazakhstan",
    "relationship_title": "Belarus – Kazakhstan",
}


def uid_for(key: str) -> str:
    return str(uuid.uuid5(_NS, key))


def article_text() -> str:
    return resource_path("article.txt").read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Fold every run of white space (no-break spaces included) to one space."""
    return " ".join(text.split())


# (key, kind, values, quotes, links) -- links: field -> key or [keys]
RECORDS: list[tuple[str, str, dict, list[str], dict]] = [
    # --- people --------------------------------------------------------------------------------
    ("person-lukashenko", "people", {
        "title": "Alexander Lukashenko", "position": "President of Belarus",
        "country": "Belarus", "side": "home", "status": "active",
        "notes": "The article also spells the name \u201cLukashenka\u201d.",
    }, ["Alexander Lukashenko, President of Belarus:"], {}),
    ("person-nazarbayev", "people", {
        "title": "Nursultan Nazarbayev", "position": "President of Kazakhstan",
        "country": "Kazakhstan", "side": "partner", "status": "active",
    }, ["Nursultan Nazarbayev, President of Kazakhstan:"], {}),
    ("person-shumilin", "people", {
        "title": "Alexander Shumilin", "position": "Chairman",
        "organisation": "State Committee for Science and Technology of the Republic of Belarus",
        "country": "Belarus", "side": "home", "status": "active",
    }, ["Alexander Shumilin, Chairman of the State Committee for Science and Technology of the "
        "Republic of Belarus"], {}),
    # --- agreements ----------------------------------------------------------------------------
    ("agreement-annual-meetings", "agreements", {
        "title": "Agreement on annual meetings of the presidents",
        "parties": "Belarus, Kazakhstan", "status": "in_force",
        "subject": "Annual personal meetings of the presidents of Belarus and Kazakhstan.",
        "notes": "Status \u201cin force\u201d is inferred: the article says there is such an "
                 "agreement and that the meetings have become a tradition. Its type, date and "
                 "place of signature are not given.",
    }, ["There is an agreement on annual meetings.",
        "Personal meetings of the presidents of Belarus and Kazakhstan have already become a "
        "tradition."], {}),
    ("agreement-road-map", "agreements", {
        "title": "Belarus\u2013Kazakhstan cooperation road map", "type": "road_map",
        "parties": "Belarus, Kazakhstan", "status": "in_force",
        "notes": "Status \u201cin force\u201d is inferred from the countries "
                 "\u201cmoving along\u201d the road map. Its date of signature is not given.",
    }, ["The countries are moving along the clearly planned route of the \"road map\"."], {}),
    ("agreement-customs-union", "agreements", {
        "title": "Customs Union", "type": "multilateral", "parties": "Belarus, Kazakhstan",
        "status": "in_force",
        "notes": "Status \u201cin force\u201d is inferred: the article says both countries are in "
                 "the Customs Union. Other members are not named in the article.",
    }, ["both Belarus and Kazakhstan are in the Customs Union and the Single Economic Space"], {}),
    ("agreement-single-economic-space", "agreements", {
        "title": "Single Economic Space", "type": "multilateral",
        "parties": "Belarus, Kazakhstan", "status": "in_force",
        "notes": "Status \u201cin force\u201d is inferred: the article says both countries are in "
                 "the Single Economic Space. Other members are not named in the article.",
    }, ["both Belarus and Kazakhstan are in the Customs Union and the Single Economic Space"], {}),
    # --- meetings ------------------------------------------------------------------------------
    ("meeting-visit", "meetings", {
        "title": "Two-day visit of Alexander Lukashenko to Kazakhstan", "place": "Astana",
        "level": "head_of_state", "status": "held",
        "notes": "The article gives no dates for the visit and does not call it a state or "
                 "working visit; \u201cheld\u201d is inferred from \u201chas begun\u201d.",
    }, ["Alexander Lukashenko has begun a two-day visit to Kazakhstan",
        "The plane of the head of state landed at the Astana airport"],
        {"participants": ["person-lukashenko"]}),
    ("meeting-talks", "meetings", {
        "title": "Talks of the presidents of Belarus and Kazakhstan in Astana", "type": "talks",
        "place": "Astana", "level": "head_of_state", "status": "held",
        "outcomes": "Discussed the agenda of bilateral relations and interaction in integration "
                    "associations.",
        "notes": "The article calls it a working meeting held ahead of the exhibition; no date "
                 "is given.",
    }, ["the leaders of the two countries met immediately after Mr Lukashenko's arrival",
        "The presidents of Belarus and Kazakhstan discussed the agenda of bilateral relations.",
        "Alexander Lukashenko had a working meeting with Nursultan Nazarbayev ahead of the "
        "exhibition."],
        {"participants": ["person-lukashenko", "person-nazarbayev"]}),
    ("meeting-sco", "meetings", {
        "title": "Meeting of the Council of Heads of State of the Shanghai Cooperation "
                 "Organization", "type": "summit", "start_date": "2017-06-09",
        "place": "Astana", "level": "head_of_state", "status": "planned",
        "notes": "The year 2017 is inferred from \u201cExpo 2017\u201d; the article gives only "
                 "\u201cJune 9\u201d. The place is inferred from the linked story \u201cSCO summit "
                 "in Astana\u201d. \u201cPlanned\u201d is the status at the time of the article.",
    }, ["On June 9, Alexander Lukashenko will attend a meeting of the Council of Heads of State "
        "of the Shanghai Cooperation Organization.", "SCO summit in Astana"],
        {"participants": ["person-lukashenko"]}),
    ("meeting-expo", "meetings", {
        "title": "Visit to the international specialized exhibition Expo 2017",
        "type": "exhibition", "level": "head_of_state", "status": "planned",
        "notes": "No date or place is given in the article. \u201cPlanned\u201d is the status at "
                 "the time of the article.",
    }, ["a visit to the international specialized exhibition Expo 2017 is planned"],
        {"participants": ["person-lukashenko"]}),
    # --- joint plants and farms ----------------------------------------------------------------
    ("plants-assembly", "plants", {
        "title": "Joint assembly plants of Belarusian equipment",
        "products": "Belarusian equipment (assembly)", "location": "Central Asian region",
        "count": 13, "status": "operating",
        "notes": "The article reports 13 plants without naming them or their enterprises; "
                 "\u201cthis central Asian region\u201d is taken to be Kazakhstan.",
    }, ["In this central Asian region, 13 joint assembly plants of Belarusian equipment are now "
        "operated."], {}),
    ("farm-meat-milk", "farms", {
        "title": "Farm producing meat and milk products", "products": "Meat and milk products",
        "practices": "All the best practices developed by Belarus in this area.",
        "status": "construction",
        "notes": "The region is not named in the article "
                 "(\u201cone of Kazakhstan's regions\u201d).",
    }, ["A farm to produce meat and milk products is being built in one of Kazakhstan's regions.",
        "It uses all the best practices developed by Belarus in this area."], {}),
    # --- road map ------------------------------------------------------------------------------
    ("roadmap-exhibition-centres", "roadmap", {
        "title": "Study Kazakhstan's experience with new exhibition centres",
        "area": "exhibitions", "status": "planned",
        "notes": "For the planned Belarusian exhibition centre in Minsk. No lead or due date is "
                 "given in the article.",
    }, ["we will also study your experience regarding new exhibition centers",
        "We have planned the construction of a Belarusian exhibition center, so we will "
        "carefully study your experience."],
        {"agreement_id": "agreement-road-map", "meeting_id": "meeting-talks"}),
    ("roadmap-architecture", "roadmap", {
        "title": "Help with architectural projects and advice on experts for the Belarusian "
                 "exhibition centre",
        "area": "exhibitions", "status": "planned",
        "notes": "A request by Belarus; Kazakhstan's answer is not reported.",
    }, ["we would appreciated if you help us at least with architectural projects, say which "
        "experts to ask"], {"agreement_id": "agreement-road-map", "meeting_id": "meeting-talks"}),
    ("roadmap-alzhir", "roadmap", {
        "title": "Materials for a Belarusian exhibition at the ALZhIR museum",
        "area": "culture", "status": "planned",
        "notes": "ALZhIR: Akmol Labour Camp for Wives of Traitors of the Motherland.",
    }, ["We have found interesting materials, which, perhaps, will serve as materials for the "
        "founding of our Belarusian exhibition in this museum."],
        {"agreement_id": "agreement-road-map", "meeting_id": "meeting-talks"}),
    ("roadmap-agro-towns", "roadmap", {
        "title": "Belarusian experience in farming: from agro-towns to breeding",
        "area": "agriculture", "status": "planned",
        "notes": "Kazakhstan is ready to adopt the experience; no dates are given.",
    }, ["Belarus' experience in farming is of particular interest to Kazakhstan, which is ready "
        "to adopt virtually everything from the construction of agro-towns to breeding."],
        {"agreement_id": "agreement-road-map"}),
    ("roadmap-expo-developments", "roadmap", {
        "title": "Present 45 scientific and technical developments at Expo 2017",
        "area": "science", "home_lead": "State Committee for Science and Technology of the "
        "Republic of Belarus", "status": "planned",
        "notes": "The lead is inferred from the speaker, Alexander Shumilin. \u201cPlanned\u201d "
                 "is the status at the time of the article.",
    }, ["We will present 45 scientific and technical developments in infokiosks."],
        {"meeting_id": "meeting-expo"}),
    # --- indicators: only the figures the article gives, each value with its quote --------------
    ("indicator-assembly-plants", "indicators", {
        "title": "Joint assembly plants of Belarusian equipment operating in the region",
        "unit": "number", "status": "active", "on_dashboard": "yes",
        "series": [{"date": "2017", "value": "13", "quote": "13 joint assembly plants of "
                    "Belarusian equipment are now operated"}],
        "notes": "The year 2017 is inferred from \u201cExpo 2017\u201d: the article gives no "
                 "date for the figure. It gives no baseline, target or frequency.",
    }, ["In this central Asian region, 13 joint assembly plants of Belarusian equipment are now "
        "operated."], {"plant_id": "plants-assembly"}),
    ("indicator-expo-developments", "indicators", {
        "title": "Scientific and technical developments presented by Belarus at Expo 2017",
        "unit": "number", "status": "active", "on_dashboard": "yes",
        "series": [{"date": "2017", "value": "45", "quote": "We will present 45 scientific and "
                    "technical developments in infokiosks."}],
        "notes": "The year 2017 is inferred from \u201cExpo 2017\u201d. The figure is the number "
                 "announced before the exhibition (\u201cWe will present\u201d); the article "
                 "does not report how many were shown. It gives no baseline or target.",
    }, ["We will present 45 scientific and technical developments in infokiosks."],
        {"roadmap_id": "roadmap-expo-developments"}),
    ("indicator-expo-investment", "indicators", {
        "title": "Kazakhstan's investment in the Expo 2017 district",
        "unit": "usd", "status": "active", "on_dashboard": "yes",
        "series": [{"date": "2017", "value": "3000000000", "quote": "Over two and a half years "
                    "we have invested $3 billion, built an entire district."}],
        "notes": "\u201c$3 billion\u201d invested over two and a half years, as Nursultan "
                 "Nazarbayev put it; recorded as the total for 2017, the year inferred from "
                 "\u201cExpo 2017\u201d (the article gives no date). That the district is the "
                 "exhibition's is inferred from the context (its pavilions and congress halls). "
                 "The article gives no baseline or target.",
    }, ["Over two and a half years we have invested $3 billion, built an entire district."], {}),
]


def seed(repo, *, settings: bool = True) -> int:
    """Add the article and the records it supports (only those not yet present).

    Returns the number of records created. One transaction: a crash leaves nothing half-seeded.
    """
    from tracker.store.results import now

    text = article_text()
    flat = squash(text)
    for _key, _kind, values, record_quotes, _links in RECORDS:
        for quote in record_quotes + [item["quote"] for item in values.get("series", [])]:
            if squash(quote) not in flat:  # a guard against editing the seed carelessly
                raise AssertionError(f"seed quote not in the article: {quote!r}")
    created = 0
    label = _("Seed from the article")
    with repo.batch() as b:
        if settings and not repo.setting("home_country"):
            for key, value in SETTINGS.items():
                b.put_setting(key, value)
        b.put_setting("seeded_at", now(), keep=True)
        ids: dict[str, int] = {}
        src_uid = uid_for("source-article")
        source = repo.get_by_uid(SOURCE_KIND.name, src_uid)
        if source is None:
            kind = SOURCE_KIND
            record = kind.defaults()
            record.update({"title": ARTICLE_TITLE, "text": text, "status": "unverified",
                           "classification": "public",
                           "notes": "The seed of this database. Publisher, date and address "
                                    "are not in the saved text."})
            sid = b.insert(kind, record, uid=src_uid)
            b.audit(kind.name, sid, src_uid, "create", label, None, repo.get(kind.name, sid))
            created += 1
        else:
            sid = source["id"]
        for key, kind_name, values, quotes, links in RECORDS:
            kind = get_kind(kind_name)
            uid = uid_for(key)
            existing = repo.get_by_uid(kind_name, uid)
            if existing is not None:
                ids[key] = existing["id"]
                continue
            record = kind.defaults()
            record["classification"] = "public"
            record.update(values)
            for fname, target in links.items():
                record[fname] = ([ids[t] for t in target] if isinstance(target, list)
                                 else ids[target])
            for f in kind.fields:  # a series' quotes are the article's
                if f.type == SERIES and record.get(f.name):
                    record[f.name] = series_text([dict(item, source_id=sid)
                                                  for item in record[f.name]])
            problems = validate(kind, record)
            if problems:
                raise AssertionError(f"seed record {key} is invalid: {problems}")
            rid = b.insert(kind, record, uid=uid,
                           citations=[{"source_id": sid, "quote": q} for q in quotes])
            b.audit(kind_name, rid, uid, "create", label, None, repo.get(kind_name, rid))
            ids[key] = rid
            created += 1
    return created
