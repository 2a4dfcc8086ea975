"""Which features the node's SVM runs with, from the environment (the same
switches as the SDK's embedded SVM, read here without importing the SDK).

`AMPLIFY_SVM_FEATURES=mainnet`: mainnet-beta's active features only.
`AMPLIFY_PROGRAM=v3`: a cluster past SIMD-0500, where SBPF v0/v1/v2 programs
can no longer be deployed (the SBPF v3 build is the one that can).
"""

from __future__ import annotations

import os

from solders.litesvm import LiteSVM
from solders.pubkey import Pubkey

#: agave-feature-set 4.1.2's `disable_sbpf_v0_v1_v2_deployment` (SIMD-0500).
DISABLE_SBPF_V0_V1_V2_DEPLOYMENT = Pubkey.from_string(
    "B8JJXCy5amZyWG9r7EnUYLwzXSXTxG7GZ1qZ1qggo83g"
)


def new_svm() -> LiteSVM:
    """A LiteSVM with the feature set the environment asks for."""
    svm = LiteSVM()
    if os.environ.get("AMPLIFY_SVM_FEATURES", "all") == "mainnet":
        svm = svm.with_mainnet_features()
    if os.environ.get("AMPLIFY_PROGRAM") == "v3":
        features = LiteSVM.mainnet_feature_set()
        features.activate(DISABLE_SBPF_V0_V1_V2_DEPLOYMENT, 0)
        svm = svm.with_feature_set(features).with_feature_accounts()
    return svm
