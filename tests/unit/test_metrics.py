"""The metrics: bounded labels, and batched writes equal to prometheus_client's own observe()."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram

from service import metrics
from service.domain.api import Api


def samples(histogram: Histogram, api: str) -> dict[tuple[str, str], float]:
    (family,) = [f for f in histogram.collect() if f.name.endswith("duration_seconds")]
    return {
        (sample.name.rsplit("_", 1)[1], sample.labels.get("le", "")): sample.value
        for sample in family.samples
        if sample.labels.get("api") == api and not sample.name.endswith("_created")
    }


def test_batched_times_are_what_observe_would_have_recorded() -> None:
    reference = Histogram(
        "usermanagement_request_duration_seconds",
        "reference",
        ("api",),
        buckets=metrics.metrics().duration._upper_bounds[:-1],
        registry=CollectorRegistry(),
    )
    before = samples(metrics.metrics().duration, "jwt")
    times = [0.0004, 0.001, 0.0011, 0.003, 0.2, 0.2, 4.9, 5.0, 7.5, 0.02]
    for seconds in times:
        metrics.request_answered(Api.JWT, "issuetoken", "SUCCESS", seconds)
        reference.labels("jwt").observe(seconds)
    metrics.flush()
    after = samples(metrics.metrics().duration, "jwt")
    expected = samples(reference, "jwt")
    assert {key: after[key] - before.get(key, 0.0) for key in after} == expected
    assert expected[("count", "")] == len(times)


def test_a_method_outside_the_contract_is_other() -> None:
    assert metrics.method_label("getbalance") == "getbalance"
    for sent in ("GetBalance", "x" * 500, None, "", "getbalance\n"):
        assert metrics.method_label(sent) == metrics.OTHER


def test_requests_are_counted_by_label_after_a_flush() -> None:
    child = metrics.metrics().requests.labels("basic", "getchannels", "INCORRECT_USER_PASSWORD")
    before = child._value.get()
    for _ in range(3):
        metrics.request_answered(Api.BASIC, "getchannels", "INCORRECT_USER_PASSWORD", 0.01)
    metrics.flush()
    assert child._value.get() - before == 3
