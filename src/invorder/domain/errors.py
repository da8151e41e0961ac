"""The typed errors invorder raises, one root and four branches.

Branches: :class:`ValidationError` (malformed input; the state does not matter),
:class:`RejectedError` (refused by the current state), :class:`IdempotencyConflictError`
(a key reused with other content) and :class:`ConcurrencyError` (safe to retry).

When one command breaks several rules, the error reported follows this precedence:

1. malformed input (raised while the command value is built, before any engine sees it);
2. idempotency: a key seen before returns the first outcome if the command is identical,
   else :class:`IdempotencyConflictError` naming the first field that differs;
3. references: unknown SKU (or barcode), then unknown location, each in the order the
   command names them, then an unknown record (:class:`NotFoundError`, e.g. a transfer id);
4. state rules: a duplicate id, an illegal transition, receiving more than is in transit,
   then insufficient stock for the first account (in the order the command names them)
   that would go negative.

Every error carries a stable ``code`` and structured ``fields``; the message says what was
asked, what was there, and what to do.

Each error class is data: its facts are typed attributes, declared in the order its
constructor takes them, and its message is a ``template`` over them (or a ``_render`` method);
``fields`` holds the facts by name. :mod:`invorder.domain._error_base` has the machinery.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from invorder.domain._error_base import DeclaredError, fact


class ErrorCode(enum.StrEnum):
    """Every ``code`` an invorder error has, in the order of the precedence above.

    A code the precedence does not name sits where the engine checks it (a bundle or a SKU
    that is not a kit, right after the unknown SKU). Members equal their strings.
    """

    # 1. malformed input
    VALIDATION_ERROR = "validation_error"
    """Malformed input, with no more specific code."""
    INVALID_QUANTITY = "invalid_quantity"
    """A quantity that is not a positive (or, for counts, non-negative) integer."""
    NAIVE_DATETIME = "naive_datetime"
    """A datetime without a timezone."""
    INVALID_IDENTIFIER = "invalid_identifier"
    """An id, SKU code, key or reference that is empty or badly formed."""
    INVALID_LOCATION = "invalid_location"
    """A location path that cannot name a place."""
    INVALID_BARCODE = "invalid_barcode"
    """A barcode that is not a GTIN with a correct check digit."""
    INVALID_MOVEMENT = "invalid_movement"
    """A movement, entry or stock command that cannot be posted as written."""
    INVALID_BUNDLE = "invalid_bundle"
    """A bundle with malformed components."""
    INVALID_POLICY = "invalid_policy"
    """A channel availability policy that cannot be applied."""
    MISSING_LEAD_TIME = "missing_lead_time"
    """A reorder policy that needs a lead time nobody gives."""
    INVALID_REORDER_POLICY = "invalid_reorder_policy"
    """A replenishment policy or planning parameter that cannot be used."""
    INVALID_MONEY = "invalid_money"
    """An amount or currency that cannot be used."""
    CURRENCY_MISMATCH = "currency_mismatch"
    """Amounts of two currencies added or compared."""
    INVALID_COORDINATES = "invalid_coordinates"
    """A latitude or longitude out of range or not a number."""
    INVALID_ROUTING_REQUEST = "invalid_routing_request"
    """A routing request that cannot be routed."""
    INVALID_ROUTING_RULE = "invalid_routing_rule"
    """A routing building block with bad settings."""
    INVALID_PLAN = "invalid_plan"
    """An allocation plan that breaks a plan law."""
    INCONSISTENT_SUPPLY = "inconsistent_supply"
    """Requests of one wave that disagree about a location's supply."""
    EMPTY_ORDER = "empty_order"
    """An order without lines."""
    CASE_PACK = "case_pack"
    """A wholesale quantity that breaks a case pack or minimum."""
    CODEC_ERROR = "codec_error"
    """A dict that cannot be decoded as a command or an event."""
    SCENARIO_ERROR = "scenario_error"
    """A scenario file line that cannot be read."""
    UNKNOWN_RULE = "unknown_rule"
    """A routing rule name that is neither built in nor importable."""
    # 2. idempotency
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    """A key reused for a command with other content."""
    ORDER_CONFLICT = "order_conflict"
    """An order (channel, external id) captured again with other content."""
    # 3. references
    UNKNOWN_SKU = "unknown_sku"
    """A SKU or barcode the catalog does not define."""
    BUNDLE_STOCK = "bundle_stock"
    """A movement of a bundle, which holds no stock."""
    NOT_A_KIT = "not_a_kit"
    """Assembling or disassembling a SKU without a bill of materials."""
    UNKNOWN_LOCATION = "unknown_location"
    """A location never defined."""
    NOT_FOUND = "not_found"
    """A record (transfer, reservation, order, ...) that does not exist."""
    # 4. state rules
    REJECTED = "rejected"
    """Refused by the current state, with no more specific code."""
    DUPLICATE = "duplicate"
    """An id or barcode that exists already with other content."""
    ILLEGAL_TRANSITION = "illegal_transition"
    """An action the record's current state does not allow."""
    TRANSFER_OVER_RECEIPT = "transfer_over_receipt"
    """Receiving more of a transfer than is in transit."""
    INSUFFICIENT_STOCK = "insufficient_stock"
    """Taking an account of a real location below zero."""
    OVER_COMMIT = "over_commit"
    """Committing or releasing more of a reservation than it holds."""
    OVER_RECEIPT = "over_receipt"
    """Receiving a purchase line past its over-receipt tolerance."""
    CANCEL_SHIPPED = "cancel_shipped"
    """Cancelling units that have shipped."""
    RETURN_QUANTITY = "return_quantity"
    """Returning more units than shipped and not yet returned."""
    # then the others
    CONCURRENCY_CONFLICT = "concurrency_conflict"
    """Another writer appended first; safe to retry."""
    INVORDER_ERROR = "invorder_error"
    """An invorder error with no more specific code."""


class InvorderError(DeclaredError):
    """Root of every error invorder raises on purpose.

    ``code`` is stable across releases (use it in logs and APIs); ``fields`` holds the
    structured facts the message was built from. The root and the branches take a message
    and fields; every other class declares its facts and words its message from them.
    """

    code: ClassVar[ErrorCode] = ErrorCode.INVORDER_ERROR


# --- malformed input ---------------------------------------------------------------------


class ValidationError(InvorderError, ValueError):
    """Malformed input: the command is wrong whatever the state is."""

    code = ErrorCode.VALIDATION_ERROR


class InvalidQuantityError(ValidationError):
    """A quantity that is not a positive integer (or, for counts, a non-negative one)."""

    code = ErrorCode.INVALID_QUANTITY
    field: str
    value: object
    allow_zero: bool = fact(default=False, kw_only=True, in_fields=False)

    def _render(self) -> str:
        rule = "a non-negative integer" if self.allow_zero else "a positive integer"
        return (
            f"{self.field} must be {rule} number of units, got {self.value!r}; "
            "quantities are whole units, never zero, negative or fractional"
        )


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
        "location {value!r} is not a valid path: {rule}; use segments of letters, digits, "
        "'-', '_' or '.', joined by '/' (e.g. 'EAST/A/01')"
    )
    value: object
    rule: str


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


# --- rejected by the current state -------------------------------------------------------


class RejectedError(InvorderError):
    """A well-formed command that the current state refuses; retrying as-is will not help."""

    code = ErrorCode.REJECTED


class UnknownSkuError(RejectedError):
    """The command names a SKU (or barcode) the catalog does not define."""

    code = ErrorCode.UNKNOWN_SKU
    sku: str
    barcode: str | None = fact(default=None, kw_only=True)

    def _render(self) -> str:
        if self.barcode is not None:
            return f"no SKU has barcode {self.barcode!r}; define the SKU with that barcode first"
        return f"unknown SKU {self.sku!r}; define it in the catalog before moving stock"


class UnknownLocationError(RejectedError):
    """The command names a location that was never defined."""

    code = ErrorCode.UNKNOWN_LOCATION
    template = "unknown location {location!r}; define it (define_location) before using it"
    location: str


class DuplicateError(RejectedError):
    """Something with this id or barcode already exists with other content."""

    code = ErrorCode.DUPLICATE
    template = "{what} {key!r} already exists: {detail}"
    what: str
    key: str
    detail: str = fact(in_fields=False)


class InsufficientStockError(RejectedError):
    """Posting would take an account of a real location below zero."""

    code = ErrorCode.INSUFFICIENT_STOCK
    template = (
        "cannot take {requested} of {sku!r} from {location} [{bucket}]: only {available} "
        "there; post less, or receive or move stock in first"
    )
    sku: str
    location: str
    bucket: str
    requested: int
    available: int


class NotFoundError(RejectedError):
    """The command refers to a record (transfer, reservation, order, ...) that does not exist."""

    code = ErrorCode.NOT_FOUND
    template = "no {what} with id {key!r}"
    what: str
    key: str


class IllegalTransitionError(RejectedError):
    """The action is not allowed in the record's current state."""

    code = ErrorCode.ILLEGAL_TRANSITION
    what: str
    key: str
    state: str
    action: str
    hint: str = fact(default="", in_fields=False)

    def _render(self) -> str:
        message = f"cannot {self.action} {self.what} {self.key!r}: it is {self.state}"
        return f"{message}; {self.hint}" if self.hint else message


class OverCommitError(RejectedError):
    """Committing or releasing more units of a reservation than it still holds."""

    code = ErrorCode.OVER_COMMIT
    template = (
        "cannot {action} {requested} unit(s) of reservation {reservation!r}: only {held} "
        "still held; {action} at most {held}"
    )
    reservation: str
    action: str
    requested: int
    held: int


class OverReceiptError(RejectedError):
    """A receipt that would take a purchase line past its over-receipt tolerance."""

    code = ErrorCode.OVER_RECEIPT
    template = (
        "cannot receive {requested} of {sku!r} on purchase order {purchase_order!r}: at most "
        "{allowed} more are within the over-receipt tolerance; receive the excess with "
        "ReceiveStock or raise the tolerance"
    )
    purchase_order: str
    sku: str
    requested: int
    allowed: int


class TransferOverReceiptError(RejectedError):
    """A transfer receipt of more units than the transfer has in transit."""

    code = ErrorCode.TRANSFER_OVER_RECEIPT
    template = (
        "transfer {transfer!r} has {in_transit} of {sku!r} in transit, {requested} "
        "cannot be received; receive extra units with ReceiveStock"
    )
    transfer: str
    sku: str
    requested: int
    in_transit: int


class KitStockError(RejectedError):
    """Assembling or disassembling a SKU that has no bill of materials."""

    code = ErrorCode.NOT_A_KIT
    template = "{sku!r} has no kit_components (bill of materials); define it as a kit first"
    sku: str


class BundleStockError(RejectedError):
    """A movement of a bundle SKU: bundles hold no stock, their components do."""

    code = ErrorCode.BUNDLE_STOCK
    template = (
        "{sku!r} is a bundle and holds no stock of its own; move or receive its components instead"
    )
    sku: str


# --- idempotency and concurrency ---------------------------------------------------------


class IdempotencyConflictError(InvorderError):
    """An idempotency key reused for a command whose content differs from the first one."""

    code = ErrorCode.IDEMPOTENCY_CONFLICT
    template = (
        "idempotency key {key!r} was first used with {field}={first!r}, now {second!r}; "
        "a key names one command: use a new key for a different command"
    )
    key: str
    field: str
    first: object
    second: object


class ConcurrencyError(InvorderError):
    """Another writer appended first; reload and retry (the engine does so a few times)."""

    code = ErrorCode.CONCURRENCY_CONFLICT
    template = (
        "the log moved on (expected position {expected}, found {actual}) "
        "after {attempts} attempt(s); it is safe to retry the command"
    )
    expected: int
    actual: int
    attempts: int = 1


# --- routing (orders' value types, routing requests, rules and plans) ----------------------


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


# --- orders (capture, cancellations, shipments, returns) ----------------------------------


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


class OrderConflictError(IdempotencyConflictError):
    """A capture for a (channel, external id) already taken in with other content.

    ``key`` is ``channel/external_id``.
    """

    code = ErrorCode.ORDER_CONFLICT
    template = (
        "order {external_id!r} of channel {channel!r} was captured with {field}={first!r}, "
        "now {second!r}; an order is captured once: change it with holds, cancellations or "
        "returns"
    )
    channel: str
    external_id: str

    # Written out: a capture names the order first, where a dataclass would put the
    # inherited facts (key, field, first, second) first.
    def __init__(
        self, channel: str, external_id: str, field: str, first: object, second: object
    ) -> None:
        self.key = f"{channel}/{external_id}"
        self.channel, self.external_id = channel, external_id
        self.field, self.first, self.second = field, first, second
        self._settle()


class CancelShippedError(RejectedError):
    """Cancelling units that have already shipped: that is a return."""

    code = ErrorCode.CANCEL_SHIPPED
    template = (
        "cannot cancel {requested} unit(s) of line {line_id!r} of order {order!r}: only "
        "{cancellable} not shipped or cancelled yet; shipped units come back through a "
        "return (OpenReturn)"
    )
    order: str
    line_id: str
    requested: int
    cancellable: int


class ReturnQuantityError(RejectedError):
    """A return of more units than shipped minus already returned (or than expected)."""

    code = ErrorCode.RETURN_QUANTITY
    template = (
        "cannot {what} {requested} unit(s) of line {line_id!r}: only {allowed} may be; "
        "a return never exceeds what shipped and was not yet returned"
    )
    what: str
    line_id: str
    requested: int
    allowed: int
