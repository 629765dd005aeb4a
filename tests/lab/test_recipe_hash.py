"""Images are tagged by a hash of their recipe: same recipe, same tag; any change to a
recipe file or to a parent's recipe, a new tag (and so a rebuild)."""

from __future__ import annotations

import json
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


ODOO = {"odoo", "odoo-17", "odoo-16", "odoo-15"}


def test_odoo_majors_share_one_recipe_with_distinct_tags(recipes: Path) -> None:
    odoo = [r for r in images.RECIPE_LIST if r.name in ODOO]
    assert {r.published for r in odoo} == {f"library/odoo:{v}" for v in (15, 16, 17, 18)}
    assert {r.directory for r in odoo} == {"odoo"}
    assert len({images.tag(r.name) for r in odoo}) == 4  # the build argument counts
    before = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    with (recipes / "odoo" / "odoo.py").open("a") as f:
        f.write("# changed\n")
    after = {r.name: images.tag(r.name) for r in images.RECIPE_LIST}
    assert {n for n in before if before[n] != after[n]} == ODOO


def test_odoo_options_match_the_shared_data() -> None:
    """The image's compact option list is the per-version data in ../shared, unchanged."""
    shared = images.RECIPES.parents[2] / "shared" / "odoo-options"
    if not shared.is_dir():
        pytest.skip(f"{shared} not present")
    packed = json.loads((images.RECIPES / "odoo" / "options.json").read_text())
    for major in ("15", "16", "17", "18"):
        data = json.loads((shared / f"{major}.0.json").read_text())
        assert packed[major]["options"] == {
            k: [o["type"], o["default"], o["flags"]] for k, o in data["options"].items()
        }
        assert packed[major]["aliases"] == {
            k: a["alias_of"] for k, a in data["conf_file_aliases"].items()
        }
