"""Errors as declared data: one example of every error class, with its code, its message
(copied from the hand-written constructors this replaced) and its fields; attributes that
equal the fields, pickling, equality, and the table of codes in precedence order.
"""

from __future__ import annotations

import ast
import copy
import datetime
import inspect
import itertools
import pathlib
import pickle
import re
from decimal import Decimal

import pytest

import invorder
import invorder.codec
import invorder.simulate
from invorder.domain.errors import (
    BundleStockError,
    CancelShippedError,
    CasePackError,
    CheckpointConflictError,
    CodecError,
    ConcurrencyError,
    ConflictingFieldsError,
    CurrencyMismatchError,
    DuplicateError,
    EmptyOrderError,
    ErrorCode,
    IdempotencyConflictError,
    IllegalTransitionError,
    InconsistentSupplyError,
    InsufficientStockError,
    InvalidBarcodeError,
    InvalidBundleError,
    InvalidCheckpointError,
    InvalidCoordinatesError,
    InvalidFieldError,
    InvalidIdentifierError,
    InvalidListError,
    InvalidLocationError,
    InvalidMoneyError,
    InvalidMovementError,
    InvalidPlanError,
    InvalidPolicyError,
    InvalidQuantityError,
    InvalidReorderPolicyError,
    InvalidRoutingRequestError,
    InvalidRoutingRuleError,
    InvoiceRefusedError,
    InvorderError,
    MissingLeadTimeError,
    NaiveDatetimeError,
    NotAKitError,
    NotFoundError,
    OrderClosedError,
    OrderConflictError,
    OrderOnHoldError,
    OverCaptureError,
    OverCommitError,
    OverCreditError,
    OverReceiptError,
    OverRefundError,
    PaymentConflictError,
    RejectedError,
    ReturnQuantityError,
    StoreCorruptError,
    StoreUnavailableError,
    TransferOverReceiptError,
    UnknownChannelError,
    UnknownLocationError,
    UnknownSkuError,
    UnpricedLineError,
    ValidationError,
)
from invorder.simulate.golden import GoldenFileError, GoldenMismatchError
from invorder.simulate.run import UnknownRuleError
from invorder.simulate.scenario import ScenarioError

# (an error built as call sites build it, its message, its fields)
EXAMPLES: list[tuple[InvorderError, str, dict[str, object]]] = [
    (
        InvorderError("something went wrong", what="x"),
        "something went wrong",
        {"what": "x"},
    ),
    (
        ValidationError("a line appears twice; merge the quantities", field="lines"),
        "a line appears twice; merge the quantities",
        {"field": "lines"},
    ),
    (
        InvalidFieldError("kind", "retail", "one of 'dtc', 'marketplace', 'wholesale'"),
        "kind must be one of 'dtc', 'marketplace', 'wholesale' (got 'retail')",
        {
            "field": "kind",
            "value": "retail",
            "expected": "one of 'dtc', 'marketplace', 'wholesale'",
        },
    ),
    (
        UnknownChannelError("ebay"),
        "unknown channel 'ebay'; define it first (DefineChannel: the warehouses that feed it and "
        "its availability policy)",
        {"channel": "ebay"},
    ),
    (
        OrderOnHoldError("O-1", "O-1/S1", "ship", "fraud_review"),
        "cannot ship shipment 'O-1/S1': order 'O-1' is on hold (fraud_review); release the hold "
        "first (ReleaseHold)",
        {"order": "O-1", "shipment": "O-1/S1", "action": "ship", "holds": "fraud_review"},
    ),
    (
        InvalidQuantityError("quantity", 0),
        (
            "quantity must be a positive integer number of units, got 0; quantities are whole "
            "units, never zero, negative or fractional"
        ),
        {"field": "quantity", "value": 0},
    ),
    (
        InvalidQuantityError("counted", -1, allow_zero=True),
        (
            "counted must be a non-negative integer number of units, got -1; quantities are "
            "whole units, never zero, negative or fractional"
        ),
        {"field": "counted", "value": -1},
    ),
    (
        NaiveDatetimeError("at", datetime.datetime(2026, 11, 27, 8, 0)),
        (
            "at must be a timezone-aware datetime, got datetime.datetime(2026, 11, 27, 8, 0); "
            "pass tzinfo (for example datetime(..., tzinfo=timezone.utc))"
        ),
        {"field": "at", "value": datetime.datetime(2026, 11, 27, 8, 0)},
    ),
    (
        InvalidIdentifierError("key", "", "it must be a non-empty string"),
        "key '' is not valid: it must be a non-empty string",
        {"field": "key", "value": "", "rule": "it must be a non-empty string"},
    ),
    (
        InvalidLocationError("EAST//01", "segment '' is empty or has bad characters"),
        (
            "location 'EAST//01' is not a valid path: segment '' is empty or has bad characters; "
            "use segments of letters, digits, '-', '_' or '.', joined by '/' (e.g. 'EAST/A/01')"
        ),
        {
            "value": "EAST//01",
            "rule": "segment '' is empty or has bad characters",
            "field": "location",
        },
    ),
    (
        InvalidLocationError(
            "@scrap", "a virtual location cannot be used here", field="destination"
        ),
        (
            "destination '@scrap' is not a valid path: a virtual location cannot be used here; "
            "use segments of letters, digits, '-', '_' or '.', joined by '/' (e.g. 'EAST/A/01')"
        ),
        {
            "value": "@scrap",
            "rule": "a virtual location cannot be used here",
            "field": "destination",
        },
    ),
    (
        InvalidBarcodeError("4006381333932", "check digit is 2, expected 1 (mistyped or misread?)"),
        (
            "barcode '4006381333932' is not a valid GTIN/UPC/EAN: check digit is 2, expected 1 "
            "(mistyped or misread?)"
        ),
        {"value": "4006381333932", "rule": "check digit is 2, expected 1 (mistyped or misread?)"},
    ),
    (
        InvalidMovementError(
            "source and destination are both EAST/A/01", source="EAST/A/01", destination="EAST/A/01"
        ),
        "invalid movement: source and destination are both EAST/A/01",
        {
            "rule": "source and destination are both EAST/A/01",
            "source": "EAST/A/01",
            "destination": "EAST/A/01",
        },
    ),
    (
        InvalidBundleError("BOX", "a bundle cannot contain itself"),
        "bundle 'BOX' is not valid: a bundle cannot contain itself",
        {"sku": "BOX", "rule": "a bundle cannot contain itself"},
    ),
    (
        InvalidPolicyError("share cap must be between 0 and 1", value=Decimal("1.5")),
        "invalid channel policy: share cap must be between 0 and 1",
        {"rule": "share cap must be between 0 and 1", "value": Decimal("1.5")},
    ),
    (
        MissingLeadTimeError("MUG", "WEST", "reorder_point"),
        (
            "policy reorder_point for 'MUG' at WEST needs a lead time: give lead_time_days on "
            "the policy or on the supplier (per supplier or per SKU)"
        ),
        {"sku": "MUG", "location": "WEST", "policy": "reorder_point"},
    ),
    (
        InvalidReorderPolicyError("alpha must be in (0, 1]", field="alpha", alpha=2),
        "invalid reorder policy: alpha must be in (0, 1]",
        {"rule": "alpha must be in (0, 1]", "field": "alpha", "alpha": 2},
    ),
    (
        RejectedError("refused", what="x"),
        "refused",
        {"what": "x"},
    ),
    (
        UnknownSkuError("CUP"),
        "unknown SKU 'CUP'; define it in the catalog before moving stock",
        {"sku": "CUP", "barcode": None},
    ),
    (
        UnknownSkuError("", barcode="4006381333931"),
        "no SKU has barcode '4006381333931'; define the SKU with that barcode first",
        {"sku": "", "barcode": "4006381333931"},
    ),
    (
        UnknownLocationError("EAST/A/09"),
        "unknown location 'EAST/A/09'; define it (define_location) before using it",
        {"location": "EAST/A/09"},
    ),
    (
        DuplicateError("transfer", "TR-1", "a transfer id is used once"),
        "transfer 'TR-1' already exists: a transfer id is used once",
        {"what": "transfer", "key": "TR-1"},
    ),
    (
        InsufficientStockError("MUG", "EAST/A/01", "available", 5, 2),
        (
            "cannot take 5 of 'MUG' from EAST/A/01 [available]: only 2 there; post less, or "
            "receive or move stock in first"
        ),
        {
            "sku": "MUG",
            "location": "EAST/A/01",
            "bucket": "available",
            "requested": 5,
            "available": 2,
        },
    ),
    (
        NotFoundError("transfer", "TR-9"),
        "no transfer with id 'TR-9'",
        {"what": "transfer", "key": "TR-9"},
    ),
    (
        IllegalTransitionError("transfer", "TR-1", "closed", "receive"),
        "cannot receive transfer 'TR-1': it is closed",
        {"what": "transfer", "key": "TR-1", "state": "closed", "action": "receive"},
    ),
    (
        IllegalTransitionError(
            "order",
            "O-1",
            "shipped",
            "cancel",
            "shipped units come back through a return (OpenReturn)",
        ),
        (
            "cannot cancel order 'O-1': it is shipped; shipped units come back through a return "
            "(OpenReturn)"
        ),
        {"what": "order", "key": "O-1", "state": "shipped", "action": "cancel"},
    ),
    (
        OverCommitError("R-1", "commit", 5, 3),
        "cannot commit 5 unit(s) of reservation 'R-1': only 3 still held; commit at most 3",
        {"reservation": "R-1", "action": "commit", "requested": 5, "held": 3},
    ),
    (
        OverReceiptError("PO-1", "MUG", 20, 11),
        (
            "cannot receive 20 of 'MUG' on purchase order 'PO-1': at most 11 more are within the "
            "over-receipt tolerance; receive the excess with ReceiveStock or raise the tolerance"
        ),
        {"purchase_order": "PO-1", "sku": "MUG", "requested": 20, "allowed": 11},
    ),
    (
        TransferOverReceiptError("TR-1", "MUG", 2, 1),
        (
            "transfer 'TR-1' has 1 of 'MUG' in transit, 2 cannot be received; receive extra "
            "units with ReceiveStock"
        ),
        {"transfer": "TR-1", "sku": "MUG", "requested": 2, "in_transit": 1},
    ),
    (
        InvalidListError("lines", "line '1' appears twice; merge the quantities"),
        "lines: line '1' appears twice; merge the quantities",
        {"field": "lines", "problem": "line '1' appears twice; merge the quantities"},
    ),
    (
        ConflictingFieldsError("expires_at", "not after at"),
        "expires_at: not after at",
        {"field": "expires_at", "problem": "not after at"},
    ),
    (
        NotAKitError("MUG"),
        "'MUG' has no kit_components (bill of materials); define it as a kit first",
        {"sku": "MUG"},
    ),
    (
        BundleStockError("BOX"),
        ("'BOX' is a bundle and holds no stock of its own; move or receive its components instead"),
        {"sku": "BOX"},
    ),
    (
        IdempotencyConflictError("d", "quantity", 1, 2),
        (
            "idempotency key 'd' was first used with quantity=1, now 2; a key names one command: "
            "use a new key for a different command"
        ),
        {"key": "d", "field": "quantity", "first": 1, "second": 2},
    ),
    (
        StoreCorruptError(5, "no event is stored there"),
        (
            "the event store is corrupt at position 5: no event is stored there; the log must "
            "be a gap-free sequence from 0 (restore it from a backup)"
        ),
        {"position": 5, "problem": "no event is stored there"},
    ),
    (
        StoreCorruptError(None, "file is not a database"),
        (
            "the event store is corrupt: file is not a database; the log must be a gap-free "
            "sequence from 0 (restore it from a backup)"
        ),
        {"position": None, "problem": "file is not a database"},
    ),
    (
        InvalidCheckpointError("shopify-sync", 120, "past the log's head 100"),
        "checkpoint 120 of consumer 'shopify-sync' is past the log's head 100",
        {"consumer": "shopify-sync", "position": 120, "problem": "past the log's head 100"},
    ),
    (
        CheckpointConflictError("shopify-sync", 40, 55),
        (
            "the checkpoint of consumer 'shopify-sync' is no longer 40 (another consumer of "
            "that name moved it to 55); read again from the stored checkpoint"
        ),
        {"consumer": "shopify-sync", "expected": 40, "actual": 55},
    ),
    (
        StoreUnavailableError("append events", "database is locked"),
        (
            "the store could not append events: database is locked; nothing was written (an "
            "append is all or nothing): it is safe to retry once the store is reachable and "
            "writable"
        ),
        {"operation": "append events", "problem": "database is locked"},
    ),
    (
        ConcurrencyError(4, 6),
        (
            "the log moved on (expected position 4, found 6) after 1 attempt(s); it is safe to "
            "retry the command"
        ),
        {"expected": 4, "actual": 6, "attempts": 1},
    ),
    (
        ConcurrencyError(4, 6, 3),
        (
            "the log moved on (expected position 4, found 6) after 3 attempt(s); it is safe to "
            "retry the command"
        ),
        {"expected": 4, "actual": 6, "attempts": 3},
    ),
    (
        InvalidMoneyError("amount", 1.5, "it must be a Decimal, an int or a numeric string"),
        (
            "money amount 1.5 is not valid: it must be a Decimal, an int or a numeric string; "
            "write amounts as Decimal('12.50') with a code such as 'EUR'"
        ),
        {
            "field": "amount",
            "value": 1.5,
            "rule": "it must be a Decimal, an int or a numeric string",
        },
    ),
    (
        CurrencyMismatchError("add", "EUR", "USD"),
        "cannot add EUR and USD: convert to one currency first",
        {"action": "add", "first": "EUR", "second": "USD"},
    ),
    (
        InvalidCoordinatesError("latitude", 91, "a number from -90 to 90"),
        "latitude must be a number from -90 to 90, got 91",
        {"field": "latitude", "value": 91, "rule": "a number from -90 to 90"},
    ),
    (
        InvalidRoutingRequestError("a line id appears twice", line_id="L1"),
        "invalid routing request: a line id appears twice",
        {"rule": "a line id appears twice", "line_id": "L1"},
    ),
    (
        InvalidRoutingRuleError("weight must not be zero", weight=0),
        "invalid routing rule: weight must not be zero",
        {"rule": "weight must not be zero", "weight": 0},
    ),
    (
        InvalidPlanError("more than ATP", line_id="L1", location="EAST", requested=3, allocated=4),
        (
            "allocation plan breaks a routing law: more than ATP; a rule must never allocate "
            "more than ATP and must account for every requested unit"
        ),
        {
            "rule": "more than ATP",
            "line_id": "L1",
            "location": "EAST",
            "requested": 3,
            "allocated": 4,
        },
    ),
    (
        InconsistentSupplyError("EAST", "ATP of MUG", 3, 4),
        (
            "requests in one wave disagree on ATP of MUG at EAST: 3 vs 4; build every request of "
            "a wave from one snapshot of supply"
        ),
        {"location": "EAST", "what": "ATP of MUG", "first": 3, "second": 4},
    ),
    (
        EmptyOrderError("O-1"),
        "order 'O-1' has no lines; capture it with at least one line",
        {"order": "O-1"},
    ),
    (
        CasePackError("L1", "MUG", 7, 6, "case pack"),
        ("line 'L1': 7 of 'MUG' breaks the case pack of 6; order a multiple of 6 (e.g. 6 or 12)"),
        {"line_id": "L1", "sku": "MUG", "quantity": 7, "pack": 6, "rule": "case pack"},
    ),
    (
        CasePackError("L1", "MUG", 4, 6, "case pack"),
        "line 'L1': 4 of 'MUG' breaks the case pack of 6; order a multiple of 6 (e.g. 6 or 6)",
        {"line_id": "L1", "sku": "MUG", "quantity": 4, "pack": 6, "rule": "case pack"},
    ),
    (
        CasePackError("L1", "MUG", 3, 6, "minimum"),
        "line 'L1': 3 of 'MUG' breaks the minimum of 6; order at least 6",
        {"line_id": "L1", "sku": "MUG", "quantity": 3, "pack": 6, "rule": "minimum"},
    ),
    (
        OrderConflictError("shop", "1001", "lines", ("L1",), ("L2",)),
        (
            "order '1001' of channel 'shop' was captured with lines=('L1',), now ('L2',); an "
            "order is captured once: change it with holds, cancellations or returns"
        ),
        {
            "key": "shop/1001",
            "channel": "shop",
            "external_id": "1001",
            "field": "lines",
            "first": ("L1",),
            "second": ("L2",),
        },
    ),
    (
        PaymentConflictError("psp-7", "amount", "20.00 USD", "25.00 USD"),
        (
            "payment reference 'psp-7' was first reported with amount='20.00 USD', now "
            "'25.00 USD'; a provider reference names one payment fact: report another fact "
            "under its own reference"
        ),
        {"key": "psp-7", "field": "amount", "first": "20.00 USD", "second": "25.00 USD"},
    ),
    (
        OverCaptureError("O-1", "30.00 USD", "20.00 USD", "authorised, not captured"),
        (
            "cannot capture 30.00 USD on order 'O-1': only 20.00 USD may be captured "
            "(authorised, not captured); capture at most that, or record a further "
            "authorisation first"
        ),
        {
            "order": "O-1",
            "amount": "30.00 USD",
            "allowed": "20.00 USD",
            "why": "authorised, not captured",
        },
    ),
    (
        OverRefundError("O-1", "30.00 USD", "20.00 USD"),
        (
            "cannot refund 30.00 USD on order 'O-1': only 20.00 USD is captured and not yet "
            "refunded; a refund never exceeds what was captured"
        ),
        {"order": "O-1", "amount": "30.00 USD", "allowed": "20.00 USD"},
    ),
    (
        CancelShippedError("O-1", "L1", 3, 1),
        (
            "cannot cancel 3 unit(s) of line 'L1' of order 'O-1': only 1 not shipped or "
            "cancelled yet; shipped units come back through a return (OpenReturn)"
        ),
        {"order": "O-1", "line_id": "L1", "requested": 3, "cancellable": 1},
    ),
    (
        OrderClosedError("W-1", "settled", "CancelOrder"),
        (
            "order 'W-1' was closed (settled); it takes no CancelOrder any more, only a return "
            "within its return window"
        ),
        {"order": "W-1", "reason": "settled", "command": "CancelOrder"},
    ),
    (
        InvoiceRefusedError("W-1", "nothing shipped is left to invoice"),
        "cannot invoice order 'W-1': nothing shipped is left to invoice",
        {"order": "W-1", "problem": "nothing shipped is left to invoice"},
    ),
    (
        OverCreditError("CN-2", "INV-1", "3 unit(s) of line '1', of which 2 are left to credit"),
        (
            "credit note 'CN-2' cannot credit invoice 'INV-1': 3 unit(s) of line '1', of which "
            "2 are left to credit; a credit never exceeds what was invoiced and not yet credited"
        ),
        {
            "credit_note": "CN-2",
            "invoice": "INV-1",
            "problem": "3 unit(s) of line '1', of which 2 are left to credit",
        },
    ),
    (
        UnpricedLineError("L1", "MUG", 5, "the order has no price list"),
        (
            "line 'L1' (5 of 'MUG') has no unit price and the order has no price list; give "
            "its price, or define a price list (DefinePriceList) that prices it for the order"
        ),
        {"line_id": "L1", "sku": "MUG", "quantity": 5, "why": "the order has no price list"},
    ),
    (
        ReturnQuantityError("return", "L1", 3, 2),
        (
            "cannot return 3 unit(s) of line 'L1': only 2 may be; a return never exceeds what "
            "shipped and was not yet returned"
        ),
        {"what": "return", "line_id": "L1", "requested": 3, "allowed": 2},
    ),
    (
        CodecError("a command from {}: unknown or missing 'type'", {}),
        "cannot decode a command from {}: unknown or missing 'type'",
        {"problem": "a command from {}: unknown or missing 'type'", "data": {}},
    ),
    (
        ScenarioError(4, "a step", "missing field 'order'"),
        "line 4: expected a step: missing field 'order'",
        {"line": 4, "expected": "a step", "problem": "missing field 'order'", "file": ""},
    ),
    (
        ScenarioError(12, "", "CaptureOrder.lines[0].quantity: must be >= 1 (got -1)", "d.jsonl"),
        "d.jsonl:12: CaptureOrder.lines[0].quantity: must be >= 1 (got -1)",
        {
            "line": 12,
            "expected": "",
            "problem": "CaptureOrder.lines[0].quantity: must be >= 1 (got -1)",
            "file": "d.jsonl",
        },
    ),
    (
        UnknownRuleError("cheapest", "not built in, and not of the form module:attribute"),
        (
            "unknown routing rule 'cheapest': not built in, and not of the form "
            "module:attribute; built-in rules: nearest, most_stock, fewest_shipments, first_fit"
        ),
        {"rule": "cheapest", "problem": "not built in, and not of the form module:attribute"},
    ),
    (
        GoldenFileError(7, "no end record after 5 decisions: the file is truncated", "g.jsonl"),
        "g.jsonl:7: no end record after 5 decisions: the file is truncated",
        {
            "line": 7,
            "problem": "no end record after 5 decisions: the file is truncated",
            "file": "g.jsonl",
        },
    ),
    (
        GoldenMismatchError("g.jsonl", "'small-1' (seed 1)", "'small-2' (seed 2)"),
        (
            "g.jsonl was recorded from scenario 'small-1' (seed 1), not from 'small-2' (seed "
            "2): check it against the scenario it was recorded from, or record it again"
        ),
        {"file": "g.jsonl", "recorded": "'small-1' (seed 1)", "given": "'small-2' (seed 2)"},
    ),
]
IDS = [f"{type(error).__name__}-{n}" for n, (error, _, _) in enumerate(EXAMPLES)]
OPEN = (InvalidMovementError, InvalidPolicyError, InvalidReorderPolicyError,
        InvalidRoutingRequestError, InvalidRoutingRuleError, InvalidPlanError)  # fmt: skip
"""Classes that declare ``rule`` and take further facts by keyword into ``fields`` only."""


def error_classes() -> set[type[InvorderError]]:
    """Every error class of the package (invorder, invorder.codec and invorder.simulate are
    imported above)."""
    found: set[type[InvorderError]] = set()
    todo: list[type[InvorderError]] = [InvorderError]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("invorder") and cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


def test_the_examples_cover_every_error_class() -> None:
    assert {type(error) for error, _, _ in EXAMPLES} == error_classes()


def test_every_class_has_its_own_code_and_every_code_one_class() -> None:
    codes = {cls: cls.__dict__["code"] for cls in error_classes()}
    assert all(type(code) is ErrorCode for code in codes.values())
    assert sorted(codes.values()) == sorted(ErrorCode)  # distinct, and none unused


BRANCH_CODES = {
    InvorderError: "invorder_error",
    ValidationError: "validation_error",
    RejectedError: "rejected",
    IdempotencyConflictError: "idempotency_conflict",
    ConcurrencyError: "concurrency_conflict",
    CodecError: "codec_error",
    ScenarioError: "scenario_error",
}


def test_a_code_is_its_class_name_in_snake_case() -> None:
    # One naming rule a host can rely on: NotAKitError is not_a_kit, OrderOnHoldError is
    # order_on_hold. The root, the branches and the
    # two reading errors (a dict, a scenario file) are named for what they are.
    for cls in error_classes():
        words = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__.removesuffix("Error")).lower()
        assert cls.code == BRANCH_CODES.get(cls, words), cls.__name__


def test_no_command_or_value_raises_a_bare_branch() -> None:
    # Every rule has its own class (and code): a bare ValidationError or RejectedError says
    # only "something is wrong", so nothing in the package raises one.
    bare = {"InvorderError", "ValidationError", "RejectedError"}
    root = pathlib.Path(invorder.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = node.exc.func
                if isinstance(name, ast.Name) and name.id in bare:
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []


def test_the_old_name_of_a_renamed_error_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match=r"invorder\.errors\.NotAKitError"):
        old = invorder.errors.KitStockError  # type: ignore[attr-defined]  # the removed name
    assert old is NotAKitError
    with pytest.warns(DeprecationWarning, match="NotAKitError"):
        assert invorder.KitStockError is NotAKitError  # type: ignore[attr-defined]  # same


def test_codes_equal_their_strings() -> None:
    assert InsufficientStockError.code == "insufficient_stock"
    assert str(ErrorCode.UNKNOWN_RULE) == "unknown_rule"
    assert f"{ErrorCode.CODEC_ERROR}" == "codec_error"
    assert ErrorCode("not_a_kit") is NotAKitError.code


def test_every_code_has_a_one_line_docstring() -> None:
    (statement,) = ast.parse(inspect.getsource(ErrorCode)).body
    assert isinstance(statement, ast.ClassDef)
    documented: dict[str, str] = {}
    for member, after in itertools.pairwise(statement.body):
        if (
            isinstance(member, ast.Assign)
            and isinstance(target := member.targets[0], ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(doc := after.value, ast.Constant)
        ):
            documented[target.id] = str(doc.value)
    assert list(documented) == [member.name for member in ErrorCode]
    assert all(doc.strip() and "\n" not in doc for doc in documented.values())


def test_codes_are_listed_in_the_documented_precedence() -> None:
    order = list(ErrorCode)
    groups: list[list[type[InvorderError]]] = [
        [ValidationError, InvalidQuantityError, InvalidBarcodeError, CodecError, UnknownRuleError],
        [IdempotencyConflictError, OrderConflictError],
        [UnknownSkuError, UnknownLocationError, NotFoundError],
        [RejectedError, DuplicateError, IllegalTransitionError, TransferOverReceiptError,
         InsufficientStockError],
        [ConcurrencyError, InvorderError],
    ]  # fmt: skip
    ranks = [[order.index(cls.code) for cls in group] for group in groups]
    flat = [rank for group in ranks for rank in group]
    assert flat == sorted(flat)


@pytest.mark.parametrize(("error", "message", "fields"), EXAMPLES, ids=IDS)
def test_code_message_and_fields_are_unchanged(
    error: InvorderError, message: str, fields: dict[str, object]
) -> None:
    assert error.code == type(error).code
    assert str(error) == error.message == message
    assert error.args == (message,)
    assert error.fields == fields
    assert repr(error) == f"{type(error).__name__}({message!r})"


@pytest.mark.parametrize(("error", "message", "fields"), EXAMPLES, ids=IDS)
def test_declared_facts_are_the_fields(
    error: InvorderError, message: str, fields: dict[str, object]
) -> None:
    for name, value in fields.items():
        if isinstance(error, OPEN) and name != "rule":
            assert not hasattr(error, name)  # a fact only some call sites give
        elif type(error) not in (InvorderError, ValidationError, RejectedError):
            assert getattr(error, name) == value


def test_facts_are_typed_attributes() -> None:
    error = InsufficientStockError("MUG", "EAST/A/01", "available", 5, 2)
    available: int = error.available
    assert (error.sku, error.location, error.bucket, error.requested, available) == (
        "MUG", "EAST/A/01", "available", 5, 2,
    )  # fmt: skip
    assert UnknownSkuError("", barcode="4006381333931").barcode == "4006381333931"
    assert InvalidPlanError("over ATP", line_id="L1").rule == "over ATP"
    conflict = OrderConflictError("shop", "1001", "lines", (1,), (2,))
    assert (conflict.key, conflict.channel, conflict.first) == ("shop/1001", "shop", (1,))
    assert isinstance(conflict, IdempotencyConflictError)


def test_wording_facts_shape_the_message_but_stay_out_of_fields() -> None:
    plain = IllegalTransitionError("transfer", "TR-1", "closed", "receive")
    hinted = IllegalTransitionError("transfer", "TR-1", "closed", "receive", hint="see docs")
    assert hinted.hint == "see docs"
    assert "hint" not in hinted.fields
    assert plain.fields == hinted.fields
    assert plain != hinted  # the messages differ
    assert DuplicateError("SKU", "MUG", "defined twice").detail == "defined twice"
    assert InvalidQuantityError("counted", -1, allow_zero=True).allow_zero is True


def test_keywords_work_as_at_call_sites() -> None:
    by_keyword = InsufficientStockError(
        sku="MUG", location="EAST/A/01", bucket="available", requested=5, available=2
    )
    assert by_keyword == InsufficientStockError("MUG", "EAST/A/01", "available", 5, 2)
    assert ConcurrencyError(4, 6, attempts=3).attempts == 3
    with pytest.raises(TypeError):
        UnknownSkuError("CUP", "4006381333931")  # type: ignore[call-arg]  # barcode is keyword-only


@pytest.mark.parametrize(("error", "message", "fields"), EXAMPLES, ids=IDS)
def test_every_error_pickles_and_copies_with_its_facts(
    error: InvorderError, message: str, fields: dict[str, object]
) -> None:
    for copied in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(copied) is type(error)
        assert copied == error
        assert hash(copied) == hash(error)
        assert str(copied) == message
        assert copied.fields == fields
        assert vars(copied) == vars(error)


def test_errors_compare_by_class_message_and_fields() -> None:
    error = InsufficientStockError("MUG", "EAST/A/01", "available", 5, 2)
    assert error == InsufficientStockError("MUG", "EAST/A/01", "available", 5, 2)
    assert error != InsufficientStockError("MUG", "EAST/A/01", "available", 5, 3)
    assert IdempotencyConflictError("d", "f", 1, 2) != OrderConflictError("d", "", "f", 1, 2)
    assert len({error, InsufficientStockError("MUG", "EAST/A/01", "available", 5, 2)}) == 1


def test_codec_error_lives_with_the_other_errors() -> None:
    assert invorder.codec.CodecError is CodecError is invorder.errors.CodecError
    assert CodecError.__module__.startswith("invorder.domain.errors")
    assert invorder.simulate.ScenarioError is ScenarioError
