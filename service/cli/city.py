"""``city``: the city catalogue."""

from __future__ import annotations

import argparse

from ..application import catalogue
from ..terminal import line, shown
from .arguments import MAX_LISTED, countrycode, positive_id, whole_number
from .command import Context, Subcommands, add_command, add_group


def city_add(context: Context, args: argparse.Namespace) -> None:
    """Add a town to the catalogue."""
    name = catalogue.add_city(context.units, args.cityid, args.countrycode, args.name)
    print(f"added city {args.cityid} {shown(name)} ({args.countrycode})")


def city_find(context: Context, args: argparse.Namespace) -> None:
    """Find cities of a country by the start of their name."""
    for found_id, name in catalogue.find_cities(
        context.units, args.countrycode, args.prefix, args.limit
    ):
        print(line(found_id, name))


def register(commands: Subcommands) -> None:
    """``city add|find``."""
    city = add_group(commands, "city", "the city catalogue")
    sub = add_command(city, "add", city_add)
    sub.add_argument("cityid", type=positive_id)
    sub.add_argument("countrycode", type=countrycode)
    sub.add_argument("name")
    sub = add_command(city, "find", city_find)
    sub.add_argument("countrycode", type=countrycode)
    sub.add_argument("prefix", nargs="?", default="")
    sub.add_argument("--limit", type=whole_number(1, MAX_LISTED), default=20)
