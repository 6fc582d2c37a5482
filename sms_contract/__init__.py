"""The neutral core under the client and the mock: the contract model and the provider's rules.

    sms_contract.rules       E.164 numbers, digits, blank text, send_time and its window (stdlib only)
    sms_contract.parts       SMS parts and encoding of a text (stdlib only)
    sms_contract.texts       the provider's Persian texts and message codes, keyed by rule (stdlib only)
    sms_contract.envelope    the {data, meta} envelope: building one, and its rules beyond the schema
    sms_contract.spec        openapi/sms-api.yaml loaded, validated and resolved (needs PyYAML)
    sms_contract.validation  compiled request and response validators (needs jsonschema-rs)

The client imports only the stdlib-only modules, so that it needs nothing but httpx and attrs at
run time; the mock, the contract checks and the scripts import the rest. Nothing here imports the
client, the mock or the generated package (ARCHITECTURE.md; a test holds it).
"""
