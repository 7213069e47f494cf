"""What an audit entry says happened, stored language-neutrally and worded when it is shown.

An entry stores a :class:`Wording`: a code ("delete", "seed", "undo" ...) and its parameters
(the kind of record, a preset's name, a count, the step undone), as JSON in the audit's
``wording`` column; History, the dashboard's recent changes and the CLI word it in the reader's
language (``str(wording)``). The ``label`` column keeps the English words, for older versions of
the program and for anyone reading the table itself.

Entries written before (English labels, or Russian ones from a session in Russian) have no
wording: :func:`from_label` reads a stored label back to its code when it is one of ours, in
either language; anything else (a label a caller made up, an import's own) is shown as stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from tracker.i18n import LANGUAGES, N_, _, language

#: code -> the English words (the msgid), with the parameters as named placeholders
TEMPLATES = {
    "create": N_("New {kind}"),
    "update": N_("Edit {kind}"),
    "cite": N_("Edit sources of {kind}"),
    "delete": N_("Delete {kind}"),
    "restore": N_("Restore {kind}"),
    "undo": N_("Undo {label}"),
    "redo": N_("Redo {label}"),
    "settings": N_("Change settings"),
    "save_preset": N_("Save preset {name}"),
    "delete_preset": N_("Delete preset {name}"),
    "import": N_("Import"),
    "seed": N_("Seed from the article"),
    "generate": N_("Generate {n} synthetic records"),
    "attach": N_("Attach {name}"),  # a file's name ({name})
    "detach": N_("Remove {name}"),
}
TEXT = "text"  # a label given as words (a caller's own): shown as it is


@dataclass(frozen=True)
class Wording:
    """What happened: ``code`` (a key of TEMPLATES, or TEXT) and its parameters."""
    code: str
    kind: str | None = None  # the kind of record ({kind})
    name: str | None = None  # a preset's or an attached file's name ({name})
    n: int | None = None  # how many ({n})
    step: Wording | None = None  # what was undone or redone ({label})
    text: str | None = None  # TEXT: the words themselves

    def __str__(self) -> str:
        """The words in the current language."""
        if self.code not in TEMPLATES:
            return self.text or self.code
        values = {"kind": _kind_words(self.kind), "name": self.name or "",
                  "n": self.n if self.n is not None else "",
                  "label": str(self.step) if self.step is not None else ""}
        return _(TEMPLATES[self.code]).format(**values)

    def english(self) -> str:
        """The words in English (what the ``label`` column keeps)."""
        with language("en"):
            return str(self)

    def as_dict(self) -> dict:
        out: dict = {"code": self.code}
        for key in ("kind", "name", "n", "text"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.step is not None:
            out["step"] = self.step.as_dict()
        return out

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data) -> Wording | None:
        if not isinstance(data, dict) or not isinstance(data.get("code"), str):
            return None
        n = data.get("n")
        return cls(data["code"], kind=_text_or_none(data.get("kind")),
                   name=_text_or_none(data.get("name")),
                   n=n if isinstance(n, int) and not isinstance(n, bool) else None,
                   step=cls.from_dict(data.get("step")), text=_text_or_none(data.get("text")))

    @classmethod
    def from_json(cls, text: str | None) -> Wording | None:
        if not text:
            return None
        try:
            return cls.from_dict(json.loads(text))
        except ValueError:
            return None


@lru_cache(maxsize=1024)
def stored(wording: Wording) -> tuple[str, str]:
    """What the audit table keeps of a wording: its English words and its JSON."""
    return wording.english(), wording.to_json()


def words(text: str) -> Wording:
    """A label given as words: shown as it is, in every language."""
    return Wording(TEXT, text=text)


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) else None


def _kind_words(kind: str | None) -> str:
    """A kind as labels name it ("road-map item"), lower case, in the current language."""
    from tracker.model import KINDS

    found = KINDS.get(kind or "")
    return _(found.label).lower() if found is not None else (kind or "")


# --- labels stored as words, read back ------------------------------------------------------------

@lru_cache(maxsize=1024)  # an import writes one label for every record
def from_label(label: str | None, kind: str | None = None) -> Wording | None:
    """The wording of a stored label when it is one of ours, in any language the program speaks
    ("Delete agreement", "Удаление записи: соглашение", "Undo New person" ...); None otherwise.
    ``kind``: the entry's kind (a record's kind is read from it, not from the words)."""
    if not label:
        return None
    for lang in LANGUAGES:
        found = _parse(label, kind, lang)
        if found is not None:
            return found
    return None


def _parse(label: str, kind: str | None, lang: str) -> Wording | None:
    for code, pattern in _patterns(lang):
        m = pattern.fullmatch(label)
        if m is None:
            continue
        got = m.groupdict()
        if "kind" in got:
            found = _kind_of(got["kind"], kind, lang)
            if found is None:
                continue
            return Wording(code, kind=found)
        if "label" in got:
            inner = from_label(got["label"], kind) or words(got["label"])
            return Wording(code, kind=kind, step=inner)
        if "n" in got:
            return Wording(code, n=int(got["n"]))
        if "name" in got:
            return Wording(code, name=got["name"])
        return Wording(code)
    return None


def _kind_of(words_: str, kind: str | None, lang: str) -> str | None:
    """The kind whose label (in ``lang``, lower case) reads ``words_``: the entry's own kind
    when it does, else any kind that does."""
    from tracker.model import KINDS

    with language(lang):
        labels = {name: _(k.label).lower() for name, k in KINDS.items()}
    if kind in labels and labels[kind] == words_:
        return kind
    return next((name for name, text in labels.items() if text == words_), None)


@lru_cache(maxsize=8)
def _patterns(lang: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(code, regular expression) of every template in ``lang``: a placeholder matches any
    words ({n}: digits), the rest literally."""
    groups = {"kind": r"(?P<kind>.+?)", "name": r"(?P<name>.*?)", "n": r"(?P<n>\d+)",
              "label": r"(?P<label>.+)"}
    out = []
    with language(lang):
        for code, template in TEMPLATES.items():
            parts = re.split(r"\{(\w+)\}", _(template))
            pattern = "".join(groups.get(part, re.escape(part)) if i % 2 else re.escape(part)
                              for i, part in enumerate(parts))
            out.append((code, re.compile(pattern, re.DOTALL)))
    return tuple(out)


def shown(entry: dict) -> str:
    """How an audit entry's ``label`` reads in the current language: worded from its stored
    wording, else from its label when that is one of ours, else the label as stored."""
    wording = Wording.from_json(entry.get("wording")) if isinstance(entry.get("wording"), str) \
        else Wording.from_dict(entry.get("wording"))
    if wording is None:
        wording = from_label(entry.get("label"), entry.get("kind"))
    return str(wording) if wording is not None else entry.get("label") or ""
