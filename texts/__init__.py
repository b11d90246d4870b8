"""Every sentence a person reads in the chat, in Vietnamese, one module per area.

One import convention everywhere: `import texts`, then `texts.<area>.NAME` — so a reader sees at
the point of use which area a sentence belongs to, and a Vietnamese reviewer finds all of them here.
(A long form declaration may name its area once, locally: `t = texts.inspection`.)

- `texts.common`     the form engine, the answer parsers, the channels and document links
- `texts.people`     registration, /help, the router's refusals, /staff, /lienket
- `texts.capture`    /kiemdinh, /giayphep, /hoatdong, /kehoach, /cuatoi, /chotky, reminders
- `texts.inspection` /kiemtra, facilities, /gopcoso, the facility import
- `texts.licences`   the licence register: /tracuu, the weekly expiry digest, `main.py licences …`
- `texts.report`     /baocao, /xuat, /ghichu and the notes import
- `texts.document`   the report's and the export's own words: section titles, periods, sheets
- `texts.report_template` the monthly report's headings and sentences (reports/make_template.py lays them out)
- `texts.cli`        the command line and the console's banner: mistakes, results, hints
- `texts.operations` backup, restore, a person's data, the access log, invitations from a list
- `texts.outbox`     administrators' notices (undelivered replies, a channel down), `main.py admin outbox`
- `texts.privacy`    the personal-data notice (registration, /quyenriengtu)
- `texts.review`     review of records: /duyet's cards, notices to authors and reviewers, /suangay
- `texts.month`      the web view's month page: its figures' labels, the charts' words
- `texts.web`        the managers' web view: /web, the sign-in pages, every word of its pages

This package imports nothing of the project (a test keeps it so): the code fills the blanks.
"""

from texts import (
    capture,
    cli,
    common,
    document,
    inspection,
    licences,
    month,
    operations,
    outbox,
    people,
    privacy,
    report,
    report_template,
    review,
    web,
)

__all__ = ["capture", "cli", "common", "document", "inspection", "licences", "month", "operations", "outbox", "people", "privacy", "report", "report_template", "review", "web"]
