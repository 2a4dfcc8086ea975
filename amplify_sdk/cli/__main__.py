"""`python -m amplify_sdk.cli ...`: the same as the `amplify` console script."""

from . import main

main()
