"""What `pip install amplify-sdk` brings: the core SDK without the command
line's, the local node's or the charts' dependencies (those come with the
extras `[cli]`, `[node]`, `[plot]`, `[all]`); the SDK's modules outside the
command line import none of them; `amplify` on a core install says which
extra to install in one line; the local node imports nothing of the SDK."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from email.parser import Parser
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from amplify_sdk._extras import EXTRAS

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

#: The issue's list: what the core install must not pull (distribution -> module).
OPTIONAL = {
    "click": "click",
    "rich": "rich",
    "PyYAML": "yaml",
    "matplotlib": "matplotlib",
    "aiohttp": "aiohttp",
}
#: The extras and what each brings, as the issue names them.
EXPECTED_EXTRAS = {
    "cli": {"click", "rich", "pyyaml"},
    "node": {"aiohttp"},
    "plot": {"matplotlib"},
}
#: Modules of the command line (and its `python -m amplify_sdk.demo` alias).
CLI_MODULES = ("amplify_sdk.cli", "amplify_sdk.demo", "amplify_sdk._console")


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        name, _, version = line.partition("==")
        pins[canonicalize_name(name)] = version
    return pins


def _wheel_metadata(tmp: Path) -> list[Requirement]:
    """The Requires-Dist of a wheel built from a copy of the source."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in ("amplify_sdk", "localnet"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-build-isolation", "--wheel-dir", str(tmp / "wheels"), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    (wheel,) = (tmp / "wheels").glob("amplify_sdk-*.whl")
    out = subprocess.run(
        [sys.executable, "-m", "zipfile", "-e", str(wheel), str(tmp / "unpacked")],
        check=True,
        capture_output=True,
    )
    assert out.returncode == 0
    (info,) = (tmp / "unpacked").glob("amplify_sdk-*.dist-info")
    meta = Parser().parsestr((info / "METADATA").read_text())
    assert meta["Name"] == "amplify-sdk"
    entry_points = (info / "entry_points.txt").read_text()
    assert "amplify = amplify_sdk._console:main" in entry_points
    return [Requirement(r) for r in meta.get_all("Requires-Dist") or []]


def test_the_wheel_requires_the_core_unconditionally_and_the_rest_under_extras(
    tmp_path: Path,
) -> None:
    requirements = _wheel_metadata(tmp_path)
    core = {canonicalize_name(r.name) for r in requirements if r.marker is None}
    # The core is what pyproject's dependencies name, none of the optional ones.
    assert core == {canonicalize_name(Requirement(d).name) for d in PYPROJECT["dependencies"]}
    assert not core & {canonicalize_name(d) for d in OPTIONAL}
    # Each optional distribution comes with its extra only, and `all` brings the three.
    for extra, names in EXPECTED_EXTRAS.items():
        under = {
            canonicalize_name(r.name)
            for r in requirements
            if r.marker is not None and r.marker.evaluate({"extra": extra})
        }
        assert under == names, extra
    (everything,) = [r for r in requirements if r.marker and r.marker.evaluate({"extra": "all"})]
    assert canonicalize_name(everything.name) == "amplify-sdk"
    assert everything.extras == set(EXPECTED_EXTRAS)
    # Every pin is requirements.lock's (the one environment developers and CI run).
    lock = _lock()
    for r in requirements:
        if canonicalize_name(r.name) == "amplify-sdk":
            continue
        (spec,) = r.specifier
        assert spec.operator == "==" and lock[canonicalize_name(r.name)] == spec.version, r


def test_the_extras_helper_names_what_pyproject_installs() -> None:
    # amplify_sdk/_extras.py (its error messages) and pyproject.toml agree.
    declared = PYPROJECT["optional-dependencies"]
    for extra, modules in EXTRAS.items():
        assert {Requirement(d).name for d in declared[extra]} == set(modules)
    assert set(EXTRAS) == set(EXPECTED_EXTRAS)
    assert {m for modules in EXTRAS.values() for m in modules.values()} == set(OPTIONAL.values())


def test_the_core_dependencies_pull_none_of_the_optional_ones() -> None:
    # The installed closure of the core's requirements, with the extras they
    # ask for and markers evaluated for this interpreter: what `pip install
    # amplify-sdk` installs.
    env = default_environment()
    seen: set[tuple[str, str]] = set()
    todo = [Requirement(d) for d in PYPROJECT["dependencies"]]
    while todo:
        r = todo.pop()
        name = canonicalize_name(r.name)
        for extra in {"", *r.extras}:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for dep in map(Requirement, metadata.requires(r.name) or []):
                if dep.marker is None or dep.marker.evaluate({**env, "extra": extra}):
                    todo.append(dep)
    names = sorted({name for name, _ in seen})
    print(f"[measure] core install: {len(names)} distributions: {', '.join(names)}")
    assert "h2" in names  # httpx2[http2], through an extra
    assert not set(names) & {canonicalize_name(d) for d in OPTIONAL}, names


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _sdk_modules() -> list[str]:
    """Every module of the package outside the command line, from its files."""
    names = []
    for path in sorted((ROOT / "amplify_sdk").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if not any(name == m or name.startswith(m + ".") for m in CLI_MODULES):
            names.append(name)
    return names


def test_importing_the_sdk_imports_none_of_the_optional_modules() -> None:
    modules = _sdk_modules()
    assert "amplify_sdk.quality.simulate" in modules and "amplify_sdk.clients" in modules
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout)
    assert not [m for m in loaded if m.split(".")[0] in OPTIONAL.values()]


#: Runs `call` with the optional modules made unimportable, as on a
#: core-only install.
_WITHOUT_OPTIONAL = """
import sys
for name in {absent!r}:
    sys.modules[name] = None  # `import name` fails, find_spec finds nothing
sys.argv = ["amplify", *{argv!r}]
{call}
"""


def _without(absent: set[str], argv: list[str], call: str) -> subprocess.CompletedProcess[str]:
    return _run(_WITHOUT_OPTIONAL.format(absent=absent, argv=argv, call=call))


def test_amplify_on_a_core_install_names_the_cli_extra_in_one_line() -> None:
    call = "from amplify_sdk._console import main; main()"
    proc = _without(set(OPTIONAL.values()), ["--version"], call)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "error: the amplify command line needs click, rich, PyYAML: pip install 'amplify-sdk[cli]'"
    ]
    # Only PyYAML missing: it is the one named.
    proc = _without({"yaml"}, ["--version"], call)
    assert proc.stderr.splitlines() == [
        "error: the amplify command line needs PyYAML: pip install 'amplify-sdk[cli]'"
    ]


def test_amplify_localnet_without_the_node_extra_names_it() -> None:
    call = "from amplify_sdk._console import main; main()"
    proc = _without({"aiohttp"}, ["localnet", "--rpc-port", "1"], call)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        "error: the local node needs aiohttp: pip install 'amplify-sdk[node]'"
    ]


def test_amplify_version_is_the_package_version() -> None:
    from amplify_sdk import __version__

    idl = json.loads((ROOT / "idl/amplify.json").read_text())
    assert __version__ == idl["metadata"]["version"]
    proc = _run("from amplify_sdk._console import main; import sys; "
                "sys.argv = ['amplify', '--version']; main()")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"amplify, version {__version__}"


def test_localnet_imports_only_solders_aiohttp_and_the_standard_library() -> None:
    # The node knows nothing of the SDK: statically (every import in its
    # files, the lazy ones too) and at run time (the modules loaded).
    allowed = {"solders", "aiohttp", "localnet"}
    for path in sorted((ROOT / "localnet").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in allowed or top in sys.stdlib_module_names, (path.name, name)
    code = (
        "import json, sys, localnet, localnet.__main__\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout))
    assert not {m for m in loaded if m.startswith("amplify")}, loaded
    for banned in ("solana", "httpx2", "pydantic", "construct", "nacl", "numpy", "click"):
        assert banned not in loaded, banned


def test_the_readme_lists_what_each_install_brings() -> None:
    rows = re.findall(
        r"^\| `pip install '?amplify-sdk(?:\[(\w+)\])?'?` \| [^:|]*: ([^|]*) \|$",
        (ROOT / "README.md").read_text(),
        re.M,
    )
    listed = {
        extra or "core": {canonicalize_name(n) for n in names.split(", ")} for extra, names in rows
    }
    declared = PYPROJECT["optional-dependencies"]
    assert listed == {
        "core": {canonicalize_name(Requirement(d).name) for d in PYPROJECT["dependencies"]},
        **{
            extra: {canonicalize_name(Requirement(d).name) for d in declared[extra]}
            for extra in EXPECTED_EXTRAS
        },
    }
    assert "| `pip install 'amplify-sdk[all]'` | all three |" in (ROOT / "README.md").read_text()


def test_a_plot_without_the_plot_extra_names_it() -> None:
    call = (
        "from pathlib import Path\n"
        "from amplify_sdk._extras import MissingExtraError\n"
        "from amplify_sdk.clients._market import MarketView, plot\n"
        "try:\n"
        "    plot(MarketView([], []), Path('never.png'))\n"
        "except MissingExtraError as e:\n"
        "    print(e)\n"
    )
    proc = _without({"matplotlib"}, [], call)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "plotting needs matplotlib: pip install 'amplify-sdk[plot]'"
    ]


def test_the_cli_guide_names_the_console_script() -> None:
    script = PYPROJECT["scripts"]["amplify"]
    assert script == "amplify_sdk._console:main"
    assert f'`amplify = "{script}"`' in (ROOT / "docs/cli.md").read_text()
