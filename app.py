"""`python app.py`: the same server as `rag serve` (chat at /, API under /api/, docs at /api/docs).

Host, port, sub-path and everything else come from the RAG_* settings (RAG_HOST, RAG_PORT,
RAG_ROOT_PATH, ...; `rag settings` lists them).
"""

from __future__ import annotations

from rag.config import get_settings
from rag.server import serve

if __name__ == "__main__":
    settings = get_settings()
    serve(host=settings.host, port=settings.port)
