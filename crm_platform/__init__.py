"""crm-platform: the core of an open-source CRM.

The toolkit (:mod:`crm_platform.toolkit`) is versioned with the platform: a plugin bounds
``crm-platform`` in its requirements (``crm-platform>=0.3,<0.4``) as it bounds ``crm-hookspecs``.
"""

from importlib import metadata

# The installed distribution's version: one number, in pyproject.toml.
__version__ = metadata.version("crm-platform")
