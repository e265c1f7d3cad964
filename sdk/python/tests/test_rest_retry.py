"""The REST client's retries, over an httpx MockTransport: a creating POST
keeps one Idempotency-Key across its tries; a POST the server does not
deduplicate is not repeated after a 5xx; 429 is; the list of creating
operations is the contract's."""

import asyncio
import pathlib

import httpx
import yaml

from chatapi import IDEMPOTENT_OPERATIONS, RetryingTransport, SyncRetryingTransport


def recorder(statuses):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, request.headers.get("Idempotency-Key"), request.content))
        status = statuses.pop(0) if statuses else 200
        return httpx.Response(status, headers={"Retry-After": "0"}, json={"success": True, "data": None, "error": None})

    return seen, httpx.MockTransport(handler)


def test_creating_post_keeps_its_key() -> None:
    seen, mock = recorder([503, 502, 201])
    with httpx.Client(transport=SyncRetryingTransport(mock, backoff=0.001), base_url="http://chat.test/api") as c:
        r = c.post("/rooms/room_1/members", json={"user_id": "bob"})
    assert r.status_code == 201
    assert len(seen) == 3
    assert seen[0][2] and all(s[2] == seen[0][2] for s in seen), seen
    assert all(s[3] == b'{"user_id":"bob"}' or s[3] == b'{"user_id": "bob"}' for s in seen), seen


def test_unsafe_post_and_429() -> None:
    async def run() -> None:
        seen, mock = recorder([503])
        async with httpx.AsyncClient(transport=RetryingTransport(mock, backoff=0.001), base_url="http://chat.test") as c:
            r = await c.post("/acks", json={"room_id": "room_1", "seq": 1})
        assert r.status_code == 503 and len(seen) == 1 and seen[0][2] is None, seen

        seen, mock = recorder([429, 200])
        async with httpx.AsyncClient(transport=RetryingTransport(mock, backoff=0.001), base_url="http://chat.test") as c:
            r = await c.post("/acks", json={"room_id": "room_1", "seq": 1})
        assert r.status_code == 200 and len(seen) == 2, seen

        seen, mock = recorder([503, 201])
        async with httpx.AsyncClient(transport=RetryingTransport(mock, backoff=0.001), base_url="http://chat.test") as c:
            r = await c.post("/rooms", json={"type": "group"}, headers={"Idempotency-Key": "mine-1"})
        assert r.status_code == 201 and [s[2] for s in seen] == ["mine-1", "mine-1"], seen

    asyncio.run(run())


def test_operations_match_the_contract() -> None:
    spec = yaml.safe_load((pathlib.Path(__file__).parents[3] / "openapi.yaml").read_text())
    params = spec["components"]["parameters"]
    want = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or method == "parameters":
                continue
            for p in op.get("parameters", []):
                p = params[p["$ref"].split("/")[-1]] if "$ref" in p else p
                if p.get("in") == "header" and p.get("name") == "Idempotency-Key":
                    want.append(f"{method.upper()} {path}")
    assert sorted(IDEMPOTENT_OPERATIONS) == sorted(want)
