"""Records in and out: JSON and CSV exports and imports, the CSV of a list, a record as text.

The public API; callers import from here (the modules behind it may move)."""

from tracker.exchange.io import (
    FileProblem,
    ImportConflict,
    ImportProblem,
    ImportResult,
    csv_text,
    export_data,
    import_data,
    import_file,
    list_csv,
    neutralise,
    read_records,
    record_json,
    record_text,
    unneutralise,
    write_csv,
    write_json,
    write_list_csv,
)

__all__ = [
    "FileProblem", "ImportConflict", "ImportProblem", "ImportResult", "csv_text", "export_data",
    "import_data", "import_file", "list_csv", "neutralise", "read_records", "record_json",
    "record_text", "unneutralise", "write_csv", "write_json", "write_list_csv",
]
