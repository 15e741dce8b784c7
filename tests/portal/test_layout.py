"""The README's "Layout" names every application module, so that a new engineer finds where
each thing lives and what it may import; and the layers it describes are the ones enforced."""

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = (
    "unodc_portal", "accesslog", "activities", "attachments", "donors", "personaldata", "results",
    "search",
)


def layout_section() -> str:
    readme = (ROOT / "README.md").read_text()
    return re.search(r"^## Layout\n(.*?)^## ", readme, re.MULTILINE | re.DOTALL).group(1)


def application_modules() -> list[str]:
    """Every module and package of the apps (migrations and empty ``__init__`` aside)."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            if path.name == "__init__.py":
                if path.read_text().strip():
                    found.append(f"{relative.parent}/")  # a package that says what it holds
                continue
            found.append(str(relative))
    return found


def test_the_layout_names_every_application_module():
    section = layout_section()
    named = set(re.findall(r"`([\w/.]+)`", section))

    missing = [module for module in application_modules() if module not in named]
    assert not missing, f"README 'Layout' does not name: {missing}"


def test_the_layout_names_no_module_that_is_gone():
    named = re.findall(
        r"`((?:unodc_portal|accesslog|activities|attachments|donors|personaldata|results|search)"
        r"/[\w/.]*\.py)`",
        layout_section(),
    )
    assert named, "the Layout names modules by their paths"
    gone = [name for name in named if not (ROOT / name).exists()]
    assert not gone, f"README 'Layout' names modules that do not exist: {gone}"


def test_the_layers_in_the_readme_are_the_enforced_contract():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contracts["contracts"] if c["type"] == "layers"]
    assert layers == [
        "unodc_portal.site", "personaldata", "search", "attachments", "results", "donors",
        "activities", "accesslog", "unodc_portal.core",
    ]
    section = layout_section()
    order = [section.index(f"**`{name.replace('.', '/')}/`**") for name in layers]
    assert order == sorted(order), "the README lists the layers top to bottom"
