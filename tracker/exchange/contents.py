"""The contents of attached files in an export being imported: read once, as they come, into
the import's stage (never held whole), hashed on the way.

A JSON export holds them under ``"_files"``: ``[{"sha256", "size", "base64": [pieces]}]`` (a
single base64 string is read too); a zip or folder of CSV files as ``attachments/<sha256>``. Each
reader hands a :class:`Content` to the import's loader, which stores it in the stage with the
SHA-256 it computed (:func:`stage_content`); the plan then checks every record's attachments
against it and refuses a mismatch, naming the record and the file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from tracker.exchange.errors import FileProblem
from tracker.i18n import _
from tracker.store.attachments import PROOF_SALT

OnMeta = Callable[[str, Any], None]
OnData = Callable[[bytes], bool]  # False: take no more data (the rest is skipped)
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
B64_SLICE = 4 * 65536  # base64 characters decoded at a time (a multiple of 4)


class Content:
    """One attached file's content in the file being read."""

    where = ""

    def read(self, on_meta: OnMeta, on_data: OnData) -> None:
        raise NotImplementedError


class JsonContent(Content):
    """An entry of ``"_files"``, read from the JSON parser's events."""

    def __init__(self, events: Iterator, path, index: int):
        self.events, self.where = events, _("{path}: _files #{n}").format(path=path.name, n=index)
        self.done = False

    def read(self, on_meta: OnMeta, on_data: OnData) -> None:
        taking = True
        for event, value in self.events:
            if event == "end_map":
                self.done = True
                return
            if event != "map_key":  # pragma: no cover - ijson gives a key before each value
                continue
            key = value
            kind, item = next(self.events)
            if key == "base64" and kind in ("string", "start_array"):
                pieces = [item] if kind == "string" else self._strings()
                for piece in pieces:
                    if taking:
                        for data in self._decode(piece):
                            if not on_data(data):
                                taking = False
                                break
            elif kind in ("start_map", "start_array"):
                _skip(self.events)
            else:
                on_meta(str(key), item)
        self.done = True  # pragma: no cover - the parser reports an unterminated object

    def skip(self) -> None:
        if not self.done:
            self.read(lambda _k, _v: None, lambda _d: False)

    def _strings(self) -> Iterator[str]:
        for event, value in self.events:
            if event == "end_array":
                return
            if event != "string":
                raise FileProblem(_("{where}: base64: expected text").format(where=self.where))
            yield value

    def _decode(self, text: str) -> Iterator[bytes]:
        if any(c.isspace() for c in text[:100]) or "\n" in text:
            text = "".join(text.split())  # MIME-style lines
        for i in range(0, len(text), B64_SLICE):
            try:
                yield base64.b64decode(text[i:i + B64_SLICE], validate=True)
            except (binascii.Error, ValueError):
                raise FileProblem(_("{where}: base64: not base64 text").format(
                    where=self.where)) from None


def _skip(events: Iterator) -> None:
    depth = 1
    for event, _value in events:
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if not depth:
                return


class StreamContent(Content):
    """A zip member or a file of a folder named ``attachments/<sha256>``."""

    def __init__(self, opener: Callable, sha256: str, where: str, chunk: int = 256 * 1024):
        self.opener, self.sha256, self.where, self.chunk = opener, sha256, where, chunk

    def read(self, on_meta: OnMeta, on_data: OnData) -> None:
        on_meta("sha256", self.sha256)
        with self.opener() as fh:
            while data := fh.read(self.chunk):
                if not on_data(data):
                    return


def stage_content(stage, content: Content, limit: int) -> None:
    """Store ``content`` in the stage as it is read, with the SHA-256 and proof computed on the
    way; beyond ``limit`` bytes it is marked too large and the rest is not kept."""
    meta: dict[str, Any] = {}
    sha, proof = hashlib.sha256(), hashlib.sha256(PROOF_SALT)
    state = {"size": 0, "n": 0, "too_large": False}
    fid = stage.new_file(content.where)

    def on_data(data: bytes) -> bool:
        state["size"] += len(data)
        if state["size"] > limit:
            state["too_large"] = True
            return False
        sha.update(data)
        proof.update(data)
        stage.add_file_chunk(fid, state["n"], data)
        state["n"] += 1
        return True

    content.read(meta.__setitem__, on_data)
    declared = str(meta.get("sha256") or "").strip().lower()
    stage.end_file(fid, declared, state["size"], sha.hexdigest(), proof.hexdigest(),
                   state["too_large"])
