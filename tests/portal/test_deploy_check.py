"""``check --deploy`` warns when the captcha's test mode is on with DEBUG off."""

from __future__ import annotations

from jahesh.portal.checks import captcha_test_mode


def test_it_warns_in_test_mode_without_debug(monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.setenv("JAHESH_CAPTCHA_TEST", "1")
    assert [w.id for w in captcha_test_mode(None)] == ["jahesh.W101"]
    settings.DEBUG = True
    assert captcha_test_mode(None) == []
    settings.DEBUG = False
    monkeypatch.delenv("JAHESH_CAPTCHA_TEST")
    assert captcha_test_mode(None) == []
