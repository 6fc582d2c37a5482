"""Prism's conveniences done strictly: Prefer code/example, 404 and 405 with Allow, all in the envelope."""

from __future__ import annotations

import pytest

from tests.conftest import inspect

from .conftest import TOKEN, Api, assert_error


@pytest.mark.parametrize(
    ("status", "example"),
    [(401, "invalid_token"), (422, "message_required"), (429, "duplicate"), (500, "server_error"), (200, "sent")],
)
def test_prefer_code_serves_the_first_named_example_of_that_status(api: Api, status: int, example: str) -> None:
    response = api.send(Prefer=f"code={status}")
    assert response.status_code == status
    assert response.json() == api.contract.operation("send").response(status).examples[example]
    assert inspect(api.app).count() == 0  # a forced answer sends nothing


def test_prefer_code_503_carries_retry_after(api: Api) -> None:
    response = api.send(Prefer="code=503")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"


@pytest.mark.parametrize("example", ["recipient_invalid", "send_time_too_soon", "too_large", "not_json"])
def test_prefer_example_serves_that_example_with_its_status(api: Api, example: str) -> None:
    status, expected = api.contract.operation("send").example(example)  # type: ignore[misc]
    response = api.send(Prefer=f"example={example}")
    assert (response.status_code, response.json()) == (status, expected)


def test_prefer_code_and_example_must_agree(api: Api) -> None:
    assert api.send(Prefer="code=422, example=recipient_invalid").status_code == 422
    response = api.send(Prefer="code=401, example=recipient_invalid")
    assert_error(response, 400, "400-1", {"Prefer": [response.json()["meta"]["message"]]})


@pytest.mark.parametrize("prefer", ["code=418", "code=abc", "example=nope", "dynamic=true"])
def test_an_unknown_preference_is_a_clear_400(api: Api, prefer: str) -> None:
    response = api.send(Prefer=prefer)
    assert response.status_code == 400
    assert prefer.split("=")[1] in response.json()["meta"]["message"]


def test_prefer_does_not_bypass_authentication(api: Api) -> None:
    assert_error(api.send(token=None, Prefer="code=200"), 401, "400-1", {})


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_another_method_on_a_known_path_is_405_with_allow(api: Api, method: str) -> None:
    response = api.client.request(method, "/api/send", headers={"Authorization": TOKEN})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    if method != "HEAD":
        assert response.json()["meta"]["status"] is False


@pytest.mark.parametrize("path", ["/", "/api", "/api/send/", "/v1/api/send", "/api/send/cancel", "/_mock/nope"])
def test_an_unknown_path_is_404_in_the_envelope(api: Api, path: str) -> None:
    response = api.client.post(path, json={}, headers={"Authorization": TOKEN})
    assert response.status_code == 404
    assert response.json() == {
        "data": None,
        "meta": {
            "status": False,
            "message": "آدرس مورد نظر یافت نشد",
            "message_parameters": [],
            "message_code": "404-1",
            "errors": {},
        },
    }


def test_a_browser_at_the_root_is_sent_to_the_inbox_page(api: Api) -> None:
    response = api.client.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (307, "/_mock/")
    page = api.client.get("/_mock/")
    assert page.headers["content-type"].startswith("text/html")
    assert "inbox/inbox.js" in page.text
    for name, kind in [("inbox.js", "text/javascript"), ("inbox.css", "text/css")]:
        assert api.client.get(f"/_mock/inbox/{name}").headers["content-type"].startswith(kind)
    assert api.client.get("/_mock/inbox/../settings.py").status_code == 404
