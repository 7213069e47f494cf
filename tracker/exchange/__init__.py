"""Records in and out: JSON and CSV exports and imports, the CSV of a list, a record as text.

The public API; callers import from here (the modules behind it may move):

* records.py     a record as JSON (``list --json``), as text (``show``), as exported;
* exporter.py    every record in a portable shape, written as JSON or CSV (a zip or a folder);
* importer.py    an export applied to a database, all of it or nothing: load -> plan -> write
                 (checks.py: the first checks as the file is read; planner.py: the plan);
* reading.py     an export read as a stream of records, within limits (files.py), from JSON
                 (json_format.py) or CSV (csv_format.py, which also writes CSV);
* errors.py      what an import or export refuses;
* calendar.py    the deadlines as an iCalendar file.
"""

from tracker.exchange.calendar import write_calendar
from tracker.exchange.csv_format import csv_text, list_csv, neutralise, unneutralise
from tracker.exchange.errors import FileProblem, ImportConflict, ImportProblem
from tracker.exchange.exporter import (
    export_data,
    export_file,
    export_pages,
    write_csv,
    write_json,
    write_list_csv,
)
from tracker.exchange.importer import ImportResult, import_data, import_file
from tracker.exchange.reading import read_records
from tracker.exchange.records import record_json, record_text

__all__ = [
    "FileProblem", "ImportConflict", "ImportProblem", "ImportResult", "csv_text", "export_data",
    "export_file", "export_pages",
    "import_data", "import_file", "list_csv", "neutralise", "read_records", "record_json",
    "record_text", "unneutralise", "write_calendar", "write_csv", "write_json", "write_list_csv",
]
