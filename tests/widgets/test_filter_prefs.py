"""The filter preferences dialog reads old pixel layers and saves shares of the short side."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from widgets.media.filter_prefs import FilterPrefsDialog


def test_an_old_pixel_preference_opens_migrated_and_saves_in_todays_unit(qtbot: QtBot) -> None:
    old = {"default": [{"filter": "blur", "strength": 24}, {"filter": "grayscale"}]}
    dialog = FilterPrefsDialog("Your filter preference", old)
    qtbot.addWidget(dialog)
    assert dialog.strength.value() == 47  # 24 px at 512 px is 4.7 % of the short side
    layer = dialog.layer()
    assert layer["schema"] == 2
    assert layer["default"][0] == {"filter": "blur", "strength": 0.047}
    assert dialog.pipeline().describe() == "blur 4.7% + grayscale"
