"""url_maker gives the URLs reverse() gives, at one reverse() per list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.lib.urls import url_maker


@pytest.mark.parametrize(
    "value", ["4f1c2b9e-0d7a-4c1e-9d55-1b2c3d4e5f60", "ws_42", "a b", "é~:@!$&'()*+,;=", "%2F"]
)
def test_a_made_url_is_the_url_reverse_gives(value: str) -> None:
    assert url_maker("projects:detail")(value) == reverse("projects:detail", args=[value])
    assert url_maker("backups:detail", "p1")(value) == reverse("backups:detail", args=["p1", value])


def test_a_slash_in_a_value_stays_inside_its_segment() -> None:
    assert url_maker("projects:detail")("a/b") == "/projects/a%2Fb/"
