"""Channels: the media an account sends through, each enabled or disabled."""

from __future__ import annotations

from dataclasses import dataclass

from . import values
from .values import Raw

# Every new account gets one channel per medium, named after the medium.
DEFAULT_CHANNEL_TYPES: tuple[str, ...] = ("sms", "email", "voice")


@dataclass(frozen=True)
class Channel:
    """One channel as getchannels returns it."""

    channeltype: str
    channelname: str
    active: int


@dataclass(frozen=True)
class ChannelChange:
    """A checked modifychannel request."""

    channelname: str
    active: int


def parse_channel_change(*, channelname: Raw, active: Raw) -> ChannelChange:
    """Check a modifychannel request: a channel name and a 0/1 ``active`` flag."""
    values.require_filled(channelname, active)
    return ChannelChange(
        channelname=values.text("channelname", channelname),
        active=values.flag(active),
    )
