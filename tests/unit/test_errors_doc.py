"""``docs/errors.md`` lists every error code with its class, its branch, what it means and an
example message, built from the code and from the examples of ``test_errors``: this test fails
when the page drifts; ``python -m tests.unit.test_errors_doc`` writes it again."""

from __future__ import annotations

from pathlib import Path

from invorder.domain.errors import (
    ConcurrencyError,
    ErrorCode,
    IdempotencyConflictError,
    InvorderError,
    RejectedError,
    ValidationError,
)
from tests.unit.test_errors import EXAMPLES, error_classes

PAGE = Path(__file__).parents[2] / "docs" / "errors.md"
BRANCHES = (ValidationError, RejectedError, IdempotencyConflictError, ConcurrencyError)

HEADER = """\
# Every error code

Every refusal is an `InvorderError` with a stable `code`, structured `fields` and a message
that says what was asked, what was there and what to do; a refused command changes nothing.
The errors come in four branches (their precedence is on
[the ledger page](concepts/ledger.md#errors-and-their-precedence)): `ValidationError`
(malformed input, raised when a value is built or decoded), `RejectedError` (the current
state refuses it), `IdempotencyConflictError` (a key reused for another command) and
`ConcurrencyError` (another writer appended first). Every class is importable from
`invorder.errors`; the root and the four branches from `invorder` too.

This page is generated from the code and the tests' examples (`tests/unit/test_errors_doc.py`
fails when it drifts). One code, one class:

| code | class | branch | raised when | example message |
| --- | --- | --- | --- | --- |
"""


def _branch(cls: type[InvorderError]) -> str:
    for branch in BRANCHES:
        if issubclass(cls, branch):
            return branch.__name__
    return InvorderError.__name__


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render() -> str:
    """The page, as it should read."""
    by_code = {cls.__dict__["code"]: cls for cls in error_classes()}
    example: dict[type[InvorderError], str] = {}
    for error, message, _ in EXAMPLES:
        example.setdefault(type(error), message)
    rows = []
    for code in ErrorCode:
        cls = by_code[code]
        when = (cls.__doc__ or "").strip().split("\n\n")[0]
        rows.append(
            f"| `{code.value}` | `{cls.__name__}` | {_branch(cls)} | {_cell(when)} | "
            f"{_cell(example[cls])} |"
        )
    return HEADER + "\n".join(rows) + "\n"


def test_the_errors_page_lists_every_code_as_the_code_says() -> None:
    assert PAGE.read_text(encoding="utf-8") == render()


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
