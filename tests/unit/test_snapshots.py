"""Parameter snapshots (the dated values in force on a day) are cached without changing them."""

from __future__ import annotations

from eligibility import Registry


def test_parameter_snapshots_are_cached_by_stretch_of_days_without_changing_them(
    durable_registry: Registry,
) -> None:
    """Ruleset.snapshot caches by the stretch between two dates on which a parameter value
    starts or ends: on each such date, the day before and the day after, for every shipped
    ruleset, the cached answer is the one computed afresh."""
    import datetime as dt

    for ruleset in durable_registry.rulesets:
        days = {dt.date(1900, 1, 1), dt.date(2100, 12, 31)}
        for param in ruleset.parameters.values():
            for value in param.values:
                edges = [value.period.start] + ([value.period.until] if value.period.until else [])
                for edge in edges:
                    days |= {edge - dt.timedelta(days=1), edge, edge + dt.timedelta(days=1)}
        for day in sorted(days):
            assert ruleset._snapshot(day) == ruleset.snapshot(day), (ruleset.id, day)
