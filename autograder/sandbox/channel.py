"""Framed messages over pipes between the trusted driver and the sandboxed harness.

Nothing crosses the sandbox boundary through a path: the driver hands the harness its plan and
the case inputs on the harness's standard input, and the harness sends progress events and
records back over a pipe the driver created before the sandbox started (its write end is the
file descriptor the plan names). The driver never opens, writes or deletes a file
in a folder the sandbox can write, so links, FIFOs or devices planted there cannot make it
touch a host file.

A frame is a 4-byte big-endian header length, a JSON header (``{"type": ...}``, and ``size``
when a binary payload follows) and the payload. The reader trusts nothing: it caps the header
size, every payload and the total, and stops at the first malformed frame (what was read before
it is kept; the rest is drained and dropped).
"""

from __future__ import annotations

import json
import os
import struct
import threading
from dataclasses import dataclass, field
from typing import Any, BinaryIO

MAX_HEADER = 64 * 1024
MAX_PAYLOAD = 256 * 1024**2
MAX_TOTAL = 512 * 1024**2


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def encode_frame(header: dict[str, Any], payload: bytes = b"") -> bytes:
    """One frame: header (with ``size`` set to the payload's length) and payload."""
    head = json.dumps({**header, "size": len(payload)}, allow_nan=False).encode("utf-8")
    return struct.pack(">I", len(head)) + head + payload


def send(fd: int, header: dict[str, Any], payload: bytes = b"") -> None:
    """Write one frame to ``fd`` (harness side)."""
    _write_all(fd, encode_frame(header, payload))


def read_exactly(stream: BinaryIO, n: int) -> bytes:
    """``n`` bytes from ``stream``, or fewer at end of stream."""
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class FrameError(ValueError):
    """A frame that is malformed or over a size limit."""


def read_frame(stream: BinaryIO, budget: int = MAX_TOTAL) -> tuple[dict[str, Any], bytes] | None:
    """The next frame from ``stream``; ``None`` at a clean end of stream.

    Raises
    ------
    FrameError
        On a truncated or malformed frame, or one over the limits (``budget``: bytes left).
    """
    raw = read_exactly(stream, 4)
    if not raw:
        return None
    if len(raw) < 4:
        raise FrameError("truncated frame length")
    (size,) = struct.unpack(">I", raw)
    if size > MAX_HEADER:
        raise FrameError("frame header too large")
    try:
        header = json.loads(read_exactly(stream, size).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FrameError("frame header is not JSON") from None
    if not isinstance(header, dict) or not isinstance(header.get("type"), str):
        raise FrameError("frame header has no type")
    length = header.get("size", 0)
    if not isinstance(length, int) or not 0 <= length <= min(MAX_PAYLOAD, budget):
        raise FrameError("frame payload size missing or over the limit")
    payload = read_exactly(stream, length)
    if len(payload) < length:
        raise FrameError("truncated frame payload")
    return header, payload


@dataclass
class ResultReader:
    """Reads the harness's frames in a background thread (driver side).

    Attributes
    ----------
    events : list of dict
        Progress events (``start``, ``end``, ``timeout``, ``done``), in order.
    records : dict
        ``part id -> payload`` of the first records frame received for that part.
    problem : str
        Why reading stopped early (a malformed frame), or ``""``.
    """

    stream: BinaryIO
    events: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, bytes] = field(default_factory=dict)
    problem: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def start(self) -> ResultReader:
        """Start the reading thread."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        total = 0
        try:
            while True:
                frame = read_frame(self.stream, MAX_TOTAL - total)
                if frame is None:
                    return
                header, payload = frame
                total += len(payload) + 4
                with self._lock:
                    if header["type"] == "event" and len(self.events) < 100_000:
                        self.events.append(header)
                    elif header["type"] == "records" and isinstance(header.get("part"), str):
                        # the first frame for a part counts: a later one (a thread or handler
                        # the student left running) never replaces it
                        self.records.setdefault(header["part"], payload)
        except (FrameError, OSError) as exc:
            self.problem = str(exc)
            while self.stream.read(1 << 16):  # drain, so the writer never blocks on a full pipe
                pass
        finally:
            self.stream.close()

    def snapshot(self) -> list[dict[str, Any]]:
        """A copy of the events so far."""
        with self._lock:
            return list(self.events)

    def join(self, timeout: float = 10.0) -> None:
        """Wait for the writer's end of the pipe to close (after the sandbox is killed)."""
        if self._thread is not None:
            self._thread.join(timeout)
