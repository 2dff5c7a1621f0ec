"""The answer stage's sentences (rag.evidence.Unit), built once at index time and stored with the
generation (sentence_units.json), so that loading does not normalise every sentence of the corpus again;
beside them, their postings (sentence_postings.npy, rag.index.postings), so that a question's words are
looked up rather than searched for in every sentence.

Stored units are used only while the code that makes them is the same (their signature hashes the
modules that normalise and split the text); otherwise they are built at load, as before, and so are
their postings.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from rag.evidence import Unit, build_units
from rag.index.postings import POSTINGS, SentencePostings
from rag.models import Report

UNITS = "sentence_units.json"
_MAKERS = ("text.py",)  # normalisation and the sentence split, whole


@lru_cache(maxsize=1)
def signature() -> str:
    """A hash of the code that decides the units: rag/text.py (normalisation, sentence split), and of
    rag/evidence.py only what makes a unit (build_units, Unit, the heading pattern), so that a change to the
    question's keywords does not make every index rebuild its sentences at load."""
    import inspect

    from rag import evidence

    h = hashlib.sha256(b"units-2")
    root = Path(__file__).resolve().parent.parent
    for name in _MAKERS:
        h.update((root / name).read_bytes())
    for part in (inspect.getsource(evidence.build_units), inspect.getsource(evidence.Unit), evidence.HEADING.pattern):
        h.update(part.encode("utf-8"))
    return h.hexdigest()


def units_json(reports: list[Report]) -> bytes:
    """Every sentence of every chunk, in index order, as the JSON stored with a generation."""
    return _units_json(_units(reports))


def units_files(reports: list[Report]) -> dict[str, bytes]:
    """The files stored with a generation for the answer stage: its sentences and their postings."""
    units = _units(reports)
    postings = SentencePostings.build([u.norm for u in units], [u.context for u in units])
    return {UNITS: _units_json(units), POSTINGS: postings.to_bytes(signature())}


def _units(reports: list[Report]) -> list[Unit]:
    refs = [SimpleNamespace(source=r.source, chunk=c) for r in reports for c in r.chunks]
    return build_units({r.source: r for r in reports}, refs)


def _units_json(units: list[Unit]) -> bytes:
    rows = [[u.source, u.start, u.end, u.chunk, int(u.heading), u.norm, u.context] for u in units]
    return json.dumps({"signature": signature(), "units": rows}, ensure_ascii=False, separators=(",", ":")).encode()


def read_units(path: Path, reports: dict[str, Report]) -> list[Unit] | None:
    """The stored units when this code made them and they fit these reports, else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("signature") != signature():
        return None
    units = []
    try:
        for source, start, end, chunk, heading, norm, context in data["units"]:
            text = reports[source].text
            units.append(Unit(source, start, end, text[start:end], norm, chunk, bool(heading), context))
    except (KeyError, TypeError, ValueError):
        return None
    return units
