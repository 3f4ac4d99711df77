"""Reading import files and writing export files: text in UTF-8, exports replaced atomically."""

from __future__ import annotations

from pathlib import Path

from desktop.domain.list_text import ListParseError, too_large

__all__ = ["read_list_file", "write_list_file"]


def read_list_file(path: Path) -> str:
    """The text of an import file, or a `ListParseError` that says why it cannot be read (a file
    above the size limit is refused before it is read)."""
    try:
        refused = too_large(path.stat().st_size)
        if refused is not None:
            raise ListParseError(path.name, [(0, refused)])
        data = path.read_bytes()
    except OSError as exc:
        raise ListParseError(str(path), [(0, exc.strerror or str(exc))]) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ListParseError(path.name, [(line, "not UTF-8 text")]) from exc


def write_list_file(path: Path, text: str) -> None:
    """Write an export atomically: a crash mid-write never leaves half a file under the name."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8", newline="")
    partial.replace(path)
