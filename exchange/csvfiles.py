"""Reading the council's CSV files into rows, with every problem named: the file, the line and
the reason. Parsing is tablib's; this module adds the checks both formats share."""

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import tablib

# A year of one council's SSDA903 episodes is well under 1 MB; this leaves room for the largest
# council and refuses a wrong file (an export of everything) before it is read.
MAX_FILE_BYTES = 5 * 1024 * 1024

_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


class FileRefused(Exception):
    """A whole file that cannot be read: not CSV, too large, the wrong columns."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass
class Refusal:
    """One row that will not be imported, and why."""

    file: str
    line: int
    child: str
    reason: str


@dataclass
class ChildFacts:
    """What one file set says about one child: the fields of the child's record and the current
    placement, school and social worker, as plain JSON-safe values (dates as ISO text)."""

    council_child_id: str
    lines: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    placement: dict | None = None
    enrolment: dict | None = None
    allocation: dict | None = None


@dataclass
class Parsed:
    format: str
    files: list[str]
    rows_read: int = 0
    children: list[ChildFacts] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Parsed":
        return cls(
            format=data["format"],
            files=data["files"],
            rows_read=data["rows_read"],
            children=[ChildFacts(**child) for child in data["children"]],
            refused=[Refusal(**refusal) for refusal in data["refused"]],
        )


@dataclass
class Row:
    file: str
    line: int
    values: dict


def read_csv(name: str, content: bytes, required: tuple[str, ...]) -> list[Row]:
    """The rows of one CSV file, each with its line number (the header is line 1). Refuses the
    whole file when it is too large, not text, not CSV, or lacks a required column."""
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(
            name,
            f"The file is {len(content) / 1024 / 1024:.0f} MB: the largest that can be imported "
            f"is {MAX_FILE_BYTES // 1024 // 1024} MB. Check it is the right file",
        )
    if b"\x00" in content[:4096]:
        raise FileRefused(name, "This is not a CSV file: save it from the system as CSV")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise FileRefused(name, "This is not a CSV file: save it as CSV (UTF-8)") from None
    if not text.strip():
        raise FileRefused(name, "The file is empty")
    first_line = text.splitlines()[0]
    if "," not in first_line:
        raise FileRefused(
            name, "This is not a CSV file: its first line should be the column names, with commas"
        )
    try:
        dataset = tablib.Dataset().load(text, format="csv", headers=True)
    except Exception as error:  # tablib raises several kinds for a malformed file
        raise FileRefused(
            name, f"This file cannot be read as CSV ({type(error).__name__})"
        ) from None
    headers = [(header or "").strip().upper() for header in dataset.headers or []]
    missing = [column for column in required if column not in headers]
    if missing:
        raise FileRefused(
            name,
            f"The file does not have the columns {', '.join(required)}: "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing "
            f"(the first line reads {first_line[:120]!r})",
        )
    rows = []
    for index, values in enumerate(dataset, start=2):
        row = {header: (str(value).strip() if value is not None else "")
               for header, value in zip(headers, values, strict=False)}  # fmt: skip
        if not any(row.values()):
            continue
        rows.append(Row(file=name, line=index, values=row))
    return rows


class RowError(Exception):
    pass


def parse_date(value: str, column: str, *, required: bool = True) -> date | None:
    """A date written dd/mm/yyyy, as the SSDA903 return writes them."""
    if not value:
        if required:
            raise RowError(f"{column} is empty: enter a date as dd/mm/yyyy")
        return None
    if not _DATE.match(value):
        raise RowError(f"{column} {value!r} is not a date written dd/mm/yyyy")
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise RowError(f"{column} {value!r} is not a real date") from None


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
