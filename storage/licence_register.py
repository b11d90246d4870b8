"""The licence register: every licence and certificate, its status today, the licence that replaced it
(renewal, amendment, re-issue), the look-up by number, holder or facility, and the licences whose
expiry is near.

A licence is *replaced* when an active licence names it in `replaces_id`; deleting that renewal makes
the old one current again, so the status is always derived, never stored. The look-up keeps a small
index per database in memory (the words of every licence's number, holder and facility, folded), checked
against the table by one aggregate query each time, so a licence written by another process (the
register's import on the command line) is found at once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import records
from storage.domain import ACTIVE, Licence
from storage.record_models import FacilityRow, LicenceRow
from storage.records import licence_of_row
from storage.text import fold

VALID, SOON, EXPIRED, REPLACED = "valid", "soon", "expired", "replaced"
STATUSES = (VALID, SOON, EXPIRED, REPLACED)
RENEWAL = "gia_han"
_WORD = re.compile(r"[a-z0-9]+")
_IN_CHUNK = 900


def words(text: str) -> list[str]:
    """The words of a text as the look-up compares them: folded, letters and digits only."""
    return _WORD.findall(fold(text))


def compact(text: str) -> str:
    """A licence number without case, diacritics, spaces or punctuation: "12/GP-SKHCN" → "12gpskhcn"."""
    return "".join(words(text))


def status_of(licence: Licence, today: dt.date, soon_days: int, replaced: bool) -> str:
    """Replaced, expired (the day after its expiry), soon (within `soon_days`), or valid (no expiry
    counts as valid)."""
    if replaced:
        return REPLACED
    if licence.expiry_date is None:
        return VALID
    if licence.expiry_date < today:
        return EXPIRED
    return SOON if (licence.expiry_date - today).days <= soon_days else VALID


# --- reading ------------------------------------------------------------------------------------


def _active():
    return LicenceRow.status == ACTIVE


async def licences_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Licence]:
    wanted, found = sorted(set(ids)), {}
    for i in range(0, len(wanted), _IN_CHUNK):
        rows = await session.scalars(select(LicenceRow).where(LicenceRow.id.in_(wanted[i : i + _IN_CHUNK]), _active()))
        found.update({row.id: licence_of_row(row) for row in rows})
    return found


async def replaced_ids(session: AsyncSession) -> set[int]:
    """The licences an active renewal, amendment or re-issue replaces."""
    rows = await session.scalars(select(LicenceRow.replaces_id).where(_active(), LicenceRow.replaces_id.is_not(None)))
    return set(rows)


async def all_licences(session: AsyncSession) -> list[Licence]:
    """The whole register, by kind, number and issue date."""
    rows = await session.scalars(
        select(LicenceRow).where(_active()).order_by(LicenceRow.kind, LicenceRow.number, LicenceRow.business_date, LicenceRow.id)
    )
    return [licence_of_row(row) for row in rows]


async def expiring(session: AsyncSession, today: dt.date, days: int, expired_since: dt.date | None = None) -> list[Licence]:
    """Licences not replaced whose expiry falls within `days` from today, and those already expired
    (since `expired_since`, when given), the soonest first."""
    query = select(LicenceRow).where(
        _active(), LicenceRow.expiry_date.is_not(None), LicenceRow.expiry_date <= today + dt.timedelta(days=days)
    )
    if expired_since is not None:
        query = query.where(LicenceRow.expiry_date >= expired_since)
    rows = (await session.scalars(query.order_by(LicenceRow.expiry_date, LicenceRow.number, LicenceRow.id))).all()
    replaced = await replaced_ids(session)
    return [licence_of_row(row) for row in rows if row.id not in replaced]


async def history(session: AsyncSession, licence: Licence) -> list[Licence]:
    """The licence's line from its first issue to its latest replacement, oldest first."""
    line, seen = [licence], {licence.id}
    current = licence
    while current.replaces_id is not None and current.replaces_id not in seen:
        row = await session.get(LicenceRow, current.replaces_id)
        if row is None or row.status != ACTIVE:
            break
        current = licence_of_row(row)
        seen.add(current.id)
        line.insert(0, current)
    current = licence
    while True:
        row = await session.scalar(
            select(LicenceRow).where(_active(), LicenceRow.replaces_id == current.id).order_by(LicenceRow.id).limit(1)
        )
        if row is None or row.id in seen:
            return line
        current = licence_of_row(row)
        seen.add(current.id)
        line.append(current)


async def predecessor(session: AsyncSession, licence: Licence, old_expiry: dt.date | None) -> Licence | None:
    """The licence a renewal, amendment or re-issue replaces: the same kind, not replaced yet, whose
    expiry is the old expiry typed (a renewal) or the one kept (an amendment, a re-issue), and which
    shares the number, else the holder, else the facility. None for a new licence or when none fits."""
    expiry = old_expiry if licence.action == RENEWAL else licence.expiry_date
    if licence.action == "cap_moi":
        return None
    query = select(LicenceRow).where(_active(), LicenceRow.kind == licence.kind, LicenceRow.id != licence.id,
                                     LicenceRow.business_date <= licence.issue_date)
    if expiry is not None:
        query = query.where(LicenceRow.expiry_date == expiry)
    rows = (await session.scalars(query.order_by(LicenceRow.business_date.desc(), LicenceRow.id.desc()))).all()
    taken = set(await session.scalars(
        select(LicenceRow.replaces_id).where(_active(), LicenceRow.replaces_id.in_([r.id for r in rows] or [0]),
                                             LicenceRow.id != licence.id)
    ))
    free = [row for row in rows if row.id not in taken]
    for same in (lambda r: compact(r.number) == compact(licence.number),
                 lambda r: fold(r.holder) == fold(licence.holder),
                 lambda r: bool(licence.facility) and fold(r.facility) == fold(licence.facility)):
        found = next((row for row in free if same(row)), None)
        if found is not None:
            return licence_of_row(found)
    return None


async def facility_named(session: AsyncSession, name: str) -> int | None:
    """The facility on file with exactly this name (folded), when there is one and only one."""
    if not name.strip():
        return None
    ids = (await session.scalars(
        select(FacilityRow.id).where(FacilityRow.name_folded == fold(name), FacilityRow.merged_into.is_(None)).limit(2)
    )).all()
    return ids[0] if len(ids) == 1 else None


async def of_facility(session: AsyncSession, facility_id: int, name: str) -> list[Licence]:
    """A facility's licences: linked to it, or naming it (as holder or facility) when typed in the chat."""
    folded = fold(name)
    query = select(LicenceRow).where(_active(), (LicenceRow.facility_id == facility_id)
                                     | LicenceRow.search_folded.contains(folded, autoescape=True))
    rows = (await session.scalars(query.order_by(LicenceRow.business_date.desc(), LicenceRow.id.desc()))).all()
    return [licence_of_row(r) for r in rows
            if r.facility_id == facility_id or folded in (fold(r.facility), fold(r.holder))]


# --- the look-up --------------------------------------------------------------------------------


@dataclass
class _Index:
    stamp: tuple
    replaces: dict[int, int | None] = field(default_factory=dict)  # id → the id it replaces
    replaced: set[int] = field(default_factory=set)
    after: dict[int, int] = field(default_factory=dict)  # id → the first active licence replacing it
    issued: dict[int, int] = field(default_factory=dict)  # id → issue date (ordinal), for the order
    numbers: dict[int, str] = field(default_factory=dict)  # id → compact number
    by_number: dict[str, set[int]] = field(default_factory=dict)  # compact number → ids
    roots: dict[int, int] = field(default_factory=dict)  # id → the first licence of its line
    tokens: dict[str, set[int]] = field(default_factory=dict)  # word → ids
    words_of: dict[int, tuple[str, ...]] = field(default_factory=dict)  # id → its words
    sorted_tokens: list[str] = field(default_factory=list)
    deletions: dict[str, set[str]] = field(default_factory=dict)  # a word less one letter → words (letters only)


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _deleted_one(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """Whether two words differ by at most one letter changed, added or left out."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


async def _stamp(session: AsyncSession) -> tuple:
    """What changes when the register does: the newest id and update time (two index look-ups, kept as
    separate subqueries so each is one), and this process's count of writes."""
    newest = select(func.max(LicenceRow.id)).scalar_subquery()
    updated = select(func.max(LicenceRow.updated_at)).scalar_subquery()
    row = (await session.execute(select(newest, updated))).one()
    return (*row, records.Writes.count)


_COLUMNS = (LicenceRow.id, LicenceRow.status, LicenceRow.replaces_id, LicenceRow.business_date, LicenceRow.number,
            LicenceRow.search_folded)


async def _index(session: AsyncSession) -> _Index:
    """The register's index, as fresh as the table: built once, then brought up to date with the rows
    added or changed since (a newer id, or an update time not older than the newest it had seen)."""
    bind = session.sync_session.get_bind()
    engine = getattr(bind, "engine", bind)
    stamp = await _stamp(session)
    known = _INDEXES.get(engine)
    if known is not None and known.stamp == stamp:
        return known
    if known is None or known.stamp[0] is None or known.stamp[1] is None:
        index = _Index(stamp)
        rows = (await session.execute(select(*_COLUMNS).where(_active()))).all()
    else:
        index = known
        rows = (await session.execute(select(*_COLUMNS).where(
            (LicenceRow.id > known.stamp[0]) | (LicenceRow.updated_at >= known.stamp[1])
        ))).all()
    fresh: set[str] = set()
    lines_changed = known is not index
    for id_, status, replaces, issued, number, folded in rows:
        lines_changed = lines_changed or index.replaces.get(id_) is not None or replaces is not None \
            or id_ in index.after
        _forget(index, id_)
        if status != ACTIVE:
            continue
        index.replaces[id_] = replaces
        index.issued[id_] = issued.toordinal()
        index.numbers[id_] = compact(number)
        index.by_number.setdefault(index.numbers[id_], set()).add(id_)
        index.words_of[id_] = tuple(set(_WORD.findall(folded)))
        for word in index.words_of[id_]:
            if word not in index.tokens:
                fresh.add(word)
            index.tokens.setdefault(word, set()).add(id_)
    if lines_changed:  # a renewal, or a licence of a line, changed: the lines are drawn again
        index.after = {}
        for child, parent in sorted(index.replaces.items()):
            if parent is not None and parent in index.replaces and parent not in index.after:
                index.after[parent] = child
        index.replaced = set(index.after)
        index.roots = {id_: _root(index, id_) for id_ in index.replaces}
    else:  # licences alone in their line
        index.roots.update({row[0]: row[0] for row in rows if row[0] in index.replaces})
    if known is not index:
        index.sorted_tokens = sorted(index.tokens)
    else:
        for word in sorted(fresh):
            bisect.insort(index.sorted_tokens, word)
    for word in fresh:
        if len(word) >= 3 and word.isalpha():
            for variant in _deleted_one(word) | {word}:
                index.deletions.setdefault(variant, set()).add(word)
    index.stamp = stamp
    _INDEXES[engine] = index
    return index


def _forget(index: _Index, id_: int) -> None:
    """A licence out of the index (changed, or deleted); a word nobody has any more stays harmlessly."""
    index.replaces.pop(id_, None)
    index.issued.pop(id_, None)
    number = index.numbers.pop(id_, None)
    if number is not None:
        index.by_number.get(number, set()).discard(id_)
    for word in index.words_of.pop(id_, ()):
        index.tokens.get(word, set()).discard(id_)


def _prefixed(index: _Index, word: str) -> set[int]:
    """ids with a word that starts with `word`."""
    start = bisect.bisect_left(index.sorted_tokens, word)
    end = bisect.bisect_left(index.sorted_tokens, word + "\uffff", start)
    return set().union(*(index.tokens[t] for t in index.sorted_tokens[start:end]))


def _typo(index: _Index, word: str) -> set[int]:
    """ids with a word one letter away from `word` (letters only, three or more of them)."""
    if len(word) < 3 or not word.isalpha():
        return set()
    near: set[str] = set()
    for variant in _deleted_one(word) | {word}:
        near |= index.deletions.get(variant, set())
    return set().union(*(index.tokens[t] for t in near if t != word and one_edit(word, t)))


@dataclass(frozen=True)
class Match:
    licence: Licence
    history: tuple[Licence, ...]  # oldest first, the licence itself included
    replaced: bool


@dataclass(frozen=True)
class Found:
    total: int  # licences found (a licence and its renewals count once)
    matches: tuple[Match, ...]  # the first `limit`
    typo: bool = False  # found only by allowing one wrong letter


async def search(session: AsyncSession, query: str, limit: int = 10) -> Found:
    """Licences whose number, holder or facility has every typed word (folded; a word may be the
    beginning of one); when none has, the same allowing one word of the query one letter off. A number
    typed whole finds that licence alone. One licence and its renewals are one result, shown by the
    record that matched best (whole words first, then the latest)."""
    typed = words(query)
    if not typed:
        return Found(0, ())
    index = await _index(session)
    typo = False
    numbered = index.by_number.get(compact(query)) if any(ch.isdigit() for ch in query) else None
    if numbered:
        found = set(numbered)
    else:
        found = _matching(index, typed, with_typos=False)
        if not found:
            found, typo = _matching(index, typed, with_typos=True), True
    order = _best(index, found, [index.tokens.get(word, set()) for word in typed], limit)
    total = len(set(map(index.roots.__getitem__, found)))
    lines = {i: _line_of(index, i) for i in order}
    loaded = await licences_by_id(session, {j for line in lines.values() for j in line})
    matches = tuple(
        Match(loaded[i], tuple(loaded[j] for j in lines[i] if j in loaded), i in index.replaced)
        for i in order if i in loaded
    )
    return Found(total, matches, typo)


def _best(index: _Index, found: set[int], whole: list[set[int]], limit: int) -> list[int]:
    """The first `limit` lines of licences found, each by its best record: more typed words matched
    whole first, then the latest issued. Only the best few of each rank are sorted."""
    ranks: dict[int, set[int]] = {0: found}
    for exact in whole:  # rank = how many typed words an id has whole
        after: dict[int, set[int]] = defaultdict(set)
        for rank, ids in ranks.items():
            after[rank + 1] |= ids & exact
            after[rank] |= ids - exact
        ranks = after
    chosen: list[int] = []
    seen: set[int] = set()
    for rank in sorted((r for r, ids in ranks.items() if ids), reverse=True):
        ids, take = ranks[rank], limit * 4
        while True:
            top = heapq.nlargest(take, ids, key=lambda i: (index.issued[i], i))
            if len({index.roots[i] for i in top} - seen) >= limit - len(chosen) or take >= len(ids):
                break
            take *= 4
        for i in top:
            if index.roots[i] not in seen and len(chosen) < limit:
                seen.add(index.roots[i])
                chosen.append(i)
        if len(chosen) >= limit:
            break
    return chosen


def _matching(index: _Index, typed: list[str], with_typos: bool) -> set[int]:
    """ids with every typed word; with typos, one word of the query may be one letter off."""
    exact = [_prefixed(index, word) for word in typed]
    if not with_typos:
        return set.intersection(*exact)
    near = [_typo(index, word) for word in typed]
    either = set.intersection(*(e | n for e, n in zip(exact, near, strict=True)))
    return {i for i in either if sum(i not in e for e in exact) <= 1}


def _root(index: _Index, id_: int) -> int:
    seen = {id_}
    while (up := index.replaces.get(id_)) is not None and up in index.replaces and up not in seen:
        seen.add(up)
        id_ = up
    return id_


def _line_of(index: _Index, id_: int) -> list[int]:
    root = _root(index, id_)
    line, seen = [root], {root}
    while (nxt := index.after.get(line[-1])) is not None and nxt not in seen:
        seen.add(nxt)
        line.append(nxt)
    return line if id_ in seen else [id_]
