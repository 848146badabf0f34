"""Operator output: control characters are made visible, ordinary text is unchanged."""

from __future__ import annotations

import json

import pytest

from service.terminal import json_line, line, shown

CONTROLS = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


@pytest.mark.parametrize("character", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_is_escaped(character: str) -> None:
    text = shown(f"a{character}b")
    assert character not in text and text.isprintable() and text.isascii()
    assert text.startswith("a\\") and text.endswith("b")


def test_escapes_are_readable() -> None:
    assert shown("\x1b[2J\r\nforged\tcolumn\x85\u2028\u202e") == (
        "\\x1b[2J\\r\\nforged\\tcolumn\\x85\\u2028\\u202e"
    )


@pytest.mark.parametrize(
    "value", ["demo@example.com", "Villanueva de la Cañada", "東京", "2001:db8::/64", "a\\b", 12]
)
def test_ordinary_values_are_unchanged(value: object) -> None:
    assert shown(value) == str(value)


def test_a_record_is_one_line_of_tab_separated_fields() -> None:
    assert line("ip:1.2.3.4", "a\tb\nc", 3) == "ip:1.2.3.4\ta\\tb\\nc\t3"


def test_json_lines_parse_to_the_same_record() -> None:
    record = {"method": "\x1b[2J\r\nx\x85\u2028\u202e\x7f", "name": "Cañada 東京", "n": 1}
    text = json_line(record)
    assert json.loads(text) == record
    assert all(c.isprintable() for c in text)
    assert json_line({"name": "Cañada"}) == json.dumps({"name": "Cañada"}, ensure_ascii=False)
