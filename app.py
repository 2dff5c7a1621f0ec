"""`python app.py`: the same server as `rag serve` (chat at /, API under /api/, docs at /api/docs).

Host, port and sub-path come from RAG_HOST, RAG_PORT and RAG_ROOT_PATH (defaults 127.0.0.1, 7860, none).
"""

from __future__ import annotations

import os

from rag.server import serve

if __name__ == "__main__":
    serve(
        host=os.environ.get("RAG_HOST", "127.0.0.1"),
        port=int(os.environ.get("RAG_PORT", "7860")),
        root_path=os.environ.get("RAG_ROOT_PATH"),
    )
