"""LanguageTool going away after the first round (issue 14, item 6): the result says so, through
the real client (the first check reaches the real server, later ones a closed port)."""
from __future__ import annotations

import pytest

from service.engine.pipeline import Cleaner
from service.passes.grammar.languagetool import GrammarPass, GrammarSettings, forget_client
from tests.lt_fixture import ensure_running

pytest_plugins = ["tests.lt_fixture"]
pytestmark = pytest.mark.integration

CLOSED = "http://127.0.0.1:9"


class GoesAway(GrammarPass):
    """The real server for the first ``rounds`` checks, then a port where nothing listens."""

    def __init__(self, url: str, rounds: int):
        super().__init__(GrammarSettings(url=url))
        self.real, self.left = url, rounds

    @property
    def url(self) -> str:
        self.left -= 1
        return self.real if self.left >= 0 else CLOSED


@pytest.mark.parametrize("mode", ["auto", "all"])
def test_languagetool_down_after_the_first_round_marks_the_result(lt_session, mode):
    url = ensure_running(lt_session)
    forget_client(CLOSED)
    text = ("It pushed them closer to the crater of war than ever. He ate a apple.\n\n"
            "who met him. in Syria. Rocket usually falls where soldiers are not present.")
    result = Cleaner(grammar=GoesAway(url, rounds=1)).clean(text, mode)
    st = result.passes["grammar"]
    assert st.status != "ran"
    assert "round" in st.message and "not reachable" in st.message
    assert result.harm_check == "incomplete"
    assert any("do-no-harm" in w for w in result.warnings)
    healthy = Cleaner(grammar=GrammarPass(GrammarSettings(url=url))).clean(text, mode)
    assert healthy.passes["grammar"].status == "ran" and healthy.harm_check == "done"
