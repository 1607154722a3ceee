"""The deliberate public surface and the error tree."""

from __future__ import annotations

import importlib

import pytest

import dyad
from dyad import errors
from dyad.extract import registry

EXPECTED_TOP = {
    "AmbiguousEntityError", "Block", "ConfigError", "DateError", "Document", "DyadError", "Event",
    "Evidence", "InputError", "NotFoundError", "ReadError", "StoreError", "UnknownEntityError",
    "__version__", "extract_document", "read_path", "read_paths", "read_text",
}  # fmt: skip


def test_top_level_surface_is_deliberate() -> None:
    assert set(dyad.__all__) == EXPECTED_TOP
    for name in dyad.__all__:
        assert hasattr(dyad, name), name


@pytest.mark.parametrize(
    "module", ["dyad.read", "dyad.extract", "dyad.errors", "dyad.model", "dyad.entities"]
)
def test_stage_packages_declare_all(module: str) -> None:
    mod = importlib.import_module(module)
    assert isinstance(mod.__all__, list) and mod.__all__
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.{name}"


def test_every_error_is_a_dyad_error_with_status_and_hint() -> None:
    classes = [getattr(errors, n) for n in errors.__all__]
    for cls in classes:
        assert issubclass(cls, errors.DyadError)
        assert 400 <= cls.status < 600
    samples = [
        errors.ReadError("a.txt", "file is empty"),
        errors.UnknownEntityError("Rusia", ["Russia"]),
        errors.AmbiguousEntityError("Congo", ["Republic of the Congo", "Democratic Republic of the Congo"]),
        errors.DateError("not a date: 'soon'"),
        errors.StoreError("cannot open the database"),
    ]
    for error in samples:
        line = error.one_line()
        assert "\n" not in line and error.hint and error.message in line
        assert error.to_dict()["status"] == error.status
    assert "Russia" in samples[1].hint
    assert samples[0].message.startswith("a.txt:")


def test_extractors_are_registered_by_versioned_name() -> None:
    names = [x.name for x in registry.registered()]
    assert len(names) == len(set(names)) >= 8
    assert all(n.rsplit(".", 1)[1].startswith("v") for n in names)
    with pytest.raises(ValueError):
        registry.register("unversioned")
    with pytest.raises(errors.ConfigError, match="unknown extractor"):
        registry.registered(["no_such.v1"])
