"""The result cache during the tests: never in the checkout, and run both ways.

``--lstmshape-cache=shared`` (the default) keeps one cache for the whole
session in a temporary directory, so a command that the tests run twice is
answered from the cache the second time, as a user's would be; with
``--lstmshape-cache=off`` nothing is ever cached.  Every test passes in
both modes.  Tests of the cache itself choose their own directory.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lstmshape.cache import DIRECTORY_VARIABLE, DISABLE_VARIABLE

MODES = ("shared", "off")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--lstmshape-cache",
        choices=MODES,
        default="shared",
        help="shared: one result cache for the session, in a temporary directory; "
        "off: no result cache",
    )


@pytest.fixture(scope="session", autouse=True)
def result_cache(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The mode, set in os.environ, which the processes the tests start inherit."""
    mode: str = request.config.getoption("--lstmshape-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(DISABLE_VARIABLE, raising=False)
        patch.delenv(DIRECTORY_VARIABLE, raising=False)
        if mode == "off":
            patch.setenv(DISABLE_VARIABLE, "1")
        else:
            patch.setenv(DIRECTORY_VARIABLE, str(tmp_path_factory.mktemp("lstmshape-cache")))
        yield mode
