"""The late policy and the assignment's settings file."""

from __future__ import annotations

import argparse
from datetime import timedelta

import pytest

from autograder.instructor.config import ConfigError, load_settings
from autograder.instructor.dates import parse_datetime
from autograder.instructor.late import LatePolicy

DEADLINE = parse_datetime("2026-10-15T23:59:00+00:00")


def after(**delta) -> object:
    return DEADLINE + timedelta(**delta)


def test_penalty_per_started_day_with_grace_and_cap():
    policy = LatePolicy.from_config({"penalty_per_day": 10, "max_penalty": 25, "grace": "15m"})
    assert policy.penalty(after(minutes=-5), DEADLINE).percent == 0
    assert not policy.penalty(after(minutes=10), DEADLINE).late      # within the grace
    one = policy.penalty(after(hours=2), DEADLINE)
    assert one.late and one.periods == 1 and one.percent == 10
    assert one.points(80) == 8
    assert policy.penalty(after(days=1, seconds=1), DEADLINE).percent == 20
    assert policy.penalty(after(days=9), DEADLINE).percent == 25     # capped
    assert policy.penalty(None, DEADLINE).percent == 0


def test_penalty_per_hour():
    policy = LatePolicy.from_config({"penalty_per_hour": 1})
    assert policy.penalty(after(hours=5, minutes=1), DEADLINE).percent == 6


def test_what_collect_accepts():
    assert LatePolicy().cutoff(DEADLINE) == DEADLINE                  # no late work
    assert LatePolicy.from_config({"grace": "1h"}).cutoff(DEADLINE) == after(hours=1)
    assert LatePolicy.from_config({"penalty_per_day": 5}).cutoff(DEADLINE) is None
    accept = LatePolicy.from_config({"penalty_per_day": 5, "accept_until": "3d"})
    assert accept.cutoff(DEADLINE) == after(days=3)
    assert "5% per day late" in accept.describe() and "3d" in accept.describe()


@pytest.mark.parametrize("table, message", [
    ({"penalty_per_week": 1}, "unknown setting 'penalty_per_week'"),
    ({"penalty_per_day": 1, "penalty_per_hour": 1}, "not both"),
    ({"max_penalty": 150}, "percentages"),
    ({"grace": "a bit"}, "not a duration"),
])
def test_bad_policies_are_named(table, message):
    with pytest.raises(ValueError, match=message):
        LatePolicy.from_config(table)


def test_settings_from_the_file_then_the_flags(tmp_path, monkeypatch):
    (tmp_path / "autograder.toml").write_text(
        'roster = "people.csv"\ndeadline = "2026-10-15T23:59+02:00"\n'
        'modules = "m2_embeddings"\n[late]\npenalty_per_day = 10\n')
    monkeypatch.chdir(tmp_path)
    settings = load_settings(argparse.Namespace(config=None, gradebook=None, modules=None))
    assert settings.roster == tmp_path / "people.csv"
    assert settings.gradebook == tmp_path / "gradebook.db"
    assert settings.modules == ["m2_embeddings"]
    assert settings.deadline == parse_datetime("2026-10-15T23:59+02:00")
    assert settings.late.percent_per_period == 10
    flags = argparse.Namespace(config=None, deadline="2026-11-01T12:00Z", modules=["m1_tokenization"])
    settings = load_settings(flags)
    assert settings.deadline.day == 1 and settings.modules == ["m1_tokenization"]


@pytest.mark.parametrize("text, message", [
    ("rooster = 'x'\n", "unknown setting 'rooster'"),
    ("deadline = 'someday'\n", "not a date"),
    ("deadline = '2026-10-15 23:59'\n", "no UTC offset"),
    ("deadline = 2026-10-15T23:59:00\n", "no UTC offset"),  # a TOML local date-time
    ("modules = ['m9']\n", "unknown module 'm9'"),
    ("[late\n", "cannot read"),
])
def test_bad_settings_are_one_error(tmp_path, text, message):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(argparse.Namespace(config=path))
