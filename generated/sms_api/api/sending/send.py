from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.pattern_send_request import PatternSendRequest
from ...models.peer_to_peer_send_request import PeerToPeerSendRequest
from ...models.send_success_envelope import SendSuccessEnvelope
from ...models.votp_send_request import VotpSendRequest
from ...models.webservice_send_request import WebserviceSendRequest
from ...types import Response


def _get_kwargs(
    *,
    body: PatternSendRequest
    | PeerToPeerSendRequest
    | VotpSendRequest
    | WebserviceSendRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/send",
    }

    if (
        isinstance(body, WebserviceSendRequest)
        or isinstance(body, PatternSendRequest)
        or isinstance(body, VotpSendRequest)
    ):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | SendSuccessEnvelope | None:
    if response.status_code == 200:
        response_200 = SendSuccessEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = ErrorEnvelope.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | SendSuccessEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PatternSendRequest
    | PeerToPeerSendRequest
    | VotpSendRequest
    | WebserviceSendRequest,
) -> Response[ErrorEnvelope | SendSuccessEnvelope]:
    """Send SMS (webservice, pattern, peer_to_peer) or a voice code (votp)

     The body's `sending_type` says which of four kinds of send it is; each has its own
    schema, and a body matches exactly one of them.

    - `webservice`: `message` from the sender line `from_number` to every number in
      `params.recipients`, at once or at `send_time`. One outbox id for the whole send,
      whatever the number of recipients.
    - `pattern`: the pattern `code` (approved by the provider in advance) with its variables
      in `params`, to the one number in `recipients`. One outbox id. An unknown pattern code
      is answered 404 with `message_code` `404-1`.
    - `votp`: the digits in `message` read out by a voice call to the one number in
      `params.recipients`. No sender line, no `send_time`. One outbox id.
    - `peer_to_peer`: each item of `params` is a text and its recipients, all from
      `from_number`, at once or at `send_time`. One outbox id per item, in order.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; a
    pattern's variables must be exactly those of the pattern; the same text to the same
    recipient again within 40 seconds is refused with 429, whatever the sending type. More
    than 1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (PatternSendRequest | PeerToPeerSendRequest | VotpSendRequest |
            WebserviceSendRequest): The body of POST /api/send: exactly one of the four sending types,
            told apart by
            `sending_type` (each type's `const` keeps the branches disjoint).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SendSuccessEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PatternSendRequest
    | PeerToPeerSendRequest
    | VotpSendRequest
    | WebserviceSendRequest,
) -> ErrorEnvelope | SendSuccessEnvelope | None:
    """Send SMS (webservice, pattern, peer_to_peer) or a voice code (votp)

     The body's `sending_type` says which of four kinds of send it is; each has its own
    schema, and a body matches exactly one of them.

    - `webservice`: `message` from the sender line `from_number` to every number in
      `params.recipients`, at once or at `send_time`. One outbox id for the whole send,
      whatever the number of recipients.
    - `pattern`: the pattern `code` (approved by the provider in advance) with its variables
      in `params`, to the one number in `recipients`. One outbox id. An unknown pattern code
      is answered 404 with `message_code` `404-1`.
    - `votp`: the digits in `message` read out by a voice call to the one number in
      `params.recipients`. No sender line, no `send_time`. One outbox id.
    - `peer_to_peer`: each item of `params` is a text and its recipients, all from
      `from_number`, at once or at `send_time`. One outbox id per item, in order.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; a
    pattern's variables must be exactly those of the pattern; the same text to the same
    recipient again within 40 seconds is refused with 429, whatever the sending type. More
    than 1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (PatternSendRequest | PeerToPeerSendRequest | VotpSendRequest |
            WebserviceSendRequest): The body of POST /api/send: exactly one of the four sending types,
            told apart by
            `sending_type` (each type's `const` keeps the branches disjoint).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SendSuccessEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PatternSendRequest
    | PeerToPeerSendRequest
    | VotpSendRequest
    | WebserviceSendRequest,
) -> Response[ErrorEnvelope | SendSuccessEnvelope]:
    """Send SMS (webservice, pattern, peer_to_peer) or a voice code (votp)

     The body's `sending_type` says which of four kinds of send it is; each has its own
    schema, and a body matches exactly one of them.

    - `webservice`: `message` from the sender line `from_number` to every number in
      `params.recipients`, at once or at `send_time`. One outbox id for the whole send,
      whatever the number of recipients.
    - `pattern`: the pattern `code` (approved by the provider in advance) with its variables
      in `params`, to the one number in `recipients`. One outbox id. An unknown pattern code
      is answered 404 with `message_code` `404-1`.
    - `votp`: the digits in `message` read out by a voice call to the one number in
      `params.recipients`. No sender line, no `send_time`. One outbox id.
    - `peer_to_peer`: each item of `params` is a text and its recipients, all from
      `from_number`, at once or at `send_time`. One outbox id per item, in order.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; a
    pattern's variables must be exactly those of the pattern; the same text to the same
    recipient again within 40 seconds is refused with 429, whatever the sending type. More
    than 1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (PatternSendRequest | PeerToPeerSendRequest | VotpSendRequest |
            WebserviceSendRequest): The body of POST /api/send: exactly one of the four sending types,
            told apart by
            `sending_type` (each type's `const` keeps the branches disjoint).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SendSuccessEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PatternSendRequest
    | PeerToPeerSendRequest
    | VotpSendRequest
    | WebserviceSendRequest,
) -> ErrorEnvelope | SendSuccessEnvelope | None:
    """Send SMS (webservice, pattern, peer_to_peer) or a voice code (votp)

     The body's `sending_type` says which of four kinds of send it is; each has its own
    schema, and a body matches exactly one of them.

    - `webservice`: `message` from the sender line `from_number` to every number in
      `params.recipients`, at once or at `send_time`. One outbox id for the whole send,
      whatever the number of recipients.
    - `pattern`: the pattern `code` (approved by the provider in advance) with its variables
      in `params`, to the one number in `recipients`. One outbox id. An unknown pattern code
      is answered 404 with `message_code` `404-1`.
    - `votp`: the digits in `message` read out by a voice call to the one number in
      `params.recipients`. No sender line, no `send_time`. One outbox id.
    - `peer_to_peer`: each item of `params` is a text and its recipients, all from
      `from_number`, at once or at `send_time`. One outbox id per item, in order.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; a
    pattern's variables must be exactly those of the pattern; the same text to the same
    recipient again within 40 seconds is refused with 429, whatever the sending type. More
    than 1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (PatternSendRequest | PeerToPeerSendRequest | VotpSendRequest |
            WebserviceSendRequest): The body of POST /api/send: exactly one of the four sending types,
            told apart by
            `sending_type` (each type's `const` keeps the branches disjoint).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SendSuccessEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
