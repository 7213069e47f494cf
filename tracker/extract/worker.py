"""The extraction worker: a process of its own that reads one file's text and writes it to its
standard output as JSON lines, under limits the operating system enforces.

``python -m tracker.extract.worker PATH MEDIA_TYPE MAX_PAGES MAX_CHARS MEMORY_MB CPU_SECONDS``
(the bundled program: ``bilateral-tracker-cli --extract-worker ...``). Before it imports a
reader it limits its own address space (memory), processor time, the size of any file it may
write (none) and core dumps (``resource.setrlimit``; on Windows only the caller's wall-clock
bound applies). Lines: ``{"p": page, "t": text}`` for each page, then ``{"end": status, "note":
code}``. A worker that runs out of memory or time ends without the last line; the caller says
so (:func:`tracker.extract.extract`).
"""

from __future__ import annotations

import json
import sys

EXIT_MEMORY = 3


def limit_self(memory_mb: int, cpu_seconds: int) -> None:
    """The operating system's limits on this process (POSIX)."""
    try:
        import resource
    except ImportError:  # Windows: the caller's time bound only
        return
    for what, value in ((resource.RLIMIT_AS, memory_mb * 1024 * 1024),
                        (resource.RLIMIT_CPU, cpu_seconds), (resource.RLIMIT_FSIZE, 0),
                        (resource.RLIMIT_CORE, 0)):
        try:
            soft, hard = resource.getrlimit(what)
            wanted = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(what, (wanted, wanted if hard == resource.RLIM_INFINITY
                                      else hard))
        except (ValueError, OSError):
            pass


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path, kind, max_pages, max_chars, memory_mb, cpu_seconds = argv[:6]
    limit_self(int(memory_mb), int(cpu_seconds))
    out = sys.stdout
    try:
        from tracker.extract.formats import Bounds, Stop, read

        def emit(page: int, text: str) -> None:
            out.write(json.dumps({"p": page, "t": text}, ensure_ascii=True) + "\n")
            out.flush()

        try:
            read(path, kind, Bounds(max_pages=int(max_pages), max_chars=int(max_chars)), emit)
            status, note = "done", None
        except Stop as stop:
            status, note = stop.status, stop.note
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - a reader's bug on a hostile file: said, not shown
            status, note = "partial", "damaged"
        out.write(json.dumps({"end": status, "note": note}) + "\n")
        out.flush()
    except MemoryError:
        return EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main())
