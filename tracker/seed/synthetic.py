"""Synthetic data for benchmarks and demonstrations: every kind, linked, in Russian and English.

``generate(repo, per_kind)`` adds ``per_kind`` records of every kind in ONE write transaction with
ONE audit entry (action ``generate``), keeping the full-text index in step. Road-map items point at
agreements and meetings, meetings have participants, records cite sources; dates spread over
2012-2034 so that some items are overdue on any day this code will run, and every status occurs.
The same seed on the same database gives the same records.

Speed matters (100,000 per kind in well under a minute): values are drawn a column at a time with
``Random.choices`` from small pools and written with ``executemany``.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable
from types import SimpleNamespace

from tracker.i18n import _
from tracker.model import CLASSIFICATIONS, KIND_ORDER, KINDS, get_kind
from tracker.model.text import index_body
from tracker.seed import synthetic_commitments as commitments

# The order records are made in: targets before the records that link to them.
GENERATION_ORDER = ("people", "sources", "agreements", "meetings", "plants", "farms", "roadmap",
                    "indicators", "briefs")
FIRST_DAY = _dt.date(2012, 1, 1)
LAST_DAY = _dt.date(2034, 12, 31)
USERS = ("a.ivanova", "s.petrov", "d.nurlanov", "a.seitkali", "m.kavaleuskaya", "desk")
CHUNK = 5_000  # rows per executemany call (and per progress report)
MAX_PER_KIND = 1_000_000  # the CLI's limit: more is a usage error (a huge number would not fit)

Progress = Callable[[str, int, int], None]

# --- word pools (Russian and English, so both alphabets and both folding paths are exercised) -----

_RU = {
    "verb": ("Запуск", "Расширение", "Организация", "Подготовка", "Создание", "Модернизация",
             "Проведение", "Согласование", "Развитие", "Открытие"),
    "object": ("совместной сборки тракторов", "поставок молочной продукции",
               "научно-технического сотрудничества", "выставки достижений",
               "производства лифтов", "логистического центра", "обмена студентами",
               "поставок удобрений", "фестиваля культуры", "сборки комбайнов",
               "энергетического проекта", "торгового дома", "медицинского кластера",
               "цифровой платформы", "переговоров о тарифах"),
    "place": ("в Астане", "в Минске", "в Алматы", "в Гомеле", "в Караганде", "в Бресте",
              "в Костанае", "в Могилёве", "в Шымкенте", "в Гродно", "в Павлодаре", "в Витебске"),
    "person_first": ("Александр", "Нурлан", "Ольга", "Айгерим", "Сергей", "Дарья", "Ерлан",
                     "Марина", "Тимур", "Елена", "Асель", "Виктор"),
    "person_last": ("Иванов", "Нурланов", "Ковалёва", "Сейткали", "Петров", "Жуков",
                    "Абенова", "Соколова", "Бекмуханов", "Лукашевич", "Омарова", "Дроздов"),
    "position": ("Министр промышленности", "Заместитель министра", "Посол",
                 "Председатель комитета", "Генеральный директор", "Советник",
                 "Начальник управления", "Эксперт"),
    "organisation": ("Министерство иностранных дел", "Министерство промышленности",
                     "Государственный комитет по науке и технологиям", "МТЗ", "БелАЗ",
                     "КазАгро", "Торгово-промышленная палата", "Посольство"),
    "publisher": ("БелТА", "Казинформ", "Министерство иностранных дел", "Пресс-служба президента",
                  "Экономическая газета"),
    "sentence": ("Стороны обсудили ход выполнения дорожной карты и договорились ускорить работу.",
                 "Объём взаимной торговли вырос, особенно в машиностроении и сельском хозяйстве.",
                 "Участники отметили важность совместных предприятий и обмена технологиями.",
                 "Принято решение подготовить предложения к следующему заседанию комиссии.",
                 "Были подписаны документы о сотрудничестве в области образования и науки.",
                 "Ёмкость рынка позволяет нарастить поставки техники в ближайшие годы."),
    "stage": "этап",
}
_EN = {
    "verb": ("Launch", "Expand", "Organise", "Prepare", "Establish", "Modernise", "Hold",
             "Agree on", "Develop", "Open"),
    "object": ("joint assembly of tractors", "dairy supplies", "science and technology cooperation",
               "an exhibition of achievements", "elevator production", "a logistics hub",
               "student exchanges", "fertiliser supplies", "a culture festival",
               "combine harvester assembly", "an energy project", "a trading house",
               "a medical cluster", "a digital platform", "tariff talks"),
    "place": ("in Astana", "in Minsk", "in Almaty", "in Gomel", "in Karaganda", "in Brest",
              "in Kostanay", "in Mogilev", "in Shymkent", "in Grodno", "in Pavlodar",
              "in Vitebsk"),
    "person_first": ("Alexander", "Nurlan", "Olga", "Aigerim", "Sergei", "Daria", "Yerlan",
                     "Marina", "Timur", "Elena", "Assel", "Viktor"),
    "person_last": ("Ivanov", "Nurlanov", "Kovaleva", "Seitkali", "Petrov", "Zhukov", "Abenova",
                    "Sokolova", "Bekmukhanov", "Lukashevich", "Omarova", "Drozdov"),
    "position": ("Minister of Industry", "Deputy Minister", "Ambassador", "Committee Chairman",
                 "Director General", "Adviser", "Head of Department", "Expert"),
    "organisation": ("Ministry of Foreign Affairs", "Ministry of Industry",
                     "State Committee for Science and Technology", "MTZ", "BelAZ", "KazAgro",
                     "Chamber of Commerce and Industry", "Embassy"),
    "publisher": ("BelTA", "Kazinform", "Ministry of Foreign Affairs", "Presidential press office",
                  "Economic Gazette"),
    "sentence": ("The sides reviewed progress on the road map and agreed to speed up the work.",
                 "Mutual trade grew, especially in machine building and agriculture.",
                 "Participants stressed the importance of joint ventures and technology exchange.",
                 "It was decided to prepare proposals for the next commission session.",
                 "Documents on cooperation in education and science were signed.",
                 "The market has room for more machinery supplies in the coming years."),
    "stage": "stage",
}
_PRODUCTS = ("Тракторы", "Комбайны", "Лифты", "Автобусы", "Молочная продукция", "Tractors",
             "Trucks", "Elevators", "Buses", "Dairy products", "Fertilisers", "Удобрения")
_REGIONS = ("Костанайская область", "Акмолинская область", "Минская область",
            "Гомельская область", "Kostanay Region", "Akmola Region", "Minsk Region",
            "Karaganda Region")
_COUNTRIES = ("Belarus", "Kazakhstan", "Беларусь", "Казахстан", "Russia", "Uzbekistan")


def _titles(rng: random.Random, n: int, kind: str) -> list[str]:
    """``n`` titles, about half Russian and half English."""
    out = []
    langs = rng.choices((_RU, _EN), k=n)
    verbs = rng.choices(range(10), k=n)
    objects = rng.choices(range(15), k=n)
    places = rng.choices(range(12), k=n)
    stages = rng.choices(range(1, 40), k=n)
    for lang, v, o, p, s in zip(langs, verbs, objects, places, stages, strict=True):
        if kind == "agreements":
            lead = "Соглашение о" if lang is _RU else "Agreement on"
            out.append(f"{lead} {lang['object'][o]} ({lang['stage']} {s})")
        elif kind == "meetings":
            lead = "Переговоры:" if lang is _RU else "Talks:"
            out.append(f"{lead} {lang['object'][o]} {lang['place'][p]}")
        else:
            out.append(f"{lang['verb'][v]} {lang['object'][o]} {lang['place'][p]}, "
                       f"{lang['stage']} {s}")
    return out


def _people_names(rng: random.Random, n: int) -> list[str]:
    langs = rng.choices((_RU, _EN), k=n)
    firsts = rng.choices(range(12), k=n)
    lasts = rng.choices(range(12), k=n)
    return [f"{lang['person_first'][f]} {lang['person_last'][la]}"
            for lang, f, la in zip(langs, firsts, lasts, strict=True)]


def _paragraphs(rng: random.Random, n: int, sentences: int, blank_share: float = 0.0
                ) -> list[str | None]:
    langs = rng.choices((_RU, _EN), k=n)
    picks = rng.choices(range(6), k=n * sentences)
    blanks = rng.choices((True, False), weights=(blank_share, 1 - blank_share), k=n)
    out: list[str | None] = []
    for i, (lang, blank) in enumerate(zip(langs, blanks, strict=True)):
        if blank:
            out.append(None)
            continue
        out.append(" ".join(lang["sentence"][j] for j in picks[i * sentences:(i + 1) * sentences]))
    return out


class _Dates:
    """ISO dates between FIRST_DAY and LAST_DAY, picked by day index."""

    def __init__(self):
        span = (LAST_DAY - FIRST_DAY).days
        self.iso = [(FIRST_DAY + _dt.timedelta(days=d)).isoformat() for d in range(span + 1)]
        self.span = span

    def days(self, rng: random.Random, n: int) -> list[int]:
        return rng.choices(range(self.span + 1), k=n)

    def after(self, rng: random.Random, starts: list[int], longest: int) -> list[int]:
        gaps = rng.choices(range(longest + 1), k=len(starts))
        return [min(s + g, self.span) for s, g in zip(starts, gaps, strict=True)]


def _pick(rng: random.Random, values, n: int, weights=None) -> list:
    return rng.choices(values, weights=weights, k=n)


def _optional(rng: random.Random, values: list, share_empty: float) -> list:
    holes = rng.choices((True, False), weights=(share_empty, 1 - share_empty), k=len(values))
    return [None if h else v for v, h in zip(values, holes, strict=True)]


def _statuses(kind_name: str) -> tuple[str, ...]:
    return tuple(v for v, _label in get_kind(kind_name).field("status").choices)


def _choice_values(kind_name: str, field: str) -> tuple[str, ...]:
    return tuple(v for v, _label in get_kind(kind_name).field(field).choices)


# --- per-kind columns -----------------------------------------------------------------------------

def _people_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                    cols: dict[str, list]) -> None:
    cols["title"] = _people_names(rng, n)
    cols["position"] = _optional(rng, _pick(rng, _RU["position"] + _EN["position"], n), 0.1)
    cols["organisation"] = _optional(
        rng, _pick(rng, _RU["organisation"] + _EN["organisation"], n), 0.2)
    cols["country"] = _pick(rng, _COUNTRIES, n)
    cols["side"] = _pick(rng, _choice_values("people", "side"), n, (5, 5, 1))
    cols["status"] = _pick(rng, _statuses("people"), n, (4, 1))
    # Fields added later draw from a generator of their own: the records of every other kind
    # stay what they were for a seed. The name in capitals stands in for the other language's.
    later = random.Random(hash(rng.getstate()))
    cols["name_other"] = _optional(later, [name.upper() for name in cols["title"]], 0.6)
    cols["biography"] = _paragraphs(later, n, 2, blank_share=0.6)


def _sources_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                     cols: dict[str, list]) -> None:
    iso = dates.iso
    langs = _pick(rng, (_RU, _EN), n)
    pubs = rng.choices(range(5), k=n)
    cols["title"] = _titles(rng, n, "sources")
    cols["publisher"] = [lang["publisher"][p] for lang, p in zip(langs, pubs, strict=True)]
    cols["published_on"] = [iso[d] for d in dates.days(rng, n)]
    cols["url"] = [f"https://news.example.org/{d}/{i}"
                   for i, d in enumerate(rng.choices(range(2012, 2035), k=n))]
    cols["text"] = _paragraphs(rng, n, 4)
    cols["status"] = _pick(rng, _statuses("sources"), n, (1, 2))


def _agreements_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                        cols: dict[str, list]) -> None:
    iso = dates.iso
    cols["title"] = _titles(rng, n, "agreements")
    cols["type"] = _pick(rng, _choice_values("agreements", "type"), n)
    cols["parties"] = _pick(rng, ("Belarus, Kazakhstan", "Беларусь, Казахстан",
                                  "Belarus, Kazakhstan, Russia"), n)
    cols["subject"] = _paragraphs(rng, n, 2, blank_share=0.3)
    signed = dates.days(rng, n)
    cols["signed_on"] = _optional(rng, [iso[d] for d in signed], 0.15)
    cols["signed_place"] = _optional(rng, _pick(rng, _RU["place"] + _EN["place"], n), 0.3)
    commitments.agreement_treaty_columns(rng, n, signed, iso, dates.span, cols)
    cols["depositary"] = _optional(rng, _pick(rng, _COUNTRIES, n), 0.7)
    cols["reference"] = [f"BY-KZ/{1990 + i % 40}/{i}" for i in range(n)]
    cols["status"] = _pick(rng, _statuses("agreements"), n, (1, 2, 2, 6, 1, 1))


def _meetings_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                      cols: dict[str, list]) -> None:
    iso = dates.iso
    cols["title"] = _titles(rng, n, "meetings")
    cols["type"] = _pick(rng, _choice_values("meetings", "type"), n)
    start = dates.days(rng, n)
    cols["start_date"] = [iso[d] for d in start]
    cols["end_date"] = [iso[d] for d in dates.after(rng, start, 3)]
    cols["place"] = _pick(rng, _RU["place"] + _EN["place"], n)
    cols["level"] = _pick(rng, _choice_values("meetings", "level"), n)
    cols["outcomes"] = _paragraphs(rng, n, 2, blank_share=0.3)
    cols["status"] = _pick(rng, _statuses("meetings"), n, (3, 6, 1))


def _plants_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                    cols: dict[str, list]) -> None:
    iso = dates.iso
    cols["title"] = _titles(rng, n, "plants")
    cols["products"] = _pick(rng, _PRODUCTS, n)
    cols["location"] = _pick(rng, _RU["place"] + _EN["place"], n)
    cols["home_enterprise"] = _optional(rng, _pick(rng, ("MTZ", "BelAZ", "МАЗ", "Гомсельмаш",
                                                          "Amkodor"), n), 0.2)
    cols["partner_enterprise"] = _optional(rng, _pick(rng, ("KazAgro", "Агромашхолдинг",
                                                             "SemAZ", "Allur"), n), 0.2)
    cols["count"] = _pick(rng, (1, 1, 1, 2, 3, 5, 12), n)
    cols["capacity"] = _optional(rng, [f"{c} units/year" for c in
                                       rng.choices(range(100, 5000, 100), k=n)], 0.3)
    cols["started_on"] = _optional(rng, [iso[d] for d in dates.days(rng, n)], 0.2)
    cols["status"] = _pick(rng, _statuses("plants"), n, (2, 2, 4, 1, 1))


def _farms_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                   cols: dict[str, list]) -> None:
    iso = dates.iso
    cols["title"] = _titles(rng, n, "farms")
    cols["products"] = _pick(rng, _PRODUCTS, n)
    cols["region"] = _pick(rng, _REGIONS, n)
    cols["capacity"] = _optional(rng, [f"{c} head" for c in
                                       rng.choices(range(200, 5000, 100), k=n)], 0.3)
    cols["practices"] = _paragraphs(rng, n, 1, blank_share=0.5)
    start = dates.days(rng, n)
    cols["started_on"] = [iso[d] for d in start]
    cols["due_on"] = _optional(rng, [iso[d] for d in dates.after(rng, start, 1500)], 0.2)
    cols["status"] = _pick(rng, _statuses("farms"), n, (3, 2, 3, 1, 1))


def _roadmap_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                     cols: dict[str, list]) -> None:
    iso = dates.iso
    cols["title"] = _titles(rng, n, "roadmap")
    cols["area"] = _pick(rng, _choice_values("roadmap", "area"), n)
    cols["home_lead"] = _optional(rng, _pick(rng, _RU["organisation"] + _EN["organisation"],
                                             n), 0.2)
    cols["partner_lead"] = _optional(rng, _pick(rng, _RU["organisation"] +
                                                _EN["organisation"], n), 0.3)
    cols["agreement_id"] = _optional(rng, _pick(rng, ids["agreements"], n), 0.2)
    cols["meeting_id"] = _optional(rng, _pick(rng, ids["meetings"], n), 0.5)
    start = dates.days(rng, n)
    due = dates.after(rng, start, 900)
    cols["planned_start"] = _optional(rng, [iso[d] for d in start], 0.3)
    cols["due_date"] = _optional(rng, [iso[d] for d in due], 0.05)
    status = _pick(rng, _statuses("roadmap"), n, (4, 3, 3, 1))
    cols["status"] = status
    progress = rng.choices(range(0, 100, 5), k=n)
    cols["progress"] = [100 if s == "done" else 0 if s == "planned" else p
                        for s, p in zip(status, progress, strict=True)]
    cols["completed_on"] = [iso[d] if s == "done" else None
                            for s, d in zip(status, due, strict=True)]


_INDICATOR_NAMES = ("Объём взаимной торговли", "Mutual trade turnover", "Поставки тракторов",
                    "Tractor deliveries", "Инвестиции в совместные предприятия",
                    "Investment in joint ventures", "Доля местных комплектующих",
                    "Share of local components", "Экспорт молочной продукции", "Dairy exports")


def _series(rng: random.Random, n: int) -> tuple[list[str], list[str], list[str]]:
    """``n`` series of 1 to 12 yearly values (a random walk, some with a decimal), as stored
    text; and each series' first and last value (for baselines and targets near them)."""
    import json

    out, firsts, lasts = [], [], []
    for length, first_year, start in zip(rng.choices(range(1, 13), k=n),
                                         rng.choices(range(2012, 2024), k=n),
                                         rng.choices(range(10, 5000), k=n), strict=True):
        value, items = start * 10, []
        for year in range(first_year, first_year + length):
            value = max(0, value + rng.randint(-value // 5, value // 4 + 1))
            items.append({"date": str(year), "value": f"{value // 10}.{value % 10}"
                          if value % 10 else str(value // 10), "source_id": None, "quote": None})
        out.append(json.dumps(items, separators=(",", ":")))
        firsts.append(items[0]["value"])
        lasts.append(items[-1]["value"])
    return out, firsts, lasts


def _indicators_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                        cols: dict[str, list]) -> None:
    stages = rng.choices(range(1, 40), k=n)
    cols["title"] = [f"{name} ({s})" for name, s in
                     zip(_pick(rng, _INDICATOR_NAMES, n), stages, strict=True)]
    cols["unit"] = _pick(rng, _choice_values("indicators", "unit"), n)
    cols["frequency"] = _optional(rng, _pick(rng, _choice_values("indicators", "frequency"), n),
                                  0.2)
    series, firsts, lasts = _series(rng, n)
    cols["series"] = _optional(rng, series, 0.1)
    cols["baseline_value"] = _optional(rng, firsts, 0.3)
    cols["baseline_on"] = _optional(rng, [str(y) for y in rng.choices(range(2010, 2020), k=n)],
                                    0.4)
    cols["target_value"] = _optional(rng, [str(int(float(v) * m)) for v, m in zip(
        lasts, rng.choices((0.5, 0.9, 1.2, 1.5, 2), k=n), strict=True)], 0.3)
    cols["target_on"] = _optional(rng, [str(y) for y in rng.choices(range(2025, 2036), k=n)],
                                  0.3)
    cols["on_dashboard"] = _pick(rng, ("no", "yes"), n, (50, 1))
    cols["agreement_id"] = _optional(rng, _pick(rng, ids["agreements"], n), 0.5)
    cols["plant_id"] = _optional(rng, _pick(rng, ids["plants"], n), 0.7)
    cols["farm_id"] = _optional(rng, _pick(rng, ids["farms"], n), 0.8)
    cols["roadmap_id"] = _optional(rng, _pick(rng, ids["roadmap"], n), 0.6)
    cols["status"] = _pick(rng, _statuses("indicators"), n, (9, 1))


def _briefs_columns(rng: random.Random, n: int, dates: _Dates, ids: dict[str, range],
                    cols: dict[str, list]) -> None:
    iso = dates.iso
    cols["title"] = _titles(rng, n, "briefs")
    cols["status"] = _pick(rng, _statuses("briefs"), n, (3, 2, 2, 1))
    templates = _pick(rng, _choice_values("briefs", "template"), n, (5, 4, 1))
    cols["template"] = templates
    meetings = _pick(rng, ids["meetings"], n)
    cols["meeting_id"] = [m if t == "visit" else None
                          for t, m in zip(templates, meetings, strict=True)]
    cols["addressee"] = _optional(rng, _pick(rng, _RU["position"] + _EN["position"], n), 0.2)
    cols["drafted_by"] = _optional(rng, _pick(rng, USERS, n), 0.2)
    cols["contact_id"] = _optional(rng, _pick(rng, ids["people"], n), 0.3)
    cols["critical_date"] = _optional(rng, [iso[d] for d in dates.days(rng, n)], 0.5)
    for name, sentences, blank in (("purpose", 1, 0.1), ("objectives", 2, 0.3),
                                   ("points", 3, 0.3), ("background", 3, 0.3),
                                   ("issues", 1, 0.5), ("recommendation", 1, 0.3)):
        cols[name] = _paragraphs(rng, n, sentences, blank_share=blank)
    cols["max_classification"] = _pick(rng, tuple(v for v, _l in CLASSIFICATIONS), n, (2, 6, 2))
    cols["paper"] = _pick(rng, _choice_values("briefs", "paper"), n, (9, 1))
    cols["language"] = _optional(rng, _pick(rng, _choice_values("briefs", "language"), n), 0.3)
    cols["annex"] = _pick(rng, _choice_values("briefs", "annex"), n, (4, 1))


_KIND_COLUMNS = {
    "people": _people_columns,
    "sources": _sources_columns,
    "agreements": _agreements_columns,
    "meetings": _meetings_columns,
    "plants": _plants_columns,
    "farms": _farms_columns,
    "roadmap": _roadmap_columns,
    "indicators": _indicators_columns,
    "briefs": _briefs_columns,
}


def _columns(kind_name: str, rng: random.Random, n: int, dates: _Dates, ids: dict[str, range]
             ) -> dict[str, list]:
    """Values of the kind's stored user fields, a column at a time (validation rules hold)."""
    cols: dict[str, list] = {}
    fill = _KIND_COLUMNS.get(kind_name)
    if fill is not None:
        fill(rng, n, dates, ids, cols)
    else:  # a kind added later: titles and defaults are enough to be valid
        cols["title"] = _titles(rng, n, kind_name)
    kind = get_kind(kind_name)
    cols["classification"] = _pick(rng, tuple(v for v, _l in CLASSIFICATIONS), n, (3, 6, 1))
    cols["notes"] = _optional(rng, _pick(rng, (
        "Уточнить сроки у партнёров.", "Check the figures with the ministry.",
        "Данные по итогам заседания комиссии.", "Inferred from the press release."), n), 0.8)
    for f in kind.stored_fields:  # any field the generator does not know gets its default
        cols.setdefault(f.name, [f.default] * n)
    return cols


# --- the generator --------------------------------------------------------------------------------

def generate(repo, per_kind: int, seed: int = 0, progress: Progress | None = None, *,
             sizes: dict[str, int] | None = None) -> dict[str, int]:
    """Add ``per_kind`` synthetic records of every kind to ``repo``; returns counts per table.

    ``sizes`` overrides the number for some kinds (``{"roadmap": 100_000}``). One transaction and
    one audit entry; ``progress(stage, done, total)`` is called after every few thousand rows.
    """
    wanted = {k: int(per_kind) for k in GENERATION_ORDER}
    wanted.update({k: int(v) for k, v in (sizes or {}).items() if k in wanted})
    if min(wanted.values()) < 1:
        raise ValueError(_("every kind needs at least 1 generated record"))
    rng = random.Random(seed)
    dates = _Dates()
    counts: dict[str, int] = {}
    total_steps = sum(wanted.values())
    done_steps = 0

    def report(stage: str) -> None:
        if progress is not None:
            progress(stage, done_steps, total_steps)

    def advance(stage: str, n: int) -> None:
        nonlocal done_steps
        done_steps += n
        report(stage)

    with repo.batch() as batch:
        ids: dict[str, range] = {}
        bases = {}
        for kind_name in GENERATION_ORDER:
            first = batch.next_id(KINDS[kind_name])
            ids[kind_name] = range(first, first + wanted[kind_name])
            bases[kind_name] = first
        # uids must be unique across runs on one database: seed them with the first ids too.
        uid_rng = random.Random(f"{seed}:{sorted(bases.items())}")
        # Building an index once over the new rows is faster than growing it row by row, as
        # long as the table was small (the engine decides; SQLite rebuilds them at the end).
        growth = {**wanted, "citations": total_steps, "reports": total_steps,
                  "roadmap_reviewed_at": wanted["roadmap"]}
        quotes = _Quotes(batch, ids["sources"])
        counts["reports"] = 0
        with batch.growing(growth):
            for kind_name in GENERATION_ORDER:
                kind = KINDS[kind_name]
                cols = _columns(kind_name, rng, wanted[kind_name], dates, ids)
                reports = commitments.make_reports(rng, kind_name, cols, dates.iso, dates.span,
                                                   quotes) if kind.reports else None
                made = _write_kind(batch, kind, cols, ids[kind_name], rng, uid_rng, dates,
                                   lambda n, k=kind_name: advance(k, n), reports)
                counts[kind_name] = made
                if reports:
                    rows = commitments.report_rows(kind_name, ids[kind_name], reports)
                    batch.report_rows(rows)
                    counts["reports"] += len(rows)
                if kind_name == "roadmap":
                    pairs = commitments.review_pairs(rng, ids["roadmap"], ids["meetings"],
                                                     cols["meeting_id"])
                    batch.link_rows(kind, "reviewed_at", pairs)
                    counts["roadmap_reviewed_at"] = len(pairs)

            # links between records
            counts["meetings_participants"] = _write_participants(batch, rng, ids)
            report("participants")
            counts["citations"] = _write_citations(batch, rng, ids)
            report("links")
        report("indexes")
        batch.audit("generate", None, None, "generate",
                    _("Generate {n} synthetic records").format(n=total_steps),
                    None, {"per_kind": per_kind, "sizes": wanted, "seed": seed,
                           "counts": counts})
    report("done")
    return counts


def _uuid4(rng: random.Random) -> str:
    """A random (version 4) UUID string drawn from ``rng`` (deterministic, unlike uuid.uuid4)."""
    x = f"{rng.getrandbits(128):032x}"
    return f"{x[:8]}-{x[8:12]}-4{x[13:16]}-{'89ab'[int(x[16], 16) & 3]}{x[17:20]}-{x[20:]}"


def _write_kind(batch, kind, cols: dict[str, list], id_range: range, rng: random.Random,
                uid_rng: random.Random, dates: _Dates, advance, reports=None) -> int:
    n = len(id_range)
    stamps_days = dates.days(rng, n)
    updated_days = dates.after(rng, stamps_days, 400)
    users = rng.choices(USERS, k=n)
    editors = rng.choices(USERS, k=n)
    deleted = rng.choices((True, False), weights=(1, 49), k=n)  # ~2% in the trash
    iso = dates.iso
    field_names = [f.name for f in kind.stored_fields]
    all_cols = ["id", "uid", *field_names, "created_at", "updated_at", "created_by",
                "updated_by", "version", "deleted_at"]
    search_fields = [f.name for f in (*kind.searchable_fields, *kind.labelled_fields)]
    indexed = SimpleNamespace(searchable_fields=kind.searchable_fields,  # computed once
                              labelled_fields=kind.labelled_fields)
    values = [cols[name] for name in field_names]
    search_values = [cols[name] for name in search_fields]
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        rows = []
        index_rows = []
        for i in range(start, stop):
            rid = id_range[i]
            created = iso[stamps_days[i]] + "T09:00:00Z"
            updated = iso[updated_days[i]] + "T15:30:00Z"
            rows.append((
                rid, _uuid4(uid_rng),
                *[col[i] for col in values],
                created, updated, users[i], editors[i], 1 if updated_days[i] == stamps_days[i]
                else 2, updated if deleted[i] else None,
            ))
            record = {name: col[i] for name, col in zip(search_fields, search_values,
                                                         strict=True)}
            if reports:
                record["reports"] = reports[i]
            index_rows.append((rid, index_body(indexed, record)))
        batch.insert_rows(kind, all_cols, rows, index_rows)
        advance(stop - start)
    return n


class _Quotes:
    """(source id, a sentence of that source's text) for quoted reports."""

    def __init__(self, batch, sources: range):
        self.batch, self.sources, self.found = batch, sources, {}

    def __call__(self, rng: random.Random) -> tuple[int, str]:
        sid = rng.choice(self.sources)
        if sid not in self.found:
            row = self.batch.repo.backend.row(KINDS["sources"], sid, ["text"]) or {}
            text = row.get("text") or ""
            self.found[sid] = [q for q in _RU["sentence"] + _EN["sentence"] if q in text]
        found = self.found[sid]
        return (sid, rng.choice(found)) if found else (sid, None)


def _write_participants(batch, rng: random.Random, ids: dict[str, range]) -> int:
    people = ids["people"]
    rows = []
    sizes = rng.choices((1, 2, 2, 3, 4), k=len(ids["meetings"]))
    for mid, size in zip(ids["meetings"], sizes, strict=True):
        for pid in set(rng.choices(people, k=size)):
            rows.append((mid, pid))
    rows.sort()
    meetings = KINDS["meetings"]
    batch.link_rows(meetings, meetings.occasion.participants, rows)
    return len(rows)


def _write_citations(batch, rng: random.Random, ids: dict[str, range]) -> int:
    """Each record cites 0 to 2 sources, each with one of the sentences of that source's text
    (quotes are always found in their source, as the repository requires)."""
    sources = ids["sources"]
    quotes = (_RU["sentence"] + _EN["sentence"])
    rows = []

    found: dict[int, list[str]] = {}

    def sentences(source_id: int) -> list[str]:
        if source_id not in found:
            row = batch.repo.backend.row(KINDS["sources"], source_id, ["text"]) or {}
            found[source_id] = [q for q in quotes if q in (row.get("text") or "")] or [""]
        return found[source_id]

    for kind_name in KIND_ORDER:
        if not KINDS[kind_name].cites or kind_name not in ids:
            continue
        record_ids = ids[kind_name]
        cited = rng.choices((0, 1, 2), weights=(2, 4, 1), k=len(record_ids))
        for rid, many in zip(record_ids, cited, strict=True):
            for pos in range(many):
                source = rng.choice(sources)
                rows.append((kind_name, rid, source, rng.choice(sentences(source)), pos))
    rows.sort(key=lambda r: r[2])  # in source order: the foreign-key lookups walk the pages once
    batch.citation_rows(rows)
    return len(rows)
