"""The package's version: the IDL's (`metadata.version` in idl/amplify.json),
written by scripts/gen.py. The package (`__version__`), `amplify --version` and
pyproject.toml (`[tool.setuptools.dynamic]`) all read it here."""

#: The package's version (the IDL's).
__version__ = "0.2.0"
