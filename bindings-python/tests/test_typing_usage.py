"""typing_usage.py is checked by mypy --strict in make lint; here it also runs, so the
signatures it pins are the ones that work."""

import typing_usage


def test_the_typed_usage_runs(exporter):
    typing_usage.run()
    assert exporter.get_finished_spans() == ()
