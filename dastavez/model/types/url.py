"""Web addresses (http and https only)."""

from __future__ import annotations

import ipaddress
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

from dastavez.model.types.base import Cleaned, PropertyType, TypeContext

SCHEMES = frozenset({"http", "https"})  # javascript:, data: and file: have no place in evidence links
_MAX_LABEL = 63
_MAX_HOST = 253


def _valid_host(host: str) -> bool:
    labels = host.rstrip(".").split(".")
    if len(host) > _MAX_HOST or not all(labels):
        return False
    return all(
        len(label) <= _MAX_LABEL
        and not label.startswith("-")
        and not label.endswith("-")
        and all(char.isalnum() or char in "-_" for char in label)  # "_" is not DNS but is met in the wild
        for label in labels
    )


class UrlType(PropertyType):
    """An http(s) URL; normalised with the scheme and host in lower case."""

    name: ClassVar[str] = "url"
    max_length: ClassVar[int] = 2000
    label: ClassVar[str] = "URL"

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        if any(char.isspace() for char in text):
            raise self.reject(text, "contains a space")
        try:
            parts = urlsplit(text)
            host, port = parts.hostname, parts.port  # .port raises ValueError when not a number
        except ValueError as err:
            raise self.reject(text, f"malformed ({err})") from None
        if parts.scheme.lower() not in SCHEMES:
            raise self.reject(text, "only http and https addresses are accepted")
        if not host:
            raise self.reject(text, "has no host")
        if parts.username is not None or parts.password is not None:
            # user@host lets a link show one site's name while going to another
            raise self.reject(text, "contains a user name or password")
        if "[" in parts.netloc:  # brackets mark an IPv6 literal, and nothing else
            if not self._is_ip(host):
                raise self.reject(text, f"{host!r} is not an IPv6 address")
        elif not self._is_ip(host) and not _valid_host(host):
            raise self.reject(text, f"{host!r} is not a valid host name")
        netloc = f"[{host}]" if ":" in host else host
        if port is not None:
            netloc = f"{netloc}:{port}"
        normalised = urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))
        return Cleaned(text, normalised, {})

    @staticmethod
    def _is_ip(host: str) -> bool:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return True
