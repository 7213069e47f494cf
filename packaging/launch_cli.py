"""Entry script PyInstaller freezes as ``bilateral-tracker-cli`` (same as the console script)."""

from tracker.cli.main import main

if __name__ == "__main__":
    main(prog_name="bilateral-tracker-cli")
