"""The managers' web view: pages on the bot's own web server (bot/web.py), mounted by app/wiring.py.

- `site.py`     install(): templates (aiohttp-jinja2), static files, the pages of `registry.py`, the
                security headers (a Content-Security-Policy allowing only our own scripts) on every answer
- `auth.py`     sign-in through a one-time link from /web in the chat, sessions (cookie HttpOnly,
                SameSite=Strict, Secure behind HTTPS, an idle time), CSRF tokens, the role check of
                every page and every file
- `registry.py` every page: its path, who may see it, its menu label
- `records.py`, `record_page.py`, `facilities.py`: the pages themselves

Like handlers/, it uses storage/, reports/ and texts/; what it needs of the forms (a record's card)
and of review comes from app/ (`WebDeps`), so it imports neither handlers/ nor bot/, and bot/ never
imports it. Its words are in texts/web.py; the templates print them (`{{ t.NAME }}`) and hold none.
"""
