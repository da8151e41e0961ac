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
"""

from __future__ import annotations

from typing import Any, ClassVar


class InvorderError(Exception):
    """Root of every error invorder raises on purpose.

    ``code`` is stable across releases (use it in logs and APIs); ``fields`` holds the
    structured facts the message was built from.
    """

    code: ClassVar[str] = "invorder_error"

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = fields

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, InvorderError)
            and other.message == self.message
            and other.fields == self.fields
        )

    def __hash__(self) -> int:
        return hash((type(self), self.message))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.fields))


def _rebuild(cls: type[InvorderError], message: str, fields: dict[str, Any]) -> InvorderError:
    error = cls.__new__(cls)
    InvorderError.__init__(error, message, **fields)
    return error


# --- malformed input ---------------------------------------------------------------------


class ValidationError(InvorderError, ValueError):
    """Malformed input: the command is wrong whatever the state is."""

    code = "validation_error"


class InvalidQuantityError(ValidationError):
    """A quantity that is not a positive integer (or, for counts, a non-negative one)."""

    code = "invalid_quantity"

    def __init__(self, field: str, value: object, *, allow_zero: bool = False) -> None:
        rule = "a non-negative integer" if allow_zero else "a positive integer"
        super().__init__(
            f"{field} must be {rule} number of units, got {value!r}; "
            "quantities are whole units, never zero, negative or fractional",
            field=field,
            value=value,
        )


class NaiveDatetimeError(ValidationError):
    """A datetime without a timezone: invorder only accepts aware times."""

    code = "naive_datetime"

    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            f"{field} must be a timezone-aware datetime, got {value!r}; "
            "pass tzinfo (for example datetime(..., tzinfo=timezone.utc))",
            field=field,
            value=value,
        )


class InvalidIdentifierError(ValidationError):
    """An id, SKU code, key or reference that is empty or badly formed."""

    code = "invalid_identifier"

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(
            f"{field} {value!r} is not valid: {rule}", field=field, value=value, rule=rule
        )


class InvalidLocationError(ValidationError):
    """A location path that cannot name a place (empty segment, bad characters)."""

    code = "invalid_location"

    def __init__(self, value: object, rule: str) -> None:
        super().__init__(
            f"location {value!r} is not a valid path: {rule}; "
            "use segments of letters, digits, '-', '_' or '.', joined by '/' (e.g. 'EAST/A/01')",
            value=value,
            rule=rule,
        )


class InvalidBarcodeError(ValidationError):
    """A barcode that is not a GTIN-8/12/13/14 with a correct check digit."""

    code = "invalid_barcode"

    def __init__(self, value: object, rule: str) -> None:
        super().__init__(
            f"barcode {value!r} is not a valid GTIN/UPC/EAN: {rule}", value=value, rule=rule
        )


class InvalidMovementError(ValidationError):
    """A movement or entry that cannot be posted as written (e.g. from an account to itself)."""

    code = "invalid_movement"

    def __init__(self, rule: str, **fields: Any) -> None:
        super().__init__(f"invalid movement: {rule}", rule=rule, **fields)


class InvalidBundleError(ValidationError):
    """A bundle whose components are malformed (repeated, or the bundle itself)."""

    code = "invalid_bundle"

    def __init__(self, sku: str, rule: str) -> None:
        super().__init__(f"bundle {sku!r} is not valid: {rule}", sku=sku, rule=rule)


class InvalidPolicyError(ValidationError):
    """A channel availability policy that cannot be applied (bad share cap, nested feeds)."""

    code = "invalid_policy"

    def __init__(self, rule: str, **fields: Any) -> None:
        super().__init__(f"invalid channel policy: {rule}", rule=rule, **fields)


class MissingLeadTimeError(ValidationError):
    """A reorder policy that needs a lead time, for a SKU whose supplier gives none."""

    code = "missing_lead_time"

    def __init__(self, sku: str, location: str, policy: str) -> None:
        super().__init__(
            f"policy {policy} for {sku!r} at {location} needs a lead time: give lead_time_days "
            "on the policy or on the supplier (per supplier or per SKU)",
            sku=sku,
            location=location,
            policy=policy,
        )


class InvalidReorderPolicyError(ValidationError):
    """A replenishment policy or planning parameter that cannot be used."""

    code = "invalid_reorder_policy"

    def __init__(self, rule: str, **fields: Any) -> None:
        super().__init__(f"invalid reorder policy: {rule}", rule=rule, **fields)


# --- rejected by the current state -------------------------------------------------------


class RejectedError(InvorderError):
    """A well-formed command that the current state refuses; retrying as-is will not help."""

    code = "rejected"


class UnknownSkuError(RejectedError):
    """The command names a SKU (or barcode) the catalog does not define."""

    code = "unknown_sku"

    def __init__(self, sku: str, *, barcode: str | None = None) -> None:
        if barcode is not None:
            message = f"no SKU has barcode {barcode!r}; define the SKU with that barcode first"
        else:
            message = f"unknown SKU {sku!r}; define it in the catalog before moving stock"
        super().__init__(message, sku=sku, barcode=barcode)


class UnknownLocationError(RejectedError):
    """The command names a location that was never defined."""

    code = "unknown_location"

    def __init__(self, location: str) -> None:
        super().__init__(
            f"unknown location {location!r}; define it (define_location) before using it",
            location=location,
        )


class DuplicateError(RejectedError):
    """Something with this id or barcode already exists with other content."""

    code = "duplicate"

    def __init__(self, what: str, key: str, detail: str) -> None:
        super().__init__(f"{what} {key!r} already exists: {detail}", what=what, key=key)


class InsufficientStockError(RejectedError):
    """Posting would take an account of a real location below zero."""

    code = "insufficient_stock"

    def __init__(self, sku: str, location: str, bucket: str, requested: int, available: int):
        super().__init__(
            f"cannot take {requested} of {sku!r} from {location} [{bucket}]: "
            f"only {available} there; post less, or receive or move stock in first",
            sku=sku,
            location=location,
            bucket=bucket,
            requested=requested,
            available=available,
        )


class NotFoundError(RejectedError):
    """The command refers to a record (transfer, reservation, order, ...) that does not exist."""

    code = "not_found"

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"no {what} with id {key!r}", what=what, key=key)


class IllegalTransitionError(RejectedError):
    """The action is not allowed in the record's current state."""

    code = "illegal_transition"

    def __init__(self, what: str, key: str, state: str, action: str, hint: str = "") -> None:
        message = f"cannot {action} {what} {key!r}: it is {state}"
        if hint:
            message += f"; {hint}"
        super().__init__(message, what=what, key=key, state=state, action=action)


class OverCommitError(RejectedError):
    """Committing or releasing more units of a reservation than it still holds."""

    code = "over_commit"

    def __init__(self, reservation: str, action: str, requested: int, held: int) -> None:
        super().__init__(
            f"cannot {action} {requested} unit(s) of reservation {reservation!r}: only {held} "
            f"still held; {action} at most {held}",
            reservation=reservation,
            action=action,
            requested=requested,
            held=held,
        )


class OverReceiptError(RejectedError):
    """A receipt that would take a purchase line past its over-receipt tolerance."""

    code = "over_receipt"

    def __init__(self, purchase_order: str, sku: str, requested: int, allowed: int) -> None:
        super().__init__(
            f"cannot receive {requested} of {sku!r} on purchase order {purchase_order!r}: at "
            f"most {allowed} more are within the over-receipt tolerance; receive the excess "
            "with ReceiveStock or raise the tolerance",
            purchase_order=purchase_order,
            sku=sku,
            requested=requested,
            allowed=allowed,
        )


class TransferOverReceiptError(RejectedError):
    """A transfer receipt of more units than the transfer has in transit."""

    code = "transfer_over_receipt"

    def __init__(self, transfer: str, sku: str, requested: int, in_transit: int) -> None:
        super().__init__(
            f"transfer {transfer!r} has {in_transit} of {sku!r} in transit, {requested} "
            "cannot be received; receive extra units with ReceiveStock",
            transfer=transfer,
            sku=sku,
            requested=requested,
            in_transit=in_transit,
        )


class KitStockError(RejectedError):
    """Assembling or disassembling a SKU that has no bill of materials."""

    code = "not_a_kit"

    def __init__(self, sku: str) -> None:
        super().__init__(
            f"{sku!r} has no kit_components (bill of materials); define it as a kit first",
            sku=sku,
        )


class BundleStockError(RejectedError):
    """A movement of a bundle SKU: bundles hold no stock, their components do."""

    code = "bundle_stock"

    def __init__(self, sku: str) -> None:
        super().__init__(
            f"{sku!r} is a bundle and holds no stock of its own; move or receive its "
            "components instead",
            sku=sku,
        )


# --- idempotency and concurrency ---------------------------------------------------------


class IdempotencyConflictError(InvorderError):
    """An idempotency key reused for a command whose content differs from the first one."""

    code = "idempotency_conflict"

    def __init__(self, key: str, field: str, first: object, second: object) -> None:
        super().__init__(
            f"idempotency key {key!r} was first used with {field}={first!r}, now {second!r}; "
            "a key names one command: use a new key for a different command",
            key=key,
            field=field,
            first=first,
            second=second,
        )


class ConcurrencyError(InvorderError):
    """Another writer appended first; reload and retry (the engine does so a few times)."""

    code = "concurrency_conflict"

    def __init__(self, expected: int, actual: int, attempts: int = 1) -> None:
        super().__init__(
            f"the log moved on (expected position {expected}, found {actual}) "
            f"after {attempts} attempt(s); it is safe to retry the command",
            expected=expected,
            actual=actual,
            attempts=attempts,
        )


# --- routing (orders' value types, routing requests, rules and plans) ----------------------


class InvalidMoneyError(ValidationError):
    """An amount or currency that cannot be used: a float, NaN, a bad currency code, a
    negative cost, or currencies that do not go together."""

    code = "invalid_money"

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(
            f"money {field} {value!r} is not valid: {rule}; "
            "write amounts as Decimal('12.50') with a code such as 'EUR'",
            field=field,
            value=value,
            rule=rule,
        )


class CurrencyMismatchError(ValidationError):
    """Two amounts of different currencies were added or compared."""

    code = "currency_mismatch"

    def __init__(self, action: str, first: str, second: str) -> None:
        super().__init__(
            f"cannot {action} {first} and {second}: convert to one currency first",
            action=action,
            first=first,
            second=second,
        )


class InvalidCoordinatesError(ValidationError):
    """A latitude or longitude outside its range, or not a number."""

    code = "invalid_coordinates"

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(
            f"{field} must be {rule}, got {value!r}", field=field, value=value, rule=rule
        )


class InvalidRoutingRequestError(ValidationError):
    """A routing request (order view, lines, candidate locations) that cannot be routed."""

    code = "invalid_routing_request"

    def __init__(self, rule: str, **fields: Any) -> None:
        super().__init__(f"invalid routing request: {rule}", rule=rule, **fields)


class InvalidRoutingRuleError(ValidationError):
    """A routing building block composed with bad settings (a zero weight, N < 1, ...)."""

    code = "invalid_routing_rule"

    def __init__(self, rule: str, **fields: Any) -> None:
        super().__init__(f"invalid routing rule: {rule}", rule=rule, **fields)


class InvalidPlanError(ValidationError):
    """An allocation plan that breaks a plan law (over ATP, quantities that do not add up)."""

    code = "invalid_plan"

    def __init__(self, rule: str, **fields: Any) -> None:
        super().__init__(
            f"allocation plan breaks a routing law: {rule}; a rule must never allocate more "
            "than ATP and must account for every requested unit",
            rule=rule,
            **fields,
        )


class InconsistentSupplyError(ValidationError):
    """Requests of one wave disagree about the ATP or capacity of a location."""

    code = "inconsistent_supply"

    def __init__(self, location: str, what: str, first: object, second: object) -> None:
        super().__init__(
            f"requests in one wave disagree on {what} at {location}: {first!r} vs {second!r}; "
            "build every request of a wave from one snapshot of supply",
            location=location,
            what=what,
            first=first,
            second=second,
        )


# --- orders (capture, cancellations, shipments, returns) ----------------------------------


class EmptyOrderError(ValidationError):
    """An order captured without any line."""

    code = "empty_order"

    def __init__(self, order: str) -> None:
        super().__init__(
            f"order {order!r} has no lines; capture it with at least one line", order=order
        )


class CasePackError(ValidationError):
    """A wholesale line quantity that breaks the SKU's case pack or minimum quantity."""

    code = "case_pack"

    def __init__(self, line_id: str, sku: str, quantity: int, pack: int, rule: str) -> None:
        if rule == "minimum":
            hint = f"order at least {pack}"
        else:
            below, above = quantity - quantity % pack, quantity - quantity % pack + pack
            hint = f"order a multiple of {pack} (e.g. {below or above} or {above})"
        super().__init__(
            f"line {line_id!r}: {quantity} of {sku!r} breaks the {rule} of {pack}; {hint}",
            line_id=line_id,
            sku=sku,
            quantity=quantity,
            pack=pack,
            rule=rule,
        )


class OrderConflictError(IdempotencyConflictError):
    """A capture for a (channel, external id) already taken in with other content."""

    code = "order_conflict"

    def __init__(self, channel: str, external_id: str, field: str, first: object, second: object):
        InvorderError.__init__(
            self,
            f"order {external_id!r} of channel {channel!r} was captured with "
            f"{field}={first!r}, now {second!r}; an order is captured once: change it with "
            "holds, cancellations or returns",
            key=f"{channel}/{external_id}",
            channel=channel,
            external_id=external_id,
            field=field,
            first=first,
            second=second,
        )


class CancelShippedError(RejectedError):
    """Cancelling units that have already shipped: that is a return."""

    code = "cancel_shipped"

    def __init__(self, order: str, line_id: str, requested: int, cancellable: int) -> None:
        super().__init__(
            f"cannot cancel {requested} unit(s) of line {line_id!r} of order {order!r}: only "
            f"{cancellable} not shipped or cancelled yet; shipped units come back through a "
            "return (OpenReturn)",
            order=order,
            line_id=line_id,
            requested=requested,
            cancellable=cancellable,
        )


class ReturnQuantityError(RejectedError):
    """A return of more units than shipped minus already returned (or than expected)."""

    code = "return_quantity"

    def __init__(self, what: str, line_id: str, requested: int, allowed: int) -> None:
        super().__init__(
            f"cannot {what} {requested} unit(s) of line {line_id!r}: only {allowed} may be; "
            "a return never exceeds what shipped and was not yet returned",
            what=what,
            line_id=line_id,
            requested=requested,
            allowed=allowed,
        )
