"""The paths open without sign-in (and without a session or CSRF) are those paths and what lies
under them, never a longer name that starts the same: a plugin's ``/healthcare/`` is not ``/health``."""

from __future__ import annotations

import re

import pytest

from crm_platform.web.security import path_pattern


@pytest.mark.parametrize(("path", "open_path", "matches"), [
    ("/health", "/health", True),
    ("/health/ready", "/health", True),
    ("/healthcare/no-shows", "/health", False),
    ("/static/app.css", "/static", True),
    ("/staticky", "/static", False),
    ("/calendar/feed/abc.ics", "/calendar/feed/", True),
    ("/api/v1/healthcare/notes", "/health", False),
])
def test_an_open_path_covers_itself_and_what_lies_under_it(path, open_path, matches):
    assert bool(re.search(path_pattern(open_path), path)) is matches
