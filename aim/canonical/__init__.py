"""The canonical minimum data set: agency mappings, CSV reading and row validation.

Every partner sends the same minimum data set, each in its own dialect. A ``Mapping``
(:mod:`.mapping`) translates one agency's export (column names, date format, name order,
gender codes) into canonical rows; ``validate_row`` (:mod:`.rows`) decides, per row,
whether it can be used. A row that cannot be used becomes a ``Reject`` with a
plain-English reason; a soft problem (a postcode that does not parse, a gender code
nobody listed) never loses the row: the raw value is kept and a warning is reported,
because a safeguarding contact must not vanish over a typo. The CSV reader
(:mod:`.reader`) and the HTTP API share this one validation.
"""

from .mapping import (
    CANONICAL_COLUMNS,
    DEFAULT_GENDER_CODES,
    GENDERS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    UK_DATE_FORMATS,
    Mapping,
    MappingError,
    Organisation,
    describe_date_format,
    parse_date,
    split_full_name,
)
from .reader import check_header, read_csv, read_text_stream
from .rows import (
    MAX_FIELD_CHARS,
    OLDEST_BIRTH,
    CanonicalRow,
    Reject,
    RowWarning,
    Validated,
    event_key,
    validate_row,
)

__all__ = [
    "CANONICAL_COLUMNS", "DEFAULT_GENDER_CODES", "GENDERS", "MAX_FIELD_CHARS", "OLDEST_BIRTH",
    "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "UK_DATE_FORMATS",
    "CanonicalRow", "Mapping", "MappingError", "Organisation", "Reject", "RowWarning", "Validated",
    "check_header", "describe_date_format", "event_key", "parse_date", "read_csv", "read_text_stream",
    "split_full_name", "validate_row",
]
