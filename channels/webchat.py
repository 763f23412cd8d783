"""The webchat channel: the embeddable widget, its websocket and HTTP routes, and the demo
storefront that embeds it.

``router_for(runtime)`` is what ``agent.app.create_app`` mounts. The pieces:

- ``webchat_ws``: the websocket transport (``/channels/webchat/ws``), typing, pushes;
- ``webchat_http``: widget settings, history, and the HTTP fallback;
- ``webchat_context``: pages viewed, browser and OS, the cart and its discount;
- ``webchat_store``: the storefront pages, ``/widget.js``, the catalog, the contact form;
- ``static/webchat``: ``widget.js`` and ``widget.css`` (vanilla JS, no build step).
"""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter

from agent.runtime import Runtime
from channels.webchat_context import context_router
from channels.webchat_http import http_router
from channels.webchat_store import store_router
from channels.webchat_ws import websocket_router


def router_for(runtime: Runtime) -> APIRouter:
    """Every webchat and storefront route over one runtime."""
    router = APIRouter()
    sockets: Counter[str] = Counter()
    for part in (websocket_router(runtime, sockets), http_router(runtime, sockets),
                 context_router(runtime), store_router(runtime)):
        router.include_router(part)
    return router
