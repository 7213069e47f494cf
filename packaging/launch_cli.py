"""Entry script PyInstaller freezes as ``bilateral-tracker-cli`` (same as the console script)."""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--extract-worker"]:  # tracker.extract runs this program so
        from tracker.extract.worker import main as worker

        sys.exit(worker(sys.argv[2:]))
    from tracker.cli.main import main

    main(prog_name="bilateral-tracker-cli")
