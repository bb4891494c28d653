"""JSON from outside: one strict parser and one depth bound for every reader."""
import pytest

from vc.errors import MalformedInputError
from vc.json_input import MAX_DEPTH, TooLargeError, json_depth, loads_bounded


def test_depth_counts_levels_without_recursion_and_stops_early():
    assert json_depth(5) == 0
    assert json_depth({"a": [1, {"b": []}]}) == 4
    deep: list = []
    for _ in range(200_000):  # far beyond the recursion limit
        deep = [deep]
    assert json_depth(deep) == MAX_DEPTH + 1
    assert json_depth(deep, stop_after=3) == 4


def test_bounded_reading_names_what_it_refuses():
    assert loads_bounded(b'{"a": [1]}', "the body", max_bytes=100) == {"a": [1]}
    with pytest.raises(TooLargeError, match="the body is larger than 5 bytes"):
        loads_bounded(b'{"a": [1]}', "the body", max_bytes=5)
    with pytest.raises(MalformedInputError, match="the file is nested deeper than 2 levels"):
        loads_bounded(b"[[[1]]]", "the file", max_bytes=100, max_depth=2)
    with pytest.raises(MalformedInputError,
                       match="the file is not valid JSON: duplicate object key 'a'"):
        loads_bounded(b'{"a": 1, "a": 2}', "the file", max_bytes=100)
