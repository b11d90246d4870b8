"""Approve or return a record from its page (POST /ban-ghi/{kind}/{id}/duyet), as /duyet does in the chat.

The page offers the two forms only to someone who may review the record (storage/review.py: the role,
the reviewer's kinds, one's own records only when `[review] self_approve`); the action is checked again
when it arrives, and made by the function app/ hands over (`deps.extra["review_act"]`, handlers/
web_review.py): the transition and the author's notice in the chat commit together. The answer is a
redirect to the record's page, which says what happened (`?kq=`), so a reload sends nothing twice.
"""

from __future__ import annotations

from aiohttp import web

from storage import review
from storage.domain import WAITING
from webview import auth
from webview.deps import DEPS, WebDeps
from webview.records import record_path

ROUTE = "/ban-ghi/{kind}/{id:[0-9]{1,12}}/duyet"
ACTIONS = ("approve", "return")
MAX_COMMENT = 2000


async def may_review(session, deps: WebDeps, viewer, state) -> bool:
    """Whether the review forms are shown: a waiting record this person may act on."""
    if state is None or not state.active or state.state != WAITING:
        return False
    scope = await review.reviewer_kinds(session, viewer.staff.id)
    return review.may_review(viewer.staff, scope, state, self_approve=deps.config.review.self_approve)


async def actions_for(session, deps: WebDeps, viewer, kind: str, record_id: int, state) -> dict | None:
    if "review_act" not in deps.extra or not await may_review(session, deps, viewer, state):
        return None
    return {"path": record_path(kind, record_id) + "/duyet", "version": state.version}


async def act(request: web.Request, viewer) -> web.StreamResponse:
    deps: WebDeps = request.app[DEPS]
    kind, record_id = request.match_info["kind"], int(request.match_info["id"])
    form = await request.post()
    action, version = str(form.get("action", "")), str(form.get("version", ""))
    comment = str(form.get("comment", "")).strip()[:MAX_COMMENT]
    if "review_act" not in deps.extra or kind not in review.KINDS or action not in ACTIONS or not version.isdecimal():
        return auth.not_found(request, viewer)
    if action == "return" and not comment:
        result = "comment"
    else:
        result = await deps.extra["review_act"](viewer.staff, kind, record_id, int(version), action, comment)
    return web.Response(status=303, headers={"Location": f"{record_path(kind, record_id)}?kq={result}"})
