"""The cycle collector's first threshold (GC_THRESHOLD, app/__init__.py): raised for the app's process, or left as
Python has it when the setting is empty; a setting that is not a whole number stops the app with its name."""
import gc

import pytest

import config
from app import create_app


@pytest.fixture()
def thresholds():
    kept = gc.get_threshold()
    yield kept
    gc.set_threshold(*kept)


def test_the_app_raises_the_collectors_first_threshold_and_keeps_the_others(thresholds):
    gc.set_threshold(700, 10, 10)
    create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", GC_THRESHOLD=12345)
    assert gc.get_threshold() == (12345, 10, 10)


def test_an_empty_setting_leaves_pythons_threshold(thresholds):
    gc.set_threshold(700, 10, 10)
    create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", GC_THRESHOLD=None)
    assert gc.get_threshold() == (700, 10, 10)


def test_the_setting_is_ten_thousand_unless_set_and_refused_when_not_a_count(monkeypatch):
    assert config._optional_count("GC_THRESHOLD", "10000") == 10000
    monkeypatch.setenv("GC_THRESHOLD", "50000")
    assert config._optional_count("GC_THRESHOLD", "10000") == 50000
    monkeypatch.setenv("GC_THRESHOLD", "")
    assert config._optional_count("GC_THRESHOLD", "10000") is None
    for bad in ("0", "-5", "1e4", "many"):
        monkeypatch.setenv("GC_THRESHOLD", bad)
        with pytest.raises(RuntimeError, match="GC_THRESHOLD must be a whole number above 0"):
            config._optional_count("GC_THRESHOLD", "10000")
