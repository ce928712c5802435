"""The restart notice's pieces (the browser side is tests/browser/test_faults.py): the tab's
report is checked before use, and the notice says what was lost and what came back."""

import pytest

from ui import workspace


def _report(**changes) -> dict:
    return {"server": "an-earlier-process", "lost": ["may.csv"], "workspace": None,
            "to": workspace.server_id(), **changes}


@pytest.mark.parametrize("report", [
    None, "text", [], {"lost": []}, {"server": 42},
    _report(to="another-process"),            # meant for an earlier restart
    _report(server=workspace.server_id()),    # a reload: same process, no restart
], ids=["none", "text", "list", "no-server", "server-not-text", "not-for-us", "same-server"])
def test_a_report_that_is_not_of_a_restart_of_this_server_is_ignored(report):
    assert workspace._previous_session(report) is None


def test_a_report_from_the_browser_is_cut_to_bounded_text():
    report = _report(lost=[f"<b>{i}</b>" * 100 for i in range(100)], workspace=["x"] * 5)
    previous = workspace._previous_session(report)
    assert len(previous["lost"]) == workspace.MAX_NAMED_FILES + 1
    assert all(len(name) <= workspace.MAX_NAME_CHARS for name in previous["lost"])
    assert isinstance(previous["workspace"], str)


def test_the_notice_names_the_lost_uploads():
    text = workspace.restart_text(workspace._previous_session(_report(
        lost=["may.csv", "june*.csv"])), None)
    assert text.startswith("The server restarted")
    assert "Lost: 2 uploaded file(s) that were not saved in a workspace" in text
    assert "(may\\.csv, june\\*\\.csv)" in text  # Markdown escaped: shown as typed


def test_the_notice_says_a_saved_workspace_came_back_and_nothing_was_lost():
    previous = workspace._previous_session(_report(lost=[], workspace="May"))
    text = workspace.restart_text(previous, {"name": "May", "version": 3})
    assert "Workspace “May” was reloaded as saved (version 3)." in text
    assert "Lost" not in text and "No unsaved upload was lost" in text


def test_the_notice_says_when_a_workspace_was_not_reopened():
    previous = workspace._previous_session(_report(lost=[], workspace="May"))
    assert "was not reopened: open its link again" in workspace.restart_text(previous, None)
