"""The record kinds: every field, label, choice and what each kind declares, in one place.

The GUI's generic form, the CLI, import/export, the table models and the briefing all read these
declarations; nothing else in the project lists a kind's fields or asks a kind its name.
"""

from __future__ import annotations

from tracker.i18n import N_
from tracker.model.checks import TODAY, Check
from tracker.model.fields import (
    CHOICE,
    CLASSIFICATIONS,
    DATE,
    DECIMAL,
    INTEGER,
    LINK,
    LINKS,
    MULTILINE,
    PERIOD,
    SERIES,
    TEXT,
    Field,
)
from tracker.model.indicators import FREQUENCIES, UNIT_CHOICES, YES_NO, Measure
from tracker.model.kinds import Deadline, Grouping, Kind, Obligation, Occasion, Span, UnknownKind
from tracker.model.names import KIND_ORDER, TIMELINE, TITLES
from tracker.model.reports import Reports
from tracker.model.treaty import Treaty

# --- choices --------------------------------------------------------------------------------------

AGREEMENT_TYPES = (
    ("treaty", N_("Treaty")),
    ("intergovernmental", N_("Intergovernmental agreement")),
    ("memorandum", N_("Memorandum")),
    ("protocol", N_("Protocol")),
    ("road_map", N_("Road map")),
    ("arrangement", N_("Arrangement")),
    ("multilateral", N_("Multilateral framework")),
)
AGREEMENT_STATUSES = (
    ("draft", N_("Draft")),
    ("negotiation", N_("Under negotiation")),
    ("signed", N_("Signed")),
    ("in_force", N_("In force")),
    ("expired", N_("Expired")),
    ("terminated", N_("Terminated")),
)
PROJECT_STATUSES = (
    ("planned", N_("Planned")),
    ("construction", N_("Under construction")),
    ("operating", N_("Operating")),
    ("suspended", N_("Suspended")),
    ("closed", N_("Closed")),
)
ROADMAP_STATUSES = (
    ("planned", N_("Planned")),
    ("in_progress", N_("In progress")),
    ("done", N_("Done")),
    ("cancelled", N_("Cancelled")),
)
ROADMAP_AREAS = (
    ("industry", N_("Industry")),
    ("agriculture", N_("Agriculture")),
    ("science", N_("Science and technology")),
    ("culture", N_("Culture and history")),
    ("exhibitions", N_("Exhibitions")),
    ("trade", N_("Trade")),
    ("political", N_("Political dialogue")),
    ("education", N_("Education")),
    ("energy", N_("Energy")),
    ("transport", N_("Transport and logistics")),
    ("health", N_("Health")),
    ("other", N_("Other")),
)
MEETING_TYPES = (
    ("state_visit", N_("State visit")),
    ("working_visit", N_("Working visit")),
    ("summit", N_("Summit")),
    ("talks", N_("Talks")),
    ("exhibition", N_("Exhibition")),
    ("commission", N_("Commission session")),
)
MEETING_LEVELS = (
    ("head_of_state", N_("Head of state")),
    ("government", N_("Government")),
    ("ministerial", N_("Ministerial")),
    ("expert", N_("Expert")),
)
MEETING_STATUSES = (
    ("planned", N_("Planned")),
    ("held", N_("Held")),
    ("cancelled", N_("Cancelled")),
)
PERSON_STATUSES = (
    ("active", N_("Active")),
    ("former", N_("Former")),
)
SOURCE_STATUSES = (
    ("unverified", N_("Unverified")),
    ("verified", N_("Verified")),
)
SIDES = (
    ("home", N_("Home side")),
    ("partner", N_("Partner side")),
    ("third", N_("Third party")),
)

# --- kinds ----------------------------------------------------------------------------------------

KINDS: dict[str, Kind] = {}


def _register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


AGREEMENTS = _register(Kind(
    "agreements", *TITLES["agreements"], AGREEMENT_STATUSES, (
        Field("type", N_("Type"), CHOICE, choices=AGREEMENT_TYPES, column=True, searchable=False),
        Field("parties", N_("Parties"), TEXT, column=True),
        Field("subject", N_("Subject"), MULTILINE),
        Field("signed_on", N_("Signed on"), DATE, column=True, searchable=False),
        Field("signed_place", N_("Place of signature"), TEXT),
        Field("provisional_from", N_("Applied provisionally from"), DATE, searchable=False),
        Field("home_notified_on", N_("Home side notified on"), DATE, searchable=False,
              help=N_("The day the home side notified the completion of its internal "
                      "procedures")),
        Field("partner_notified_on", N_("Partner side notified on"), DATE, searchable=False,
              help=N_("The day the partner side notified the completion of its internal "
                      "procedures")),
        Field("in_force_on", N_("In force from"), DATE, searchable=False,
              help=N_("Only when the text fixes the date; otherwise the later notification "
                      "counts")),
        Field("term_years", N_("Term, years"), INTEGER, minimum=1, maximum=999,
              searchable=False, help=N_("Empty: concluded for an indefinite period")),
        Field("expires_on", N_("Expires on"), DATE, column=True, searchable=False,
              help=N_("Only when the text fixes the date; otherwise the term counts")),
        Field("auto_renewal", N_("Renews automatically"), CHOICE, choices=YES_NO,
              searchable=False),
        Field("renewal_years", N_("Renewal period, years"), INTEGER, minimum=1, maximum=999,
              searchable=False, help=N_("Empty: the term again")),
        Field("notice_months", N_("Notice period, months"), INTEGER, minimum=0, maximum=1200,
              searchable=False, help=N_("How long before the end of a period notice of "
                                        "termination must be given")),
        Field("depositary", N_("Depositary"), TEXT),
        Field("reference", N_("Reference"), TEXT, max_length=120),
    ), default_status="draft",
    date_pairs=(("signed_on", "expires_on"), ("signed_on", "in_force_on"),
                ("signed_on", "provisional_from"), ("signed_on", "home_notified_on"),
                ("signed_on", "partner_notified_on"), ("in_force_on", "expires_on")),
    treaty=Treaty(signed="signed_on", in_force="in_force_on", home_notified="home_notified_on",
                  partner_notified="partner_notified_on", provisional="provisional_from",
                  term="term_years", expires="expires_on", auto_renewal="auto_renewal",
                  renewal="renewal_years", notice="notice_months"),
    obligations=(
        Obligation("notice", N_("Last day to give notice of termination"), "notice_by",
                   closed=("expired", "terminated")),
        Obligation("expiry", N_("Expiry or renewal"), "expiry",
                   closed=("expired", "terminated")),
    ),
))

PLANTS = _register(Kind(
    "plants", *TITLES["plants"], PROJECT_STATUSES, (
        Field("products", N_("Products"), TEXT, column=True),
        Field("location", N_("Location"), TEXT, column=True),
        Field("home_enterprise", N_("Home-side enterprise"), TEXT),
        Field("partner_enterprise", N_("Partner-side enterprise"), TEXT),
        Field("count", N_("Number of sites"), INTEGER, required=True, minimum=1, maximum=100_000,
              default=1, column=True, searchable=False,
              help=N_("A source may report several plants without naming them.")),
        Field("capacity", N_("Capacity"), TEXT),
        Field("started_on", N_("Started on"), DATE, column=True, searchable=False),
    ), default_status="planned", reports=Reports(),
    obligations=(Obligation("start", N_("Start"), "started_on", closed=(
        "construction", "operating", "suspended", "closed")),),
))

FARMS = _register(Kind(
    "farms", *TITLES["farms"], PROJECT_STATUSES, (
        Field("products", N_("Products"), TEXT, column=True),
        Field("region", N_("Region"), TEXT, column=True),
        Field("capacity", N_("Capacity"), TEXT),
        Field("practices", N_("Practices"), MULTILINE),
        Field("started_on", N_("Started on"), DATE, searchable=False),
        Field("due_on", N_("Due on"), DATE, column=True, searchable=False),
    ), default_status="planned", date_pairs=(("started_on", "due_on"),), reports=Reports(),
    obligations=(Obligation("due", N_("Due"), "due_on", closed=("operating", "closed")),),
))

MEETINGS = _register(Kind(
    "meetings", *TITLES["meetings"], MEETING_STATUSES, (
        Field("type", N_("Type"), CHOICE, choices=MEETING_TYPES, column=True, searchable=False),
        Field("start_date", N_("Start date"), DATE, column=True, searchable=False),
        Field("end_date", N_("End date"), DATE, searchable=False),
        Field("place", N_("Place"), TEXT, column=True),
        Field("level", N_("Level"), CHOICE, choices=MEETING_LEVELS, column=True, searchable=False),
        Field("participants", N_("Participants"), LINKS, target="people", searchable=False),
        Field("outcomes", N_("Outcomes"), MULTILINE),
    ), default_status="planned", default_sort="start_date",
    occasion=Occasion("start_date", planned="planned", held="held", participants="participants",
                      end="end_date", place="place"),
    date_pairs=(("start_date", "end_date"),),
    obligations=(Obligation("meeting", N_("Meeting"), "start_date", closed=("cancelled",),
                            overdue=False),),
    checks=(Check("planned_in_the_past", ("planned",), "start_date", "<", TODAY, at="status",
                  message=N_("Still “{status}”, yet its date ({value}) has passed: "
                             "record whether it was held or cancelled")),),
))

ROADMAP = _register(Kind(
    "roadmap", *TITLES["roadmap"], ROADMAP_STATUSES, (
        Field("area", N_("Area"), CHOICE, choices=ROADMAP_AREAS, column=True, searchable=False),
        Field("home_lead", N_("Home-side lead"), TEXT),
        Field("partner_lead", N_("Partner-side lead"), TEXT),
        Field("agreement_id", N_("Agreement"), LINK, target="agreements", searchable=False),
        Field("meeting_id", N_("Agreed at meeting"), LINK, target="meetings", searchable=False),
        Field("reviewed_at", N_("Reviewed at meetings"), LINKS, target="meetings",
              searchable=False, help=N_("Every meeting that reviewed the item after it was "
                                        "agreed")),
        Field("planned_start", N_("Planned start"), DATE, searchable=False),
        Field("due_date", N_("Due date"), DATE, column=True, searchable=False),
        Field("completed_on", N_("Completed on"), DATE, searchable=False),
        Field("progress", N_("Progress, %"), INTEGER, minimum=0, maximum=100, default=0,
              column=True, searchable=False),
    ), default_status="planned", default_sort="due_date",
    deadline=Deadline("due_date", closed=("done", "cancelled"), progress="progress",
                      owners=("home_lead", "partner_lead"), agreed_at="meeting_id"),
    date_pairs=(("planned_start", "due_date"),), reports=Reports(progress="progress"),
    obligations=(Obligation("due", N_("Due"), "due_date", closed=("done", "cancelled")),),
    leads=("home_lead", "partner_lead"),
    timeline=Span("planned_start", "due_date", progress="progress", groups=(
        Grouping("area", "area", N_("No area given")),
        Grouping("agreement", "agreement_id", N_("No agreement linked")))),
    checks=(Check("planned_under_way", ("planned",), "progress", ">", 0,
                  message=N_("“{status}”, yet progress stands at {value} %: is it in "
                             "progress?")),
            Check("done_unfinished", ("done",), "progress", "<", 100,
                  message=N_("“{status}”, yet progress stands at only {value} %")),),
))

PEOPLE = _register(Kind(
    "people", *TITLES["people"], PERSON_STATUSES, (
        Field("position", N_("Position"), TEXT, column=True),
        Field("organisation", N_("Organisation"), TEXT, column=True),
        Field("country", N_("Country"), TEXT, column=True),
        Field("side", N_("Side"), CHOICE, choices=SIDES, searchable=False),
        Field("name_other", N_("Name in the other language"), TEXT,
              help=N_("The name as the other side writes it (a visit brief prints both).")),
        Field("biography", N_("Biography"), MULTILINE,
              help=N_("A short biography, printed under the participants of a visit brief.")),
    ), default_status="active", title_label=N_("Name"),
))

SOURCES = _register(Kind(
    "sources", *TITLES["sources"], SOURCE_STATUSES, (
        Field("publisher", N_("Publisher"), TEXT, column=True),
        Field("published_on", N_("Published on"), DATE, column=True, searchable=False),
        Field("url", N_("Address (URL)"), TEXT, max_length=2000, searchable=False),
        Field("text", N_("Text"), MULTILINE, max_length=5_000_000),
    ), default_status="unverified", cites=False,
))

INDICATOR_STATUSES = (
    ("active", N_("Tracked")),
    ("discontinued", N_("Discontinued")),
)

INDICATORS = _register(Kind(
    "indicators", *TITLES["indicators"], INDICATOR_STATUSES, (
        Field("unit", N_("Unit"), CHOICE, required=True, choices=UNIT_CHOICES, default="number",
              column=True, searchable=False),
        Field("frequency", N_("Frequency"), CHOICE, choices=FREQUENCIES, column=True,
              searchable=False),
        Field("baseline_value", N_("Baseline value"), DECIMAL, searchable=False,
              help=N_("The value the indicator is measured against, if a source gives one.")),
        Field("baseline_on", N_("Baseline date"), PERIOD, searchable=False,
              help=N_("A year (2017), a month (2017-06) or a day (2017-06-09).")),
        Field("target_value", N_("Target value"), DECIMAL, searchable=False,
              help=N_("Below the baseline for an indicator meant to go down.")),
        Field("target_on", N_("Target date"), PERIOD, column=True, searchable=False,
              help=N_("A year (2030), a month (2030-06) or a day (2030-06-30).")),
        Field("series", N_("Values"), SERIES, searchable=False,
              help=N_("Dated actual values; each may quote its source.")),
        Field("on_dashboard", N_("Show on the dashboard"), CHOICE, required=True,
              choices=YES_NO, default="no", searchable=False),
        Field("agreement_id", N_("Agreement"), LINK, target="agreements", searchable=False),
        Field("plant_id", N_("Joint plant"), LINK, target="plants", searchable=False),
        Field("farm_id", N_("Farm"), LINK, target="farms", searchable=False),
        Field("roadmap_id", N_("Road-map item"), LINK, target="roadmap", searchable=False),
    ), default_status="active", title_label=N_("Indicator name"),
    measure=Measure("series", "unit", "baseline_value", "baseline_on", "target_value",
                    "target_on", shown="on_dashboard"),
))

# --- briefs: what the desk writes for a minister, filled from the records when printed ----------

BRIEF_STATUSES = (
    ("draft", N_("Draft")),
    ("cleared", N_("Cleared")),
    ("submitted", N_("Submitted")),
    ("archived", N_("Archived")),
)
BRIEF_TEMPLATES = (
    ("note", N_("Briefing note")),
    ("visit", N_("Visit brief")),
    ("annex", N_("Data annex")),
)
BRIEF_ANNEXES = (
    ("none", N_("No annex")),
    ("data", N_("Data annex")),
)
BRIEF_PAPERS = (("a4", N_("A4 paper")), ("letter", N_("US Letter paper")))
BRIEF_LANGUAGES = (("en", N_("English")), ("ru", N_("Russian")))
#: A brief's text fields hold up to a million characters (a pasted document, not a book).
BRIEF_TEXT = 1_000_000


def _brief_text(name: str, label: str, help: str = "") -> Field:  # noqa: A002 - Field's name
    return Field(name, label, MULTILINE, max_length=BRIEF_TEXT, help=help)


BRIEFS = _register(Kind(
    "briefs", *TITLES["briefs"], BRIEF_STATUSES, (
        Field("template", N_("Template"), CHOICE, required=True, choices=BRIEF_TEMPLATES,
              default="note", column=True, searchable=False),
        Field("meeting_id", N_("Meeting prepared"), LINK, target="meetings", searchable=False,
              help=N_("For a visit brief: the meeting it prepares.")),
        Field("addressee", N_("To"), TEXT, column=True),
        Field("drafted_by", N_("Drafted by"), TEXT, column=True),
        Field("contact_id", N_("Contact officer"), LINK, target="people", searchable=False),
        Field("critical_date", N_("Critical date"), DATE, column=True, searchable=False,
              help=N_("The date by which a decision or a reply is needed.")),
        Field("critical_reason", N_("Reason for the critical date"), TEXT),
        _brief_text("purpose", N_("Purpose")),
        _brief_text("objectives", N_("Objectives"),
                    N_("What the visit or the meeting should achieve, one per line.")),
        _brief_text("points", N_("Points to make"), N_("One point per line, in note form.")),
        _brief_text("if_raised", N_("If raised"),
                    N_("Defensive lines, one per line: the subject, a colon, the line to take.")),
        _brief_text("background", N_("Background")),
        _brief_text("background_secret", N_("Background not for disclosure"),
                    N_("For the reader only: never to be used with the other side.")),
        _brief_text("issues", N_("Issues and risks")),
        _brief_text("recommendation", N_("Recommendation / decision sought")),
        _brief_text("next_steps", N_("Next steps")),
        # What the brief is filled with: the records and how they are printed.
        Field("max_classification", N_("Records up to"), CHOICE, required=True,
              choices=CLASSIFICATIONS, default="internal", searchable=False,
              help=N_("Records classified above this level are left out.")),
        Field("sections", N_("Annex sections"), TEXT, searchable=False,
              help=N_("Comma-separated: summary, chart, deadlines, a kind (agreements, roadmap, "
                      "…), contacts, notes (under each table), appendix (the sources). Empty: all "
                      "of them.")),
        Field("statuses", N_("Statuses"), TEXT, searchable=False,
              help=N_("Comma-separated; kind:status limits one kind (roadmap:planned). Empty: "
                      "every status.")),
        Field("date_from", N_("Records from"), DATE, searchable=False),
        Field("date_to", N_("Records to"), DATE, searchable=False),
        Field("paper", N_("Paper"), CHOICE, required=True, choices=BRIEF_PAPERS, default="a4",
              searchable=False),
        Field("language", N_("Language"), CHOICE, choices=BRIEF_LANGUAGES, searchable=False,
              help=N_("Empty: the interface language.")),
        Field("annex", N_("Annex"), CHOICE, required=True, choices=BRIEF_ANNEXES,
              default="none", searchable=False,
              help=N_("A note or a visit brief with the full data briefing after it.")),
    ), default_status="draft", title_label=N_("Subject"), cites=False, data_section=False,
    date_pairs=(("date_from", "date_to"),),
))

# The order officials read them in (navigation, exports, briefings): names.KIND_ORDER
if set(KINDS) != set(KIND_ORDER):  # every kind, and only those, has its titles in names.py
    raise RuntimeError(f"the catalogue declares {sorted(KINDS)}, names.py {KIND_ORDER}")

#: The kind whose records are the sources other records cite (with a quote each).
SOURCE_KIND = SOURCES


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(name, KIND_ORDER) from None


#: The kinds drawn on a timeline (declared ``timeline``), in reading order; the first is the
#: one the Timeline page and the briefing's timeline draw (the window's pages' list, painted
#: before this module is imported, reads its name in names.TIMELINE). Here, not in
#: tracker.model.timeline: that module is not needed until the Timeline page opens.
TIMELINE_KINDS: tuple[Kind, ...] = tuple(KINDS[k] for k in KIND_ORDER if KINDS[k].timeline)
TIMELINE_KIND: Kind | None = TIMELINE_KINDS[0] if TIMELINE_KINDS else None
if (TIMELINE_KIND.name if TIMELINE_KIND else None) != TIMELINE:
    raise RuntimeError(f"names.TIMELINE is {TIMELINE!r}, the catalogue draws {TIMELINE_KIND}")
