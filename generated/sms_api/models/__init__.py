"""Contains all the data models used in inputs/outputs"""

from .error_envelope import ErrorEnvelope
from .error_meta import ErrorMeta
from .field_errors import FieldErrors
from .send_params import SendParams
from .send_result import SendResult
from .send_success_envelope import SendSuccessEnvelope
from .success_meta import SuccessMeta
from .webservice_send_request import WebserviceSendRequest

__all__ = (
    "ErrorEnvelope",
    "ErrorMeta",
    "FieldErrors",
    "SendParams",
    "SendResult",
    "SendSuccessEnvelope",
    "SuccessMeta",
    "WebserviceSendRequest",
)
