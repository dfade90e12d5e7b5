"""GuideCheck's core: load YAML instruments, check answers, score them.

Never imports streamlit: the app, the CLI (``python -m scoring``) and notebooks all use this.
"""

from .answers import AnswerError, AnswerProblem, read_answers
from .engine import Result, score_response
from .frame import score_frame
from .instrument import Instrument
from .loader import InstrumentError, load_folder, load_instrument, validate_bytes, validate_file, validate_paths
from .model import json_schema

__all__ = [
    "AnswerError", "AnswerProblem", "Instrument", "InstrumentError", "Result", "json_schema", "load_folder",
    "load_instrument", "read_answers", "score_frame", "score_response", "validate_bytes", "validate_file",
    "validate_paths",
]
