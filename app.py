"""`python app.py`: the same server as `rag serve` (chat at /, API under /api/, docs at /api/docs).

Host, port, sub-path and everything else come from the RAG_* settings (RAG_HOST, RAG_PORT,
RAG_ROOT_PATH, ...; `rag settings` lists them).
"""

from __future__ import annotations

import sys

from rag.config import SettingsError, get_settings
from rag.server import serve

if __name__ == "__main__":
    try:
        settings = get_settings()
    except SettingsError as e:  # a typo in a RAG_ variable: say which, not a traceback
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(2)
    serve(host=settings.host, port=settings.port)
