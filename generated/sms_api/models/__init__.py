"""Contains all the data models used in inputs/outputs"""

from .error_envelope import ErrorEnvelope
from .error_meta import ErrorMeta
from .field_errors import FieldErrors
from .pattern_params import PatternParams
from .pattern_phonebook import PatternPhonebook
from .pattern_send_request import PatternSendRequest
from .peer_to_peer_message import PeerToPeerMessage
from .peer_to_peer_send_request import PeerToPeerSendRequest
from .phonebook_options import PhonebookOptions
from .send_params import SendParams
from .send_result import SendResult
from .send_success_envelope import SendSuccessEnvelope
from .success_meta import SuccessMeta
from .votp_params import VotpParams
from .votp_send_request import VotpSendRequest
from .webservice_send_request import WebserviceSendRequest

__all__ = (
    "ErrorEnvelope",
    "ErrorMeta",
    "FieldErrors",
    "PatternParams",
    "PatternPhonebook",
    "PatternSendRequest",
    "PeerToPeerMessage",
    "PeerToPeerSendRequest",
    "PhonebookOptions",
    "SendParams",
    "SendResult",
    "SendSuccessEnvelope",
    "SuccessMeta",
    "VotpParams",
    "VotpSendRequest",
    "WebserviceSendRequest",
)
