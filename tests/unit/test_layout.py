"""The layout: which package may import which (tests/ too), and the README's map of the tree."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import folders
from tests.support.pinned import ROOT

FORBIDDEN = {
    # The clinic's rules: plain Python, testable without Rasa.
    "aftercare": {"rasa", "rasa_sdk", "actions", "components", "handover", "speedups", "storage"},
    # The database: plain SQLAlchemy, used by the Rasa server, the action server and handover.
    "storage": {"rasa", "rasa_sdk", "actions", "components", "handover", "speedups"},
    # The action server's glue: rasa-sdk only, never the Rasa server's code.
    "actions": {"rasa", "components", "speedups"},
    # Rasa plug-ins: never the action server's code.
    "components": {"actions", "rasa_sdk"},
    # Referrals and the staff view: plain Python and SQLAlchemy.
    "handover": {"rasa", "rasa_sdk", "actions", "components", "speedups"},
    # Changes to Rasa's internals: Rasa and the standard library only.
    "speedups": {"rasa_sdk", "actions", "aftercare", "components", "handover", "storage"},
}

FORBIDDEN_MODULES = {
    # The tests' harness: below every test, never a test module.
    "tests/support": {"tests.unit", "tests.e2e", "tests.browser", "tests.conftest"},
    # Fast tests without services never lean on the ones that start servers or a browser.
    "tests/unit": {"tests.e2e", "tests.browser"},
    "tests/e2e": {"tests.browser"},
    # Operations and benchmarks: the code that runs the bot, never the tests.
    "tools": {"tests"},
    "benchmarks": {"tests"},
}
"""Folders, and the modules (with everything under them) their files must not import."""

NEVER_LOADED = {
    # Opening the database loads neither Rasa nor the symptom screen (its lexicon and spelling
    # dictionary), whatever it imports from aftercare (privacy, config).
    "storage": {
        "rasa",
        "rasa_sdk",
        "aftercare.symptoms",
        "aftercare.screen",
        "aftercare.experiencer",
    },
}


def imported_modules(path: Path) -> set[str]:
    """The modules ``path`` imports, by their full dotted names."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def imported_packages(path: Path) -> set[str]:
    """The top-level names ``path`` imports."""
    return {name.split(".")[0] for name in imported_modules(path)}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_none_it_must_not(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def under(name: str, modules: set[str]) -> bool:
    """Whether module ``name`` is one of ``modules`` or inside one of them."""
    return any(name == module or name.startswith(f"{module}.") for module in modules)


@pytest.mark.parametrize("folder", sorted(FORBIDDEN_MODULES))
def test_a_folder_imports_no_module_it_must_not(folder: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if under(name, FORBIDDEN_MODULES[folder])
        )
        for path in sorted((ROOT / folder).rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.parametrize(
    ("name", "forbidden"),
    [
        ("tests.e2e.test_scale_out", True),
        ("tests.e2e", True),
        ("tests.e2e_more", False),
        ("tests.support.pinned", False),
    ],
)
def test_the_module_check_sees_a_module_and_what_is_inside_it(name: str, forbidden: bool) -> None:
    assert under(name, {"tests.e2e"}) is forbidden


def test_the_check_sees_an_import_it_must_refuse(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("import os\nfrom rasa.core import run\nimport rasa_sdk.events as e\n")
    assert imported_packages(module) == {"os", "rasa", "rasa_sdk"}
    assert imported_modules(module) == {"os", "rasa.core", "rasa_sdk.events"}


def loaded_modules(modules: list[str]) -> set[str]:
    """Every module a new interpreter has loaded once it imported ``modules``, directly or not."""
    code = f"import sys, {', '.join(modules)}; print(' '.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


@pytest.mark.parametrize("package", sorted(NEVER_LOADED))
def test_a_package_loads_none_it_must_not(package: str) -> None:
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "__init__.py"
    ]
    assert sorted(loaded_modules([package, *modules]) & NEVER_LOADED[package]) == []


MODULE_NEVER_LOADS = {
    # The screen's vocabulary (codes, severities, questions) is read by the triage, the slots
    # and the records without compiling the engine that screens a text, or its spelling.
    "aftercare.symptoms": {"aftercare.screen", "aftercare.experiencer", "aftercare.spelling"},
    "aftercare.triage": {"aftercare.screen", "aftercare.experiencer", "aftercare.spelling"},
    # Whose sign it is: read without the engine that screens a text.
    "aftercare.experiencer": {"aftercare.screen", "aftercare.spelling"},
}


@pytest.mark.parametrize("module", sorted(MODULE_NEVER_LOADS))
def test_a_module_of_the_screen_loads_none_it_must_not(module: str) -> None:
    assert sorted(loaded_modules([module]) & MODULE_NEVER_LOADS[module]) == []


def test_the_load_check_sees_a_chain_of_imports() -> None:
    # aftercare.slots reads the screening: it loads the screen's vocabulary through its imports.
    assert "aftercare.symptoms" in loaded_modules(["aftercare.slots"])
    assert "aftercare.screen" in loaded_modules(["components.long_messages"])


def readme_layout() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout", 1)[1].split("```")[1]
    return set(re.findall(r"^([a-z_]+)/", block, flags=re.MULTILINE))


def test_the_readme_layout_matches_the_tree() -> None:
    folders = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and path.name not in {"models", "results", "logs", "__pycache__"}
        and any(True for _ in path.iterdir())
    }
    assert readme_layout() == folders


@pytest.mark.parametrize(
    ("folder", "marks", "belongs"),
    [
        ("unit", set(), True),
        ("unit", {"postgresql"}, True),  # a PostgreSQL variant: make unit leaves it to make e2e
        ("unit", {"redis", "parametrize"}, True),
        ("unit", {"servers"}, False),
        ("unit", {"browser"}, False),
        ("e2e", {"servers"}, True),
        ("e2e", {"postgresql"}, True),
        ("e2e", {"redis"}, True),
        ("e2e", set(), False),
        ("e2e", {"browser"}, False),
        ("browser", {"browser", "servers"}, True),
        ("browser", {"servers"}, False),
        ("support", set(), True),  # not a folder of tests
    ],
)
def test_each_folder_of_tests_holds_its_kind(folder: str, marks: set[str], belongs: bool) -> None:
    assert (folders.misplaced(folder, marks) is None) is belongs
