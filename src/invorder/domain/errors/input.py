"""Malformed input: the errors a command, value or rule raises when it is built, whatever
the state (quantities, times, identifiers, locations, barcodes, movements, policies, money,
routes, plans, orders, stored dicts)."""

from __future__ import annotations

from typing import Any

from invorder.domain.errors._declared import fact
from invorder.domain.errors.codes import ErrorCode
from invorder.domain.errors.root import ValidationError


class InvalidQuantityError(ValidationError):
    """A quantity that is not a positive integer (or, for counts, a non-negative one)."""

    code = ErrorCode.INVALID_QUANTITY
    field: str
    value: object
    allow_zero: bool = fact(default=False, kw_only=True, in_fields=False)
    most: int | None = fact(default=None, kw_only=True, in_fields=False)
    """The largest quantity allowed, when the value is above it."""

    def _render(self) -> str:
        if self.most is not None:
            return (
                f"{self.field} must be at most {self.most:,} units, got {self.value!r}; "
                "a larger figure is a typo or a unit mix-up"
            )
        rule = "a non-negative integer" if self.allow_zero else "a positive integer"
        return (
            f"{self.field} must be {rule} number of units, got {self.value!r}; "
            "quantities are whole units, never zero, negative or fractional"
        )


class InvalidFieldError(ValidationError):
    """A field given a value of the wrong kind: a choice that is not one of the allowed
    values, a bool or integer field given something else, a value of another type."""

    code = ErrorCode.INVALID_FIELD
    template = "{field} must be {expected} (got {value!r})"
    field: str
    value: object
    expected: str


class NaiveDatetimeError(ValidationError):
    """A datetime without a timezone: invorder only accepts aware times."""

    code = ErrorCode.NAIVE_DATETIME
    template = (
        "{field} must be a timezone-aware datetime, got {value!r}; "
        "pass tzinfo (for example datetime(..., tzinfo=timezone.utc))"
    )
    field: str
    value: object


class InvalidIdentifierError(ValidationError):
    """An id, SKU code, key or reference that is empty or badly formed."""

    code = ErrorCode.INVALID_IDENTIFIER
    template = "{field} {value!r} is not valid: {rule}"
    field: str
    value: object
    rule: str


class InvalidLocationError(ValidationError):
    """A location path that cannot name a place (empty segment, bad characters)."""

    code = ErrorCode.INVALID_LOCATION
    template = (
        "{field} {value!r} is not a valid path: {rule}; use segments of letters, digits, "
        "'-', '_' or '.', joined by '/' (e.g. 'EAST/A/01')"
    )
    value: object
    rule: str
    field: str = fact(default="location", kw_only=True)
    """The field that named it (``location``, ``source``, ``destination``, ``origin``)."""


class InvalidBarcodeError(ValidationError):
    """A barcode that is not a GTIN-8/12/13/14 with a correct check digit."""

    code = ErrorCode.INVALID_BARCODE
    template = "barcode {value!r} is not a valid GTIN/UPC/EAN: {rule}"
    value: object
    rule: str


class InvalidMovementError(ValidationError):
    """A movement or entry that cannot be posted as written (e.g. from an account to itself).

    Besides ``rule``, the facts a rule names (``source``, ``sku``, ...) are in ``fields``.
    """

    code = ErrorCode.INVALID_MOVEMENT
    template = "invalid movement: {rule}"
    rule: str

    def __init__(self, rule: str, **facts: Any) -> None:
        self.rule = rule
        self._settle(**facts)


class InvalidBundleError(ValidationError):
    """A bundle whose components are malformed (repeated, or the bundle itself)."""

    code = ErrorCode.INVALID_BUNDLE
    template = "bundle {sku!r} is not valid: {rule}"
    sku: str
    rule: str


class InvalidPolicyError(ValidationError):
    """A channel availability policy that cannot be applied (bad share cap, nested feeds).

    Besides ``rule``, the facts a rule names are in ``fields``.
    """

    code = ErrorCode.INVALID_POLICY
    template = "invalid channel policy: {rule}"
    rule: str

    def __init__(self, rule: str, **facts: Any) -> None:
        self.rule = rule
        self._settle(**facts)


class MissingLeadTimeError(ValidationError):
    """A reorder policy that needs a lead time, for a SKU whose supplier gives none."""

    code = ErrorCode.MISSING_LEAD_TIME
    template = (
        "policy {policy} for {sku!r} at {location} needs a lead time: give lead_time_days "
        "on the policy or on the supplier (per supplier or per SKU)"
    )
    sku: str
    location: str
    policy: str


class InvalidReorderPolicyError(ValidationError):
    """A replenishment policy or planning parameter that cannot be used.

    Besides ``rule``, the facts a rule names are in ``fields``.
    """

    code = ErrorCode.INVALID_REORDER_POLICY
    template = "invalid reorder policy: {rule}"
    rule: str

    def __init__(self, rule: str, **facts: Any) -> None:
        self.rule = rule
        self._settle(**facts)


class CodecError(ValidationError):
    """A dict that cannot be read back as a command or an event."""

    code = ErrorCode.CODEC_ERROR
    template = "cannot decode {problem}"
    problem: str
    data: object


class InvalidMoneyError(ValidationError):
    """An amount or currency that cannot be used: a float, NaN, a bad currency code, a
    negative cost, or currencies that do not go together."""

    code = ErrorCode.INVALID_MONEY
    template = (
        "money {field} {value!r} is not valid: {rule}; "
        "write amounts as Decimal('12.50') with a code such as 'EUR'"
    )
    field: str
    value: object
    rule: str


class CurrencyMismatchError(ValidationError):
    """Two amounts of different currencies were added or compared."""

    code = ErrorCode.CURRENCY_MISMATCH
    template = "cannot {action} {first} and {second}: convert to one currency first"
    action: str
    first: str
    second: str


class InvalidCoordinatesError(ValidationError):
    """A latitude or longitude outside its range, or not a number."""

    code = ErrorCode.INVALID_COORDINATES
    template = "{field} must be {rule}, got {value!r}"
    field: str
    value: object
    rule: str


class InvalidRoutingRequestError(ValidationError):
    """A routing request (order view, lines, candidate locations) that cannot be routed.

    Besides ``rule``, the facts a rule names are in ``fields``.
    """

    code = ErrorCode.INVALID_ROUTING_REQUEST
    template = "invalid routing request: {rule}"
    rule: str

    def __init__(self, rule: str, **facts: Any) -> None:
        self.rule = rule
        self._settle(**facts)


class InvalidRoutingRuleError(ValidationError):
    """A routing building block composed with bad settings (a zero weight, N < 1, ...).

    Besides ``rule``, the facts a rule names are in ``fields``.
    """

    code = ErrorCode.INVALID_ROUTING_RULE
    template = "invalid routing rule: {rule}"
    rule: str

    def __init__(self, rule: str, **facts: Any) -> None:
        self.rule = rule
        self._settle(**facts)


class InvalidPlanError(ValidationError):
    """An allocation plan that breaks a plan law (over ATP, quantities that do not add up).

    Besides ``rule``, the facts a rule names are in ``fields``.
    """

    code = ErrorCode.INVALID_PLAN
    template = (
        "allocation plan breaks a routing law: {rule}; a rule must never allocate more "
        "than ATP and must account for every requested unit"
    )
    rule: str

    def __init__(self, rule: str, **facts: Any) -> None:
        self.rule = rule
        self._settle(**facts)


class InconsistentSupplyError(ValidationError):
    """Requests of one wave disagree about the ATP or capacity of a location."""

    code = ErrorCode.INCONSISTENT_SUPPLY
    template = (
        "requests in one wave disagree on {what} at {location}: {first!r} vs {second!r}; "
        "build every request of a wave from one snapshot of supply"
    )
    location: str
    what: str
    first: object
    second: object


class InvalidListError(ValidationError):
    """A list that is empty where it needs an item, or names the same item (a line, a pick,
    a SKU) twice."""

    code = ErrorCode.INVALID_LIST
    template = "{field}: {problem}"
    field: str
    problem: str


class ConflictingFieldsError(ValidationError):
    """A field that contradicts another field of the same command (an expiry not after the
    command's time, wholesale terms on an order that is not wholesale)."""

    code = ErrorCode.CONFLICTING_FIELDS
    template = "{field}: {problem}"
    field: str
    problem: str


class EmptyOrderError(ValidationError):
    """An order captured without any line."""

    code = ErrorCode.EMPTY_ORDER
    template = "order {order!r} has no lines; capture it with at least one line"
    order: str


class CasePackError(ValidationError):
    """A wholesale line quantity that breaks the SKU's case pack or minimum quantity."""

    code = ErrorCode.CASE_PACK
    line_id: str
    sku: str
    quantity: int
    pack: int
    rule: str

    def _render(self) -> str:
        pack = self.pack
        if self.rule == "minimum":
            hint = f"order at least {pack}"
        else:
            below = self.quantity - self.quantity % pack
            hint = f"order a multiple of {pack} (e.g. {below or below + pack} or {below + pack})"
        return (
            f"line {self.line_id!r}: {self.quantity} of {self.sku!r} breaks the {self.rule} "
            f"of {pack}; {hint}"
        )


class InvalidCheckpointError(ValidationError):
    """A feed checkpoint that cannot be: past the log's head (a consumer ahead of the log
    it reads: another log, or one rolled back), or behind the checkpoint stored (a feed
    checkpoint only moves forward)."""

    code = ErrorCode.INVALID_CHECKPOINT
    template = "checkpoint {position} of consumer {consumer!r} is {problem}"
    consumer: str
    position: int
    problem: str
