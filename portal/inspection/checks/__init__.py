"""The inspection indicators, in the order the report shows them (single vetoes first)."""

from . import columns, expired, links, messages, metadata

INDICATORS = [columns.INDICATOR, messages.INDICATOR, links.INDICATOR, metadata.INDICATOR, expired.INDICATOR]
