"""Translation tooling: extract the strings, update and check the catalogues, compile them.

One gettext catalogue per language (``resources/translations/<lang>/LC_MESSAGES/tracker.po``) serves
the core, the CLI, the briefing and the GUI. Usage::

    python -m tools.i18n extract    # rewrite resources/translations/tracker.pot
    python -m tools.i18n update     # extract, then merge new strings into every .po
    python -m tools.i18n check      # exit 1 if a string is missing, untranslated, fuzzy,
                                            # loses a {placeholder} or fails Babel's checks
    python -m tools.i18n compile    # write the .mo files (build step; .mo is not committed;
                                            # --strict: refuse if check finds a problem)
    python -m tools.i18n untranslated [lang]   # list what still needs a translation

Babel does the work: its extractor reads the strings (``_``, ``N_`` and ``ngettext`` in
``tracker/`` and ``ui/``; ``_`` and ``ngettext`` in click's own source, whose messages the CLI
shows through our catalogue: ``tracker.cli.help``), its catalogue merges them into each language
(no fuzzy matching) and its ``compile`` command writes the .mo files. The CLI's help texts are
plain strings to click (docstrings, ``help=``) and come from the commands themselves
(``tracker.cli.help.messages``). The catalogues are written without line numbers and dates, so a
diff shows only real changes. What Babel does not check is checked here: strings missing from a
catalogue, untranslated or fuzzy entries, ``{placeholder}`` consistency, messages built before
translation or translated at import.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from tracker.i18n import DOMAIN, LANGUAGES
from tracker.paths import resource_path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("tracker", "ui")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
CLICK_KEYWORDS = {"_": None, "ngettext": (1, 2)}  # click: from gettext import gettext as _
PROJECT = "Bilateral Tracker"
# Languages with a catalogue (English is the source language and needs none).
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")

_FIELD_RE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def translations_dir() -> Path:
    return resource_path("translations")


def template_path() -> Path:
    return translations_dir() / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return translations_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return translations_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


# --- extraction -----------------------------------------------------------------------------------

def _skip_dir(path: str) -> bool:
    name = Path(path).name
    return not (name.startswith(".") or name in ("__pycache__", "_resources"))


def _add_python_strings(template: Catalog, base: Path, prefix: str, keywords: dict) -> None:
    """Every string marked with ``keywords`` in the Python files under ``base`` (locations as
    ``prefix/<file>``)."""
    for filename, lineno, message, comments, context in extract_from_dir(
            base, method_map=[("**.py", "python")], keywords=keywords,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True,
            directory_filter=_skip_dir):
        if isinstance(message, tuple) and not all(message):
            continue
        if not message:
            continue
        template.add(message, None, [(f"{prefix}/{filename}", lineno)],
                     auto_comments=comments, context=context)


def extract(root: Path | None = None) -> Catalog:
    """A template catalogue of every translatable string in ``tracker/`` and ``ui/``, the CLI's
    help texts and click's own messages."""
    import click

    root = Path(root or ROOT)
    template = Catalog(project=PROJECT, domain=DOMAIN, fuzzy=False, charset="utf-8")
    for folder in SOURCE_DIRS:
        base = root / folder
        if base.is_dir():
            _add_python_strings(template, base, folder, KEYWORDS)
    # The CLI's help texts are plain strings to click (docstrings, help=...), translated when
    # shown (tracker.cli.help): they come from the commands themselves.
    from tracker.cli.help import messages
    from tracker.cli.main import PROG, main

    for text, file, line in messages(main, PROG):
        template.add(text, None, [(file, line)])
    # click's own messages ("Usage:", "Missing argument" ...), marked with gettext in its source
    _add_python_strings(template, Path(click.__file__).parent, "click", CLICK_KEYWORDS)
    return template


def _write(catalog: Catalog, path: Path, **kwargs) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    # No line numbers and no dates that change on every run: the diff shows only real changes.
    write_po(buf, catalog, width=100, include_lineno=False, sort_output=False, **kwargs)
    data = buf.getvalue()
    data = re.sub(rb'"POT-Creation-Date: [^"]*\\n"\n', b"", data)
    data = re.sub(rb'"PO-Revision-Date: [^"]*\\n"\n', b"", data)
    if path.exists() and path.read_bytes() == data:
        return
    path.write_bytes(data)


def read_catalogue(lang: str) -> Catalog:
    with open(po_path(lang), "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def write_catalogue(catalog: Catalog, lang: str) -> None:
    _write(catalog, po_path(lang), ignore_obsolete=True)


def write_template(template: Catalog | None = None) -> Catalog:
    template = template or extract()
    _write(template, template_path(), omit_header=False)
    return template


def update(langs: Iterable[str] = TRANSLATED) -> dict[str, int]:
    """Re-extract, rewrite the template and merge it into each catalogue.

    Returns the number of strings still untranslated per language. No fuzzy matching: a changed
    English string becomes a new, empty entry rather than a guess that looks finished.
    """
    template = write_template()
    left: dict[str, int] = {}
    for lang in langs:
        path = po_path(lang)
        if path.exists():
            catalog = read_catalogue(lang)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project=PROJECT, fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.fuzzy = False
        write_catalogue(catalog, lang)
        left[lang] = len(untranslated(catalog))
    return left


# --- checks ---------------------------------------------------------------------------------------

def fields(text: str) -> set[str]:
    """The ``{placeholders}`` of a format string, as written (``{value!r}`` stays whole)."""
    return {f"{{{m}}}" for m in _FIELD_RE.findall(text or "")}


def messages(catalog: Catalog):
    for message in catalog:
        if message.id:
            yield message


def untranslated(catalog: Catalog) -> list:
    out = []
    for m in messages(catalog):
        strings = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
        if not all(strings):
            out.append(m)
    return out


def fuzzy(catalog: Catalog) -> list:
    return [m for m in messages(catalog) if m.fuzzy]


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Entries whose translation drops or invents a ``{placeholder}``."""
    problems = []
    for m in messages(catalog):
        ids = m.id if isinstance(m.id, (tuple, list)) else (m.id,)
        strings = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
        wanted = fields(ids[-1]) | fields(ids[0])
        for s in strings:
            if not s:
                continue
            have = fields(s)
            # Every form keeps the plural's placeholders and invents none.
            if not fields(ids[-1]) <= have or not have <= wanted:
                problems.append(f"{ids[0]!r}: {sorted(have)} in translation, "
                                f"{sorted(fields(ids[-1]))} in the English")
    return problems


def missing(catalog: Catalog, template: Catalog | None = None) -> list[str]:
    """Strings in the source code that the catalogue does not have."""
    template = template or extract()
    return [str(m.id) for m in messages(template) if catalog.get(m.id, m.context) is None]


def check(langs: Iterable[str] = TRANSLATED, template: Catalog | None = None) -> list[str]:
    """Every problem that would show English (or break) in a translated interface."""
    template = template or extract()
    problems: list[str] = []
    for lang in langs:
        if not po_path(lang).exists():
            problems.append(f"{lang}: no catalogue at {po_path(lang)}")
            continue
        catalog = read_catalogue(lang)
        problems += [f"{lang}: not in the catalogue: {s!r}" for s in missing(catalog, template)]
        problems += [f"{lang}: untranslated: {m.id!r}" for m in untranslated(catalog)]
        problems += [f"{lang}: fuzzy: {m.id!r}" for m in fuzzy(catalog)]
        problems += [f"{lang}: placeholders: {p}" for p in placeholder_problems(catalog)]
        problems += [f"{lang}: {m.id!r}: {error}" for m, errors in catalog.check()
                     for error in errors]  # Babel's checks (%-formats, plural forms)
    problems += [f"not translatable: {p}" for p in dynamic_messages()]
    problems += [f"translated too early: {p}" for p in import_time_messages()]
    return problems


# Qt calls whose string argument is shown to the user.
_UI_TEXT_CALLS = {
    "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setPlaceholderText",
    "setTitle", "setLabelText", "setHeaderLabels", "setHorizontalHeaderLabels", "setWhatsThis",
    "showMessage", "addAction", "addMenu", "addTab", "setTabText", "setInformativeText",
    "setDetailedText", "setAccessibleName", "setAccessibleDescription", "setSuffix", "setPrefix",
    "setSpecialValueText", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox",
    "QAction", "QMenu", "QToolButton", "addRow", "warning", "critical", "information",
    "question", "about", "getText", "getOpenFileName", "getSaveFileName",
    "getExistingDirectory", "echo", "secho", "ClickException", "UsageError", "BadParameter",
}


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_words(text: str) -> bool:
    """Looks like prose a user reads (not an object name, a path, a format or an icon name)."""
    letters = re.sub(r"\{[^{}]*\}|&", "", text)
    return bool(re.search(r"[A-Za-z]{2,}", letters)) and not re.fullmatch(
        r"[\w.\-/:*;()%]+\.(png|svg|pdf|csv|json|db|txt|ico)|[a-z_.:/-]+|\*\.\w+.*", text)


def _python_files(root: Path) -> list[Path]:
    files = []
    for folder in SOURCE_DIRS:
        base = root / folder
        if base.is_dir():
            files += [p for p in sorted(base.rglob("*.py"))
                      if "__pycache__" not in p.parts and "_resources" not in p.parts]
    return files


def dynamic_messages(root: Path | None = None) -> list[str]:
    """``_()`` calls whose text cannot be extracted: f-strings and string concatenation."""
    root = Path(root or ROOT)
    out = []
    for path in _python_files(root):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and _call_name(node) in ("_", "N_") and node.args
                    and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp))):
                out.append(f"{path.relative_to(root)}:{node.lineno}: _() of a built string; "
                           "pass a literal with {placeholders} and .format() the result")
    return out


def import_time_messages(root: Path | None = None) -> list[str]:
    """``_()`` calls run when a module is imported (module or class level, decorators).

    They translate once, into whatever language is set at import (English), and never follow
    ``set_language``: mark such strings with ``N_()`` and call ``_()`` where they are shown.
    """
    root = Path(root or ROOT)
    out: list[str] = []

    def is_gettext(node) -> bool:
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext"))

    def visit(node, rel) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # the body runs when called; decorators and default values run now
                for part in [*child.decorator_list, *child.args.defaults,
                             *(d for d in child.args.kw_defaults if d is not None)]:
                    out.extend(f"{rel}:{n.lineno}: _() in a decorator or default value runs "
                               "at import" for n in ast.walk(part) if is_gettext(n))
                continue
            if isinstance(child, ast.Lambda):
                continue
            if is_gettext(child):
                out.append(f"{rel}:{child.lineno}: _() runs at import; use N_() there")
            visit(child, rel)

    for path in _python_files(root):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            continue
        visit(tree, path.relative_to(root))
    return out


def unwrapped_strings(root: Path | None = None) -> list[str]:
    """Literal English given straight to a widget or printed by the CLI without ``_()``.

    A heuristic for review (the calls listed in ``_UI_TEXT_CALLS``), not a proof.
    """
    root = Path(root or ROOT)
    out = []
    for path in _python_files(root):
        rel = path.relative_to(root)
        if rel.parts[0] == "tracker" and rel.parts[1] != "cli":  # the CLI prints, the rest returns
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            candidates = []
            if _call_name(node) in _UI_TEXT_CALLS:
                candidates += list(node.args)
            # the CLI's help= texts are translated when shown (tracker.cli.help)
            shown = ("text", "title") if rel.parts[0] == "tracker" else ("help", "text", "title")
            candidates += [k.value for k in node.keywords if k.arg in shown]
            for arg in candidates:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _is_words(
                        arg.value):
                    out.append(f"{rel}:{node.lineno}: {arg.value!r}")
                elif isinstance(arg, ast.JoinedStr):
                    text = "".join(v.value for v in arg.values
                                   if isinstance(v, ast.Constant) and isinstance(v.value, str))
                    if _is_words(text):
                        out.append(f"{rel}:{node.lineno}: f-string {text!r}")
    return out


# --- compiling ------------------------------------------------------------------------------------

def compile_catalogues(langs: Iterable[str] = TRANSLATED, out_dir: Path | None = None
                       ) -> list[Path]:
    """Write ``tracker.mo`` next to each ``tracker.po`` (or under ``out_dir/<lang>/LC_MESSAGES``)
    with Babel's ``compile`` command.

    Fuzzy entries are left out (they would show a guess as if it were checked); untranslated ones
    show in English. ``main`` runs ``check`` first and reports what a build would ship untranslated.
    """
    from babel.messages.frontend import CompileCatalog

    written = []
    for lang in langs:
        if out_dir is None:
            target = mo_path(lang)
        else:
            target = Path(out_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
            target.parent.mkdir(parents=True, exist_ok=True)
        command = CompileCatalog()
        command.initialize_options()
        command.domain, command.locale, command.use_fuzzy = DOMAIN, lang, False
        command.input_file, command.output_file = str(po_path(lang)), str(target)
        command.finalize_options()
        command.run()
        written.append(target)
    return written


@dataclass
class Stats:
    lang: str
    total: int
    translated: int
    fuzzy: int


def stats(lang: str) -> Stats:
    catalog = read_catalogue(lang)
    total = sum(1 for _m in messages(catalog))
    return Stats(lang, total, total - len(untranslated(catalog)), len(fuzzy(catalog)))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "check"
    if command == "extract":
        template = write_template()
        print(f"{template_path()}: {sum(1 for _m in messages(template))} strings")
        return 0
    if command == "update":
        for lang, left in update().items():
            print(f"{po_path(lang)}: {left} untranslated")
        return 0
    if command == "compile":
        strict = "--strict" in args
        problems = check()
        for p in problems:
            print(f"warning: {p}", file=sys.stderr)
        if strict and problems:
            return 1
        for path in compile_catalogues():
            print(f"wrote {path}")
        return 0
    if command == "check":
        problems = check()
        for p in problems:
            print(p)
        for lang in TRANSLATED:
            s = stats(lang)
            print(f"{lang}: {s.translated}/{s.total} translated, {s.fuzzy} fuzzy")
        return 1 if problems else 0
    if command == "untranslated":
        lang = args[1] if len(args) > 1 else TRANSLATED[0]
        for m in untranslated(read_catalogue(lang)):
            print(m.id if isinstance(m.id, str) else " | ".join(m.id))
        return 0
    if command == "unwrapped":
        for line in unwrapped_strings():
            print(line)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
