"""The public surface of the hand-written packages is deliberate: each exported name is importable, looks like
it lives where users import it from, and the package has no other public names."""

from __future__ import annotations

import types

import pytest

import sms_client
import sms_mock


@pytest.mark.parametrize("package", [sms_client, sms_mock], ids=lambda p: p.__name__)
def test_every_exported_name_is_importable_and_listed_once(package: types.ModuleType) -> None:
    assert len(package.__all__) == len(set(package.__all__))
    assert sorted(package.__all__) == sorted(package.__all__, key=str)
    for name in package.__all__:
        assert getattr(package, name) is not None


def test_sms_client_has_no_public_name_outside_all() -> None:
    public = {
        name
        for name, value in vars(sms_client).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }
    assert public == set(sms_client.__all__)


def test_what_sms_client_defines_says_sms_client_in_tracebacks() -> None:
    own = [
        getattr(sms_client, name)
        for name in sms_client.__all__
        if isinstance(getattr(sms_client, name), type | types.FunctionType)
        and not getattr(sms_client, name).__module__.startswith("sms_contract")
    ]
    assert len(own) == 20
    assert {value.__module__ for value in own} == {"sms_client"}


def test_every_client_error_is_an_sms_error() -> None:
    errors = [getattr(sms_client, name) for name in sms_client.__all__ if name.endswith("Error")]
    assert len(errors) == 14
    assert all(issubclass(error, sms_client.SmsError) for error in errors)
    assert issubclass(sms_client.InvalidRequestError, ValueError)


def test_the_mock_package_and_its_pytest_plugin_import_nothing_until_asked() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, sms_mock, sms_mock.pytest_plugin; "
        "print(*(m in sys.modules for m in ('starlette', 'uvicorn', 'yaml', 'sms_mock.settings'))); "
        "sms_mock.create_app; sms_mock.MockSettings"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False", "False"]


def test_every_name_of_the_mock_package_is_mapped_to_where_it_lives() -> None:
    assert sorted(name for names in sms_mock._MODULES.values() for name in names) == sorted(sms_mock.__all__)
