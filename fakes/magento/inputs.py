"""Request data to service arguments, the way Magento's ``ServiceInputProcessor`` does it.

Top-level keys are the service method's parameter names (camelCase or snake_case; keys that
are not parameters are ignored). Nested objects follow the data interfaces of
:mod:`fakes.magento.fields`: property names match case- and underscore-insensitively (PHP
method names), an unknown property is refused with ``"%fieldName" is not supported``, simple
values are converted with PHP's rules (``is_numeric`` for numbers, ``FILTER_VALIDATE_BOOLEAN``
for booleans) and a wrong type is a 400 with the rendered message
``Error occurred during "<field>" processing. The "<value>" value's type is invalid. ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fakes.magento.errors import NOT_SUPPORTED, InputError, WebapiError, required_fields
from fakes.magento.fields import INTERFACES

SIMPLE = {"int", "float", "string", "bool"}
NUMERIC = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$")
SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.I | re.S)
TRUE_WORDS = {"1", "true", "on", "yes"}
TYPE_INVALID = (
    'The "{}" value\'s type is invalid. The "{}" type was expected. Verify and try again.'
)


class SerializationError(Exception):
    """``SerializationException``: becomes a rendered 400 at the top level."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class Param:
    """One argument of a service method: its name, type, and default when optional."""

    name: str
    type: str
    required: bool = True
    default: Any = None


def snake(name: str) -> str:
    return re.sub(r"(?<=\w)(?=[A-Z])", "_", name).lower()


def norm(name: str) -> str:
    return name.replace("_", "").lower()


def upper_camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def process(params: tuple[Param, ...], data: dict[str, Any]) -> dict[str, Any]:
    """Arguments for a service call, or the error Magento would answer."""
    values: dict[str, Any] = {}
    missing: list[str] = []
    for param in params:
        raw = data.get(param.name)
        if raw is None:
            raw = data.get(snake(param.name))
        if raw is None:
            if param.required:
                missing.append(param.name)
            values[param.name] = param.default
            continue
        try:
            values[param.name] = convert(raw, param.type)
        except SerializationError as exc:
            raise WebapiError(exc.text) from None
    if missing:
        raise required_fields(missing)
    return values


def convert(value: Any, type_: str) -> Any:
    if type_.endswith("[]"):
        return _convert_list(value, type_)
    if type_ in SIMPLE:
        return _simple(value, type_)
    if type_ == "any":
        return value
    return create(type_, value)


def _convert_list(value: Any, type_: str) -> Any:
    item_type = type_[:-2]
    if value is None:
        return None
    if item_type in SIMPLE or item_type == "any":
        if not isinstance(value, list | dict):
            raise SerializationError(TYPE_INVALID.format(php_type(value), type_))
        items = value.values() if isinstance(value, dict) else value
        return [_simple(item, item_type) if item_type != "any" else item for item in items]
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return None
    return [create(item_type, item) for item in value]


def _simple(value: Any, type_: str) -> Any:
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise SerializationError(TYPE_INVALID.format("array", type_))
    if type_ == "bool":
        return php_string(value).strip().lower() in TRUE_WORDS
    if type_ == "string":
        return php_string(value)
    if isinstance(value, bool) or not NUMERIC.match(str(value)):
        raise SerializationError(TYPE_INVALID.format(php_string(value), type_))
    number = float(value)
    return int(number) if type_ == "int" else number


def create(interface: str, data: Any) -> dict[str, Any]:
    """A data object of ``interface`` from request data (``_createFromArray``)."""
    fields = INTERFACES[interface]
    index = {norm(name): name for name in fields}
    result: dict[str, Any] = {}
    for key, value in (data if isinstance(data, dict) else {}).items():
        name = index.get(norm(str(key)))
        if name is None:
            raise InputError(NOT_SUPPORTED, {"fieldName": upper_camel(str(key))})
        try:
            converted = convert(value, fields[name])
        except SerializationError as exc:
            raise SerializationError(
                f'Error occurred during "{key}" processing. {exc.text}'
            ) from None
        if isinstance(converted, str) and SCRIPT.search(converted):
            raise InputError('"%field_name" does not contains valid value.', {"field_name": key})
        result[name] = converted
    return result


def php_string(value: Any) -> str:
    """PHP's ``(string)`` of a JSON scalar."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def php_type(value: Any) -> str:
    """PHP's ``gettype`` of a JSON value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    return "NULL" if value is None else "array"
