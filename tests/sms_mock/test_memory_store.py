"""The in-memory store's duplicate memory against a plain model of the rule, for any sequence of sends and waits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sms_mock.store.memory import HeldIdentities

SENDERS = ["+983000505", "+9850002"]
NUMBERS = ["+989120000000", "+989350000000", "+989100000000", "+989121111111"]
TEXTS = ["کد ۱", "کد ۲", "Hi 🙂"]

send = st.tuples(
    st.lists(
        st.tuples(
            st.sampled_from(SENDERS), st.sampled_from(TEXTS), st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3)
        ),
        min_size=1,
        max_size=3,
    ),
    st.floats(0, 30),  # seconds since the previous send
)


@given(sends=st.lists(send, max_size=40), window=st.sampled_from([1.0, 5.0, 40.0]))
def test_held_identities_agree_with_the_rule(
    sends: list[tuple[list[tuple[str, str, list[str]]], float]], window: float
) -> None:
    held = HeldIdentities()
    model: dict[tuple[str, str, str], float] = {}  # identity -> held until
    now = 1_800_000_000.0
    for messages, wait in sends:
        now += wait
        identities = [(sender, number, text) for sender, text, numbers in messages for number in numbers]
        expected = next((i for i, identity in enumerate(identities) if model.get(identity, 0) > now), None)
        assert held.claim(messages, now + window, now) == expected
        if expected is None:
            for identity in identities:
                model[identity] = now + window
