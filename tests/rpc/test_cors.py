"""Web pages on another origin may call the node (a validator's RPC allows any
origin): the browser's preflight is answered and every answer carries
Access-Control-Allow-Origin."""

from __future__ import annotations

import httpx2

from localnet import LocalNode


async def test_preflight_and_answers_allow_any_origin(node: LocalNode) -> None:
    page = {"Origin": "http://127.0.0.1:5173"}
    async with httpx2.AsyncClient() as http:
        pre = await http.options(
            node.url,
            headers=page
            | {
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,solana-client",
            },
        )
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "*"
        assert "POST" in pre.headers["access-control-allow-methods"]
        assert pre.headers["access-control-allow-headers"] == "content-type,solana-client"
        answer = await http.post(
            node.url, headers=page, json={"jsonrpc": "2.0", "id": 1, "method": "getHealth"}
        )
        assert answer.json()["result"] == "ok"
        assert answer.headers["access-control-allow-origin"] == "*"
