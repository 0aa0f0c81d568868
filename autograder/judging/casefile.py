"""The release's case file ``<assignment>.cases.npz``: public cases and their reference records.

Layout: ``manifest`` holds JSON (the parts' definitions and, per case, its name, note and the kind
of each argument); ``<part>/<case>/args/<name>`` and ``<part>/<case>/ref/<name>`` hold arrays.
The file is written byte-for-byte deterministically (fixed zip timestamps, sorted members) and
read with ``allow_pickle=False``.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from autograder.judging.records import Record
from autograder.judging.spec import AssignmentSpec, Case, Check, Part

FORMAT_VERSION = 1
_EPOCH = (1980, 1, 1, 0, 0, 0)


def encode_value(value: Any) -> tuple[str, np.ndarray]:
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot store an array of dtype {value.dtype} in a case file")
        return "array", value
    if isinstance(value, (bool, np.bool_)):
        return "bool", np.asarray(bool(value))
    if isinstance(value, (int, np.integer)):
        return "int", np.asarray(int(value), dtype=np.int64)
    if isinstance(value, (float, np.floating)):
        return "float", np.asarray(float(value), dtype=np.float64)
    if isinstance(value, str):
        return "str", np.asarray(value)
    raise TypeError(f"cannot store a {type(value).__name__} in a case file")


def decode_value(kind: str, arr: np.ndarray) -> Any:
    if kind == "array":
        return arr
    if kind == "bool":
        return bool(arr)
    if kind == "int":
        return int(arr)
    if kind == "float":
        return float(arr)
    if kind == "str":
        return str(arr)
    raise ValueError(f"unknown stored kind {kind!r}")


def part_to_json(part: Part) -> dict[str, Any]:
    """A part's definition without its case generators."""
    return {
        "id": part.id,
        "title": part.title,
        "functions": list(part.functions),
        "points": part.points,
        "probe": part.probe,
        "checks": [asdict(c) for c in part.checks],
        "options": part.options,
        "hints": part.hints,
    }


def part_from_json(data: dict[str, Any]) -> Part:
    """Inverse of :func:`part_to_json` (without case generators)."""
    return Part(
        id=data["id"],
        title=data["title"],
        functions=tuple(data["functions"]),
        points=float(data["points"]),
        probe=data["probe"],
        checks=tuple(Check(**c) for c in data["checks"]),
        options=dict(data.get("options", {})),
        hints=dict(data.get("hints", {})),
    )


def _write_member(zf: zipfile.ZipFile, name: str, arr: np.ndarray) -> None:
    buf = io.BytesIO()
    np.lib.format.write_array(
        buf, arr if arr.flags.c_contiguous else arr.copy(order="C"), allow_pickle=False
    )
    info = zipfile.ZipInfo(name + ".npy", date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, buf.getvalue())


def write_casefile(
    path: Path,
    spec: AssignmentSpec,
    cases: dict[str, list[Case]],
    references: dict[str, list[Record]],
) -> None:
    """Write the public cases and reference records of every part.

    Parameters
    ----------
    path : Path
        Output ``.npz``.
    spec : AssignmentSpec
    cases : dict
        ``part id -> public cases``.
    references : dict
        ``part id -> reference records`` aligned with ``cases``; metadata keys are dropped.
    """
    manifest: dict[str, Any] = {"format": FORMAT_VERSION, "assignment": spec.name, "parts": []}
    members: dict[str, np.ndarray] = {}
    for part in spec.parts:
        entry = part_to_json(part)
        entry["cases"] = []
        for case, ref in zip(cases[part.id], references[part.id], strict=True):
            kinds = {}
            for name, value in case.args.items():
                kinds[name], members[f"{part.id}/{case.name}/args/{name}"] = encode_value(value)
            ref_kinds = {}
            for name, value in ref.items():
                if name.startswith("__"):
                    continue
                ref_kinds[name], members[f"{part.id}/{case.name}/ref/{name}"] = encode_value(value)
            entry["cases"].append(
                {
                    "name": case.name,
                    "note": case.note,
                    "checks": list(case.checks) if case.checks is not None else None,
                    "args": kinds,
                    "ref": ref_kinds,
                }
            )
        manifest["parts"].append(entry)
    members["manifest"] = np.asarray(json.dumps(manifest, sort_keys=True, indent=1))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name in sorted(members):
            _write_member(zf, name, members[name])


class CaseFile:
    """A loaded case file: part definitions, public cases and reference records.

    Parameters
    ----------
    path : Path
        The ``.npz`` to read (with ``allow_pickle=False``).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with np.load(self.path, allow_pickle=False) as data:
            self._arrays = {k: data[k] for k in data.files}
        self.manifest: dict[str, Any] = json.loads(str(self._arrays["manifest"]))
        if self.manifest.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"{self.path}: unsupported case-file format {self.manifest.get('format')}"
            )
        self.assignment: str = self.manifest["assignment"]
        self._parts = {p["id"]: p for p in self.manifest["parts"]}

    @property
    def part_ids(self) -> list[str]:
        """Ids of every auto-graded part, in notebook order."""
        return list(self._parts)

    def part(self, part_id: str) -> Part:
        """The part's definition.

        Raises
        ------
        KeyError
            Listing the known ids.
        """
        if part_id not in self._parts:
            raise KeyError(
                f"{self.assignment} has no graded part {part_id!r}; known: {', '.join(self._parts)}"
            )
        return part_from_json(self._parts[part_id])

    def cases(self, part_id: str) -> list[tuple[Case, Record]]:
        """Public cases of a part with their reference records."""
        out = []
        for entry in self._parts[part_id]["cases"]:
            prefix = f"{part_id}/{entry['name']}"
            args = {
                n: decode_value(k, self._arrays[f"{prefix}/args/{n}"])
                for n, k in entry["args"].items()
            }
            ref = {
                n: decode_value(k, self._arrays[f"{prefix}/ref/{n}"])
                for n, k in entry["ref"].items()
            }
            checks = tuple(entry["checks"]) if entry["checks"] is not None else None
            out.append((Case(entry["name"], args, entry["note"], checks), ref))
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        """Every stored array by member name (for leak checks)."""
        return dict(self._arrays)
