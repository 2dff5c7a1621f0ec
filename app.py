"""`python app.py`: the same server as `rag serve` (chat at /, API under /api/, docs at /api/docs).

Host and port come from GRADIO_SERVER_NAME and GRADIO_SERVER_PORT (Gradio's own variables; defaults
127.0.0.1 and 7860); the sub-path and everything else from the RAG_* settings (RAG_ROOT_PATH, ...).
"""

from __future__ import annotations

import os

from rag.server import serve

if __name__ == "__main__":
    serve(
        host=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
    )
