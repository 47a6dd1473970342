"""Every layout, registered on import (``layout.LAYOUTS``), in the order menus list them."""

from . import annex1, members, task_table, flat  # noqa: F401
