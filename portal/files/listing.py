"""What the browse page shows of a folder: rows sorted folders first, by the chosen column."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import QueryDict

from portal.files.paths import action_url, browse_url

SORTS = {"name": "Name", "size": "Size", "modified": "Modified"}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class Sort:
    """``?sort=size&order=desc``; anything unknown falls back to name, ascending."""

    key: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def from_query(cls, query: QueryDict) -> Sort:
        key = query.get("sort", DEFAULT_SORT)
        return cls(key if key in SORTS else DEFAULT_SORT, query.get("order") == "desc")

    def query(self) -> QueryDict:
        q = QueryDict(mutable=True)
        if self.key != DEFAULT_SORT or self.descending:
            q["sort"] = self.key
            if self.descending:
                q["order"] = "desc"
        return q

    def toggled(self, key: str) -> Sort:
        """The sort a column header links to: the other direction if it is the current one."""
        if key == self.key:
            return Sort(key, not self.descending)
        return Sort(key, key != "name")  # newest and biggest first are what people look for

    def aria(self, key: str) -> str:
        if key != self.key:
            return "none"
        return "descending" if self.descending else "ascending"


@dataclass(frozen=True)
class Row:
    name: str
    path: str
    is_dir: bool
    size: int
    modified_at: datetime
    url: str
    download_url: str


#: The empty file that keeps a new folder in existence on Agiler (see actions.new_folder): not
#: something anyone put there, so it is not listed or counted.
KEEP_FILE = ".keep"


def is_placeholder(entry: Any) -> bool:
    return not entry.is_dir and entry.name == KEEP_FILE and entry.size == 0


def rows(project: str, entries: list[Any], sort: Sort) -> list[Row]:
    """Folders first, then files; within each, by ``sort`` (name breaks ties)."""
    entries = [e for e in entries if not is_placeholder(e)]
    made = [
        Row(
            name=e.name,
            path=e.path.strip("/"),
            is_dir=e.is_dir,
            size=e.size,
            modified_at=e.modified_at,
            url=browse_url(project, e.path.strip("/"), is_dir=e.is_dir),
            download_url="" if e.is_dir else action_url("download", project, e.path.strip("/")),
        )
        for e in entries
    ]

    def key(row: Row) -> Any:
        if sort.key == "size":
            return row.size
        if sort.key == "modified":
            return row.modified_at.timestamp()
        return row.name.casefold()

    made.sort(key=lambda row: row.name.casefold())
    made.sort(key=key, reverse=sort.descending)
    made.sort(key=lambda row: not row.is_dir)
    return made
