from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.send_success_envelope import SendSuccessEnvelope
from ...models.webservice_send_request import WebserviceSendRequest
from ...types import Response


def _get_kwargs(
    *,
    body: WebserviceSendRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/send",
    }

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
    body: WebserviceSendRequest,
) -> Response[ErrorEnvelope | SendSuccessEnvelope]:
    """Send one text to one or more recipients

     Sends `message` from the sender line `from_number` to every number in
    `params.recipients`, at once or at `send_time`. One accepted send creates one outbox
    entry, whatever the number of recipients.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; the
    same sender, recipient and text again within 40 seconds is refused with 429. More than
    1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (WebserviceSendRequest): The body of a webservice send.

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
    body: WebserviceSendRequest,
) -> ErrorEnvelope | SendSuccessEnvelope | None:
    """Send one text to one or more recipients

     Sends `message` from the sender line `from_number` to every number in
    `params.recipients`, at once or at `send_time`. One accepted send creates one outbox
    entry, whatever the number of recipients.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; the
    same sender, recipient and text again within 40 seconds is refused with 429. More than
    1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (WebserviceSendRequest): The body of a webservice send.

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
    body: WebserviceSendRequest,
) -> Response[ErrorEnvelope | SendSuccessEnvelope]:
    """Send one text to one or more recipients

     Sends `message` from the sender line `from_number` to every number in
    `params.recipients`, at once or at `send_time`. One accepted send creates one outbox
    entry, whatever the number of recipients.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; the
    same sender, recipient and text again within 40 seconds is refused with 429. More than
    1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (WebserviceSendRequest): The body of a webservice send.

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
    body: WebserviceSendRequest,
) -> ErrorEnvelope | SendSuccessEnvelope | None:
    """Send one text to one or more recipients

     Sends `message` from the sender line `from_number` to every number in
    `params.recipients`, at once or at `send_time`. One accepted send creates one outbox
    entry, whatever the number of recipients.

    Rules JSON Schema cannot express, enforced by the provider and by the mock:
    `send_time` must be a real calendar date at least 5 minutes and at most 3 months after
    the time of the request (UTC); `from_number` must be a line assigned to the account; the
    same sender, recipient and text again within 40 seconds is refused with 429. More than
    1,000 recipients in one request is discouraged by the provider, not forbidden.

    Args:
        body (WebserviceSendRequest): The body of a webservice send.

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
