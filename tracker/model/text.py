"""Text as search sees it: folding, the words of a query, their other forms, what a hit highlights.

Both the indexed text and the query are folded the same way: Unicode case folding (Cyrillic
included) and ё → е, which SQLite's ``lower()``/``LIKE`` and FTS5's tokenizer do not do. A query
is reduced to its words (:func:`terms`); each engine builds its own safe query from them, so no
query syntax a user types ever reaches a database.

A record is indexed as two texts: its *body* (the folded text of every text field the user is
shown, and the labels of its choices, status included, in English and in Russian) and its
*forms* (:func:`index_forms`: what else its words may be looked for as). A typed word finds a
record when the body holds a word beginning with it (an exact match, ranked first), or when
the body or the forms hold a word beginning with one of its other forms (:func:`query_forms`):

- its Snowball stem (Russian for Cyrillic words, English for Latin ones; PyStemmer), so
  'сельское хозяйство' finds 'сельского хозяйства' and 'agricultural' finds 'Agriculture';
- its Latin transliteration when it is Cyrillic, by BGN/PCGN (Назарбаев → nazarbayev) and by
  ICAO Doc 9303, the passport spelling (→ nazarbaev): a Latin query finds a Cyrillic name
  through the transliterations indexed in the forms, a Cyrillic query a Latin name through its
  own transliteration.

The forms hold only what a prefix of the body cannot find: a word's stem when it is not the
beginning of the word (happy → happi), and the transliterations of Cyrillic words.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_LETTERS_RE = re.compile(r"[^\W\d_]+")  # a run of letters: what stems and transliterations see
MAX_TERMS = 16
MIN_STEM = 3  # a shorter stem would find half the database ('об' of 'оба')


def fold(text: str) -> str:
    """Case-fold and unify letters that officials treat as the same (ё/е)."""
    text = unicodedata.normalize("NFC", text).casefold()
    return text.replace("ё", "е")


def index_body(kind, record: dict) -> str:
    """The folded text of every field the user is shown for this record: its text fields, then
    the labels of its choices (``kind.labelled_fields``: status included) in every language
    the program speaks, so a record is found by what its Area or Status says on screen."""
    parts = []
    for f in kind.searchable_fields:
        value = record.get(f.name)
        if value:
            parts.append(str(value))
    for f in getattr(kind, "labelled_fields", ()):
        value = record.get(f.name)
        if value:
            parts.append(choice_labels(f, value))
    for report in record.get("reports") or ():  # implementation reports: what was done
        if isinstance(report, dict) and report.get("done"):
            parts.append(str(report["done"]))
    return fold("\n".join(parts))


def choice_labels(field, value: str) -> str:
    """The labels of a choice's value in English and Russian ('Agriculture Сельское хозяйство');
    the value itself when the field has no such choice (an old or foreign value)."""
    for v, label in field.choices:
        if v == value:
            return _labels_of(label)
    return str(value)


@lru_cache(maxsize=1024)
def _labels_of(label: str) -> str:
    from tracker.i18n import LANGUAGES, _, language

    texts = [label]
    for lang in LANGUAGES:
        with language(lang):
            texts.append(_(label))
    return " ".join(dict.fromkeys(texts))


def attachment_body(text: str) -> str:
    """The folded text of (a part of) an attachment, as the search index takes it."""
    return fold(text)


def words_in(text: str, words: list[str]) -> bool:
    """True when ``text`` holds every query word as the search matches it (a word, or another
    form of it: :func:`search_groups`, beginning a word of the text or one of its forms; a
    one-letter word exactly), folded as the index is: which page of an attachment the search
    found."""
    folded = fold(text or "")
    tokens = set(_WORD_RE.findall(folded)) | set(index_forms(folded).split())
    return all(any(t.startswith(f) if len(f) > 1 else t == f for f in group for t in tokens)
               for group in search_groups(words))


def terms(text: str) -> list[str]:
    words = [w for w in _WORD_RE.findall(fold(text or "")) if w.strip("_")]
    return words[:MAX_TERMS]


# --- other forms of a word: stems and transliterations ------------------------------------------

_stemmers = threading.local()  # a PyStemmer object is not to be shared between threads


def _stemmer(language: str):
    found = getattr(_stemmers, language, None)
    if found is None:
        import Stemmer  # PyStemmer: Snowball's C stemmers (imported on the first search or write)

        found = Stemmer.Stemmer(language)
        setattr(_stemmers, language, found)
    return found


def is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def stem(word: str) -> str:
    """The Snowball stem of a folded word of letters: Russian for Cyrillic, English for Latin;
    the word itself for anything else (digits, other scripts, mixed)."""
    if is_cyrillic(word):
        if all("\u0400" <= ch <= "\u04ff" for ch in word):
            return _stemmer("russian").stemWord(word)
        return word
    if word.isascii() and word.isalpha():
        return _stemmer("english").stemWord(word)
    return word


# BGN/PCGN romanization of Russian (1947), with the letters of Belarusian, Ukrainian and Kazakh
# names (BGN/PCGN's for those languages, diacritics left out as the search leaves them out).
_BGN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ў": "w", "ї": "yi", "є": "ye", "ґ": "g",
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
}
_BGN_YE_AFTER = set("аеиоуыэюяйъьіїєәөұү")  # е is 'ye' at the start of a word and after these
# ICAO Doc 9303 (machine-readable passports): how a name is spelt in a visa or a passport.
_ICAO = {**_BGN, "й": "i", "ъ": "ie", "ю": "iu", "я": "ia", "ў": "u", "ї": "i", "є": "ie",
         "қ": "k", "ғ": "g"}


def transliterations(word: str) -> tuple[str, ...]:
    """The Latin spellings of a folded Cyrillic word: BGN/PCGN, then ICAO Doc 9303 when it
    differs (Назарбаев → nazarbayev, nazarbaev); () for a word with no Cyrillic letter."""
    if not is_cyrillic(word):
        return ()
    bgn, icao = [], []
    previous = ""
    for ch in word:
        if ch == "е":
            bgn.append("ye" if not previous or previous in _BGN_YE_AFTER else "e")
        else:
            bgn.append(_BGN.get(ch, ch))
        icao.append(_ICAO.get(ch, ch))
        previous = ch
    return tuple(dict.fromkeys(t for t in ("".join(bgn), "".join(icao)) if t))


@lru_cache(maxsize=65536)
def word_forms(word: str) -> tuple[str, ...]:
    """What a folded word of letters is indexed as besides itself: its stem when that is not
    the beginning of the word, and its transliterations."""
    out = []
    s = stem(word)
    if not word.startswith(s):
        out.append(s)
    out.extend(transliterations(word))
    return tuple(out)


def index_forms(body: str | None) -> str:
    """The forms column of a record whose folded body is ``body`` (:func:`word_forms` of each
    of its words, once each)."""
    if not body:
        return ""
    out: dict[str, None] = {}
    # the runs of letters of each word between spaces (spaces are never letters): a word all
    # letters is its own run, with no regex to go through (most of a record's words)
    for token in dict.fromkeys(body.split()):
        for word in ((token,) if token.isalpha() else _LETTERS_RE.findall(token)):
            if len(word) < 2:
                continue
            for form in word_forms(word):
                out[form] = None
    return " ".join(out)


@lru_cache(maxsize=4096)
def query_forms(term: str) -> tuple[str, ...]:
    """The prefixes a typed word (a :func:`terms` word) is also looked for as, besides itself:
    its stem (when it is at least ``MIN_STEM`` letters and differs), the transliterations of
    the word and of that stem. () for a one-letter word or one that is not all letters."""
    if len(term) < 2 or not _LETTERS_RE.fullmatch(term):
        return ()
    out: list[str] = []
    s = stem(term)
    stemmed = s != term and len(s) >= MIN_STEM
    if stemmed:
        out.append(s)
    out.extend(transliterations(term))
    if stemmed:
        out.extend(t for t in transliterations(s) if len(t) >= MIN_STEM)
    return tuple(f for f in dict.fromkeys(out) if f != term)


def search_groups(words: list[str] | tuple[str, ...]) -> list[tuple[str, ...]]:
    """For each word of a query (:func:`terms`), what a record's body or forms must hold a word
    beginning with (a one-letter word: that word exactly): the word and its
    :func:`query_forms`, less any that another of them begins (a stem's matches include the
    word's). Every word's group must be matched; any member of a group does."""
    groups = []
    for word in words:
        found = (word, *query_forms(word))
        groups.append(tuple(f for f in found
                            if not any(o != f and f.startswith(o) for o in found)))
    return groups


def highlight_spans(text: str, query: str, *, forms: bool = False) -> list[tuple[int, int]]:
    """Where ``text`` shows what a search for ``query`` matched: (start, end) ranges of ``text``,
    in order and apart, one per word of ``text`` that begins with a word of the query (the whole
    word for one-letter query words), folded as the search folds (case, ё/е). For display only:
    the search itself runs in FTS5.

    ``forms``: also where a word matched through another form (:func:`query_forms`): the part
    that begins with a query word's stem ('сельск' of 'сельского'), or the whole word when its
    own stem or transliteration does (Назарбаев for 'Nazarbayev')."""
    words = terms(query)
    if not text or not words:
        return []
    # Fold letter by letter (a letter with the combining marks after it, so a decomposed й or ё
    # folds as the search folds it), remembering where each folded character came from.
    clusters: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if clusters and unicodedata.combining(ch):
            clusters[-1] = (clusters[-1][0], i + 1)
        else:
            clusters.append((i, i + 1))
    folded_parts: list[str] = []
    origin: list[tuple[int, int]] = []  # the (start, end) in ``text`` of each folded character
    for start, end in clusters:
        f = fold(text[start:end])
        folded_parts.append(f)
        origin.extend([(start, end)] * len(f))
    folded = "".join(folded_parts)
    longest_first = sorted(set(words), key=len, reverse=True)
    if forms:
        other = sorted({f for w in words for f in query_forms(w)} - set(words), key=len,
                       reverse=True)
        longest_first += other
        looked_for = tuple(w for w in (*words, *other) if len(w) > 1)
    spans: list[tuple[int, int]] = []
    for m in _WORD_RE.finditer(folded):
        token = m.group()
        length = next((len(w) for w in longest_first
                       if (token.startswith(w) if len(w) > 1 else token == w)), 0)
        if not length and forms and looked_for and any(
                form.startswith(looked_for) for form in (stem(token), *transliterations(token))):
            length = len(token)
        if length:
            start = origin[m.start()][0]
            end = origin[m.start() + length - 1][1]
            if not spans or start >= spans[-1][1]:
                spans.append((start, end))
    return spans


def labels_found(kind, record: dict, words: list[str]) -> str:
    """Where a search found a record by the label of one of its choices, in the current
    language ("Area: Agriculture", whichever language matched): "" when no label has a word."""
    from tracker.i18n import _

    out = []
    for f in getattr(kind, "labelled_fields", ()):
        value = record.get(f.name)
        if not value:
            continue
        folded = fold(choice_labels(f, value))
        if any(w and folded.find(w[:20]) >= 0 for w in words):
            label = next((lab for v, lab in f.choices if v == value), None)
            out.append(f"{_(f.label)}: {_(label) if label else value}")
    return "; ".join(out)


def snippet(title: str, text: str, words: list[str], labels: str = "") -> str:
    """A line of a record's own text around the first word found (not the folded index): its
    other fields' ``text`` first; the ``title`` when only the title has it (a long title is cut
    short where it is listed); else the ``labels`` of its choices that hold a word
    (:func:`labels_found`)."""
    title = " ".join(str(title or "").split())

    def around(line: str) -> str | None:
        folded = fold(line)
        for w in words:
            pos = folded.find(w[:20])
            if pos >= 0:
                start = max(0, pos - 40)
                if start and (space := line.find(" ", start, pos)) >= 0:
                    start = space + 1  # from the beginning of a word
                end = start + 140
                if end < len(line) and (space := line.rfind(" ", pos, end)) > pos:
                    end = space  # to the end of one
                return (("…" if start else "") + line[start:end]
                        + ("…" if end < len(line) else ""))
        return None

    found = around(text) if text else None
    if found is None and len(title) > 60:
        found = around(title)
    if found is not None:
        return found
    if labels and not any(fold(title).find(w[:20]) >= 0 for w in words if w):
        return labels
    return text[:140] + ("…" if len(text) > 140 else "")


_SPACE_RE = re.compile(r"\s")  # what str.split() splits at (the same characters)
_BEGINNINGS = (4096, 32768)  # characters of a page tried before the whole of it


def page_snippet(text: str, words: list[str]) -> str:
    """``snippet("", " ".join(text.split()), words)``: a line of a page of an attached file
    around the first word found, read from as little of the page as gives the same line (a
    page may hold 200,000 characters; a hit shows 140).

    A beginning of the page cut at white space is a beginning of the page's line, folded as
    the same beginning of the folded line (joining words and folding are local across white
    space). When it holds the first of ``words`` with the 140 characters :func:`snippet` shows
    after it, that is the line :func:`snippet` makes of the whole page; else a beginning eight
    times as long is tried, and then the whole page (a page without the first word: another of
    the words may come first in it only after it is read whole)."""
    for size in _BEGINNINGS if words else ():
        cut = _SPACE_RE.search(text, size) if size < len(text) else None
        if cut is None:
            break
        line = " ".join(text[:cut.start()].split())
        pos = fold(line).find(words[0][:20])
        if 0 <= pos and pos + 140 < len(line):
            return snippet("", line, words)
    return snippet("", " ".join(text.split()), words)


# --- quotes in their sources ----------------------------------------------------------------------
# A quote is found in its source's text up to white space (runs of it, no-break and zero-width
# spaces included), quote marks, dashes and case: the words as the source has them, typed or pasted
# from another rendering of the same text. The core refuses a citation whose quote is not there
# (Repository.create / set_citations, imports); the GUI highlights it with ``find_quote``.

_QUOTE_MARKS = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014"
_ZERO_WIDTH = "\u200b"  # not white space to str.isspace(), but invisible between words
_QUOTE_TABLE = str.maketrans({**_QUOTE_MARKS, **dict.fromkeys(_DASHES, "-"),
                              _ZERO_WIDTH: " "})


def quote_key(text: str) -> str:
    """``text`` as quotes are compared: white space folded to single spaces, quote marks and
    dashes unified, case folded. ``quote_in`` compares these."""
    return " ".join(text.translate(_QUOTE_TABLE).casefold().split())


def quote_in(text: str | None, quote: str | None, *, text_key: str | None = None) -> bool:
    """True when ``quote`` (not blank) occurs in ``text`` as :func:`quote_key` compares them.
    ``text_key``: ``quote_key(text)`` computed once for many quotes of one source."""
    needle = quote_key(quote or "")
    if not needle:
        return False
    return needle in (text_key if text_key is not None else quote_key(text or ""))


def quote_problem(text: str | None, quote: str | None, *, text_key: str | None = None
                  ) -> str | None:
    """Why ``quote`` cannot be cited from a source whose text is ``text`` (or whose
    ``quote_key(text)`` is ``text_key``), or None: a quote must occur in the text
    (:func:`quote_in`); an empty quote, or a source without text, is not checked."""
    from tracker.i18n import _

    if not quote or not quote.strip() or not (text or text_key):
        return None
    if quote_in(text, quote, text_key=text_key):
        return None
    short = " ".join(quote.split())
    short = short if len(short) <= 60 else short[:59] + "…"
    return _("these words are not in the source's text: “{quote}”").format(quote=short)


def _quote_chars(text: str) -> tuple[str, list[int]]:
    """``quote_key(text)`` and, for each of its characters, the index in ``text`` it came from."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text.translate(_QUOTE_TABLE)):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        for c in ch.casefold():
            out.append(c)
            index.append(i)
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text`` as (start, end) indexes of ``text``, compared as
    :func:`quote_in` does; None if it is not there."""
    if not text or not quote_key(quote or ""):
        return None
    norm_text, index = _quote_chars(text)
    needle = quote_key(quote)
    pos = norm_text.find(needle)
    if pos < 0:
        return None
    return index[pos], index[pos + len(needle) - 1] + 1
