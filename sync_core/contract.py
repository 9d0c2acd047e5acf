"""Response contract checks: the fields a flow relies on must arrive with the shape it expects.

A vendor upgrade or extension that renames, removes or retypes a field must stop the flow with
:class:`~sync_core.errors.SchemaDrift` naming the record and the field (FM-G04), never let it
read the missing value as zero or empty and write that on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sync_core.errors import SchemaDrift


def number(row: Mapping[str, Any], name: str, *, system: str, record: str) -> Decimal:
    """The numeric field ``name`` of ``row``: present, and a number or a numeric string."""
    if name not in row:
        raise SchemaDrift(
            f"{system} {record}: field {name!r} is missing from the answer "
            f"(fields: {', '.join(sorted(row)) or 'none'}): renamed or removed upstream?"
        )
    value = row[name]
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise SchemaDrift(f"{system} {record}: field {name!r} is {value!r}, not a number")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise SchemaDrift(
            f"{system} {record}: field {name!r} is {value!r}, not a number: retyped upstream?"
        ) from exc


def only_known(row: Mapping[str, Any], known: Collection[str], *, system: str, record: str) -> None:
    """``row`` carries no field outside ``known`` (for answers whose columns the query fixes,
    such as SuiteQL, where a null column is simply absent)."""
    unknown = sorted(set(row) - set(known))
    if unknown:
        raise SchemaDrift(
            f"{system} {record}: unexpected field(s) {', '.join(unknown)} in the answer "
            f"(expected: {', '.join(sorted(known))}): renamed upstream?"
        )
