"""Probe records as bytes: made inside the sandbox, read outside it as untrusted data.

A part's records are one ``.npz`` (sent over the result pipe, see :mod:`.channel`):
``manifest`` (JSON: per case, each value's name and kind) and one member per value. Reading
never unpickles, accepts only numeric, boolean and string arrays, and caps sizes, so forged
bytes can at worst change the student's own answers.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from autograder.judging.casefile import encode_value
from autograder.judging.records import Record

MAX_ELEMENTS = 5_000_000
MAX_TEXT = 4_000


def _encode_record_value(value: Any) -> tuple[str, np.ndarray] | None:
    """The case file's encoding (plain numbers, arrays, strings), or ``None`` for anything else."""
    if isinstance(value, str):
        value = value[:MAX_TEXT]
    try:
        return encode_value(value)
    except TypeError:
        return None


def encode_records(records: list[Record]) -> bytes:
    """One part's records as ``.npz`` bytes (values that are not plain data are left out)."""
    manifest: list[dict[str, str]] = []
    members: dict[str, np.ndarray] = {}
    for i, rec in enumerate(records):
        kinds: dict[str, str] = {}
        for name, value in rec.items():
            encoded = _encode_record_value(value)
            if encoded is None:
                continue
            kinds[name], members[f"{i}/{name}"] = encoded
        manifest.append(kinds)
    members["manifest"] = np.asarray(json.dumps(manifest))
    buf = io.BytesIO()
    np.savez(buf, **members)  # type: ignore[arg-type]
    return buf.getvalue()


def write_records(path: Path, records: list[Record]) -> None:
    """Write one part's records to a file (atomically: a temporary file, then a rename)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(encode_records(records))
    os.replace(tmp, path)


class RecordFileError(ValueError):
    """A records file is missing, malformed, too large or of the wrong shape."""


def read_records(path: Path, num_cases: int) -> list[Record]:
    """Read and validate one part's records from a file (see :func:`decode_records`)."""
    return decode_records(path.read_bytes(), num_cases)


def decode_records(data: bytes, num_cases: int) -> list[Record]:
    """Read and validate one part's records from bytes (never trusting them).

    Raises
    ------
    RecordFileError
        If anything about the data is unexpected.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > 8 * MAX_ELEMENTS * 2:
                raise RecordFileError("records file too large")
        with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
            arrays = {k: loaded[k] for k in loaded.files}
    except RecordFileError:
        raise
    except Exception as exc:
        raise RecordFileError(f"unreadable records ({type(exc).__name__})") from None
    try:
        manifest = json.loads(str(arrays.pop("manifest")))
    except Exception:
        raise RecordFileError("records manifest missing or not JSON") from None
    if not isinstance(manifest, list) or len(manifest) != num_cases:
        raise RecordFileError(f"expected records for {num_cases} cases")
    out: list[Record] = []
    for i, kinds in enumerate(manifest):
        if not isinstance(kinds, dict):
            raise RecordFileError("malformed manifest")
        rec: Record = {}
        for name, kind in kinds.items():
            arr = arrays.get(f"{i}/{name}")
            if arr is None or not isinstance(name, str):
                raise RecordFileError(f"missing value {name!r}")
            if arr.dtype.kind not in "biufU" or arr.size > MAX_ELEMENTS:
                raise RecordFileError(f"value {name!r} has dtype {arr.dtype} or is too large")
            if kind == "array" and arr.dtype.kind in "biuf":
                rec[name] = np.array(arr)
            elif kind == "bool" and arr.ndim == 0:
                rec[name] = bool(arr)
            elif kind == "int" and arr.ndim == 0 and arr.dtype.kind in "iu":
                rec[name] = int(arr)
            elif kind == "float" and arr.ndim == 0 and arr.dtype.kind == "f":
                rec[name] = float(arr)
            elif kind == "str" and arr.ndim == 0 and arr.dtype.kind == "U":
                rec[name] = str(arr)[:MAX_TEXT]
            else:
                raise RecordFileError(f"value {name!r} does not match its kind {kind!r}")
        out.append(rec)
    return out
