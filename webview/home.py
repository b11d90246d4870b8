"""`/` until the month page (webview/month.py) takes its place in the registry: the menu, nothing else."""

from __future__ import annotations

from aiohttp import web

from webview.render import render


async def page(request: web.Request, viewer) -> web.Response:
    return render(request, "home.html", {}, viewer=viewer)
