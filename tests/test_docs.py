"""Documentation stays in step with the code: every schema field and setting is documented."""

from pathlib import Path

import pytest

from layers import schema
from ui.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
MODELS = [schema.Source, schema.StoryProperties, schema.FacilityProperties,
          schema.SightingProperties, schema.FlightProperties, schema.AreaProperties,
          schema.Claim]


@pytest.mark.parametrize("field", sorted({f for m in MODELS for f in m.model_fields}))
def test_every_schema_field_is_documented_in_data_readme(field):
    assert f"`{field}`" in (ROOT / "data" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_documented_in_the_readme(name):
    assert f"| `{name}` |" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
