"""`guide-rag mcp`: the guides to an MCP host (Claude Desktop, VS Code, Cursor…) over stdio.

stdout is the protocol: everything else, logs included, goes to stderr.
"""

from __future__ import annotations

import logging
import sys
import threading
from contextlib import redirect_stdout

from cli.edge import serving_process, settings
from cli.options import IndexDir


def mcp(index_dir: IndexDir = None) -> None:
    """Serve the guides over MCP on stdin/stdout: the tools ask_guide, search_guide and
    list_guides, and each section as a guide:// resource. An MCP host runs it."""
    from api.mcp import build_server
    from api.service import Service
    from retriever.qa import QA

    s = settings(index_dir=index_dir)
    serving_process(s)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    with redirect_stdout(sys.stderr):  # nothing said while loading may reach the protocol
        qa = QA.load(s.serving())  # as `guide-rag ask` does; a bad index fails here, in one line
        qa.warm_up()
    m = qa.build.manifest
    logging.getLogger("guide_rag.mcp").info(
        "serving %d guides (build %s, model %s) over stdio", len(m.documents), m.build_id,
        m.model.name,
    )  # fmt: skip
    # Hosts keep the process for days: a newly published index is served as `serve` does.
    service = Service(s, qa)
    if s.server.reload_seconds > 0:
        stop = threading.Event()  # never set: the daemon thread ends with the process
        threading.Thread(target=service.watch, args=(stop,), name="guide-rag-reload",
                         daemon=True).start()  # fmt: skip
    build_server(service.require).run("stdio")
