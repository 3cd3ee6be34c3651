"""Voila's page templates compiled once per server, not once per kernel.

Every page Voila renders, and every kernel a pool warms, gets a new nbconvert exporter with a new
Jinja environment, which parses and compiles the same page templates again: about half of the
server's own CPU for each warmed kernel, on the one thread that also serves every page (py-spy on a
pool filling: 246 of 483 samples in ``Environment.compile``). A kernel warming while people open
pages therefore stalled their pages. This gives every exporter's environment one shared bytecode
cache, so a template is compiled the first time and its code reused after; a template whose source
changes has another checksum and is compiled afresh.
"""

from __future__ import annotations

from types import CodeType
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache


class SharedTemplateCode(BytecodeCache):
    """Compiled templates by (name, source checksum, async or not), in memory; as many as there are
    templates, so bounded."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str, bool], CodeType] = {}

    @staticmethod
    def _key(bucket: Bucket) -> tuple[str, str, bool]:
        return bucket.key, bucket.checksum, bool(bucket.environment.is_async)

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self.codes.get(self._key(bucket))

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.codes[self._key(bucket)] = bucket.code


SHARED = SharedTemplateCode()


def install() -> None:
    """Give every nbconvert template environment made from now on the shared cache (once per process)."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    original = TemplateExporter._create_environment
    if getattr(original, "smlkit_shared", False):
        return

    def create(self: Any) -> Any:
        environment = original(self)  # type: ignore[no-untyped-call]
        environment.bytecode_cache = SHARED
        return environment

    create.smlkit_shared = True  # type: ignore[attr-defined]
    TemplateExporter._create_environment = create  # type: ignore[method-assign]
