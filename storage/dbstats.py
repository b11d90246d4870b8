"""Statements and transactions a database engine runs, counted by SQLAlchemy's events (bench/ and tests).

A statement is every SQL statement sent through a cursor, transaction control (BEGIN, COMMIT, SAVEPOINT…)
left out; a transaction is a commit or rollback of a connection's transaction, or a statement sent
outside one (it commits by itself); a write transaction is one that sent at least one INSERT, UPDATE
or DELETE. PostgreSQL's pre-ping (a round trip per checkout) does not go through a cursor and is not
counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")
_WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Counts:
    statements: int = 0
    transactions: int = 0
    writes: int = 0  # write transactions

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.statements - other.statements, self.transactions - other.transactions,
                      self.writes - other.writes)


class StatementCounter:
    """Attach to an engine before it is used (adding a listener while another task's event is being
    dispatched breaks that dispatch); `reset()` starts counting from zero; `counts` so far."""

    def __init__(self, engine: AsyncEngine, *, keep_log: bool = False):
        self.engine = engine.sync_engine
        self.statements = self.transactions = self.writes = 0
        self.log: list[str] | None = [] if keep_log else None  # the statements, for a failing test to show
        self.closed = False
        self._listeners = [("before_cursor_execute", self._statement), ("begin", self._begin),
                           ("commit", self._end), ("rollback", self._end)]
        for name, fn in self._listeners:
            event.listen(self.engine, name, fn)

    def reset(self) -> None:
        self.statements = self.transactions = self.writes = 0
        self.closed = False
        if self.log is not None:
            self.log.clear()

    @property
    def counts(self) -> Counts:
        return Counts(self.statements, self.transactions, self.writes)

    def close(self) -> None:
        """Stop counting. The listeners stay (removing one while another task's event is being
        dispatched breaks that dispatch); they do nothing once closed."""
        self.closed = True

    def _begin(self, conn) -> None:
        conn.info["fieldbot_wrote"] = False

    def _end(self, conn) -> None:
        if self.closed:
            return
        self.transactions += 1
        if conn.info.pop("fieldbot_wrote", False):
            self.writes += 1

    def _statement(self, conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if head in _CONTROL or self.closed:
            return
        self.statements += 1
        if self.log is not None:
            self.log.append(" ".join(statement.split())[:120])
        wrote = head in _WRITES or (head == "WITH" and any(w in statement.upper() for w in _WRITES))
        if not conn.in_transaction():  # autocommit (Database.writing(atomic=False)): a transaction of its own
            self.transactions += 1
            self.writes += wrote
        elif wrote:
            conn.info["fieldbot_wrote"] = True
