"""Images are tagged by a hash of their recipe: same recipe, same tag; any change to a
recipe file or to a parent's recipe, a new tag (and so a rebuild)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lab import images


@pytest.fixture
def recipes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "images"
    shutil.copytree(images.RECIPES, copy)
    monkeypatch.setattr(images, "RECIPES", copy)
    return copy


def test_hash_is_stable(recipes: Path) -> None:
    assert images.tag("postgres") == images.tag("postgres")
    assert images.tag("postgres").startswith("lab/postgres:")


def test_recipe_change_changes_only_that_image(recipes: Path) -> None:
    before = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    (recipes / "postgres" / "Dockerfile").write_text("FROM scratch\n")
    after = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    assert {n for n in before if before[n] != after[n]} == {"postgres"}


def test_parent_change_propagates(recipes: Path) -> None:
    before = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    (recipes / "systemd" / "extra.conf").write_text("x\n")
    after = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    assert {n for n in before if before[n] != after[n]} == {"systemd", "vm"}


def test_base_change_rebuilds_everything(recipes: Path) -> None:
    before = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    with (recipes / "base" / "build.sh").open("a") as f:
        f.write("# changed\n")
    after = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    assert all(before[n] != after[n] for n in before)


def test_unknown_image_is_named() -> None:
    with pytest.raises(images.LabError, match=r"unknown lab image 'mysql'; known: debian"):
        images.recipe("mysql")
