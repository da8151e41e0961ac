"""The catalog: SKUs, their barcodes (GTIN/UPC/EAN with check digits), scan lookup, bundles
and kits' bills of materials."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, KeysView
from collections.abc import Set as AbstractSet
from typing import NewType

import attrs

from invorder.domain import _checks
from invorder.domain._records import FrozenValues
from invorder.domain.errors import (
    DuplicateError,
    InvalidBarcodeError,
    InvalidBundleError,
    UnknownSkuError,
)

SkuId = NewType("SkuId", str)
"""The code of a stock keeping unit, e.g. ``"MUG-BLUE"``."""


def sku_id(value: str) -> SkuId:
    """Check that ``value`` can be a SKU code (a non-empty id) and return it as a SkuId."""
    if not _checks.is_identifier(value):
        _checks.check_identifier("sku", value)  # raises, with the reason
    return SkuId(value)


GTIN_LENGTHS = (8, 12, 13, 14)
"""Accepted barcode lengths: GTIN-8 (EAN-8), GTIN-12 (UPC-A), GTIN-13 (EAN-13), GTIN-14."""


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits of a GTIN without its last (check) digit."""
    total = 0
    for index, char in enumerate(reversed(body)):
        total += int(char) * (3 if index % 2 == 0 else 1)
    return (10 - total % 10) % 10


def normalize_barcode(barcode: str) -> str:
    """Validate a GTIN-8/12/13/14 and return it as 14 digits (zero-padded on the left).

    UPC-A ``036000291452`` and EAN-13 ``0036000291452`` are the same product, so both
    normalise to ``00036000291452``. Raises :class:`InvalidBarcodeError` for a wrong length,
    a non-digit or a wrong check digit.
    """
    if type(barcode) is not str:
        raise InvalidBarcodeError(barcode, "it must be a string of digits")
    code = barcode.strip()
    if not code.isascii() or not code.isdigit():
        raise InvalidBarcodeError(barcode, "it must contain digits only")
    if len(code) not in GTIN_LENGTHS:
        raise InvalidBarcodeError(
            barcode, f"it has {len(code)} digits; expected one of {GTIN_LENGTHS}"
        )
    expected = gtin_check_digit(code[:-1])
    if int(code[-1]) != expected:
        raise InvalidBarcodeError(
            barcode, f"check digit is {code[-1]}, expected {expected} (mistyped or misread?)"
        )
    return code.zfill(14)


def _barcodes(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    given: tuple[str, ...] = _checks.items("barcodes", values, None, "barcodes")
    return tuple(sorted({normalize_barcode(value) for value in given}))


@attrs.frozen
class Component:
    """One part of a bundle: ``quantity`` units of ``sku`` go into one unit of the bundle."""

    sku: SkuId = attrs.field(converter=sku_id)
    """The component SKU (a stocked SKU or another bundle)."""
    quantity: int = attrs.field(default=1, validator=_checks.positive_quantity)
    """Units of the component per unit of the bundle."""


def _components(values: Iterable[Component]) -> tuple[Component, ...]:
    components: tuple[Component, ...] = _checks.items(
        "components", values, None, "Component values"
    )
    for component in components:
        if not isinstance(component, Component):
            raise InvalidBundleError("", f"{component!r} is not a Component")
    skus = [component.sku for component in components]
    if len(set(skus)) != len(skus):
        raise InvalidBundleError("", "a component appears twice; give it once with its quantity")
    return components


def _not_itself(instance: Sku, attribute: object, value: tuple[Component, ...]) -> None:
    for component in value:
        if component.sku == instance.code:
            raise InvalidBundleError(instance.code, "a bundle cannot contain itself")


@attrs.frozen
class Sku:
    """A stock keeping unit as the catalog defines it.

    A SKU with ``components`` is a bundle (a virtual kit): it holds no stock of its own and
    its availability comes from its components.

    Invariants: ``code`` is a non-empty id; ``barcodes`` are valid GTINs, normalised to 14
    digits, sorted and without repeats; no component repeats and none is the SKU itself.
    """

    code: SkuId = attrs.field(converter=sku_id)
    """The SKU code."""
    name: str = attrs.field(default="", validator=_checks.text)
    """A label for people."""
    barcodes: tuple[str, ...] = attrs.field(default=(), converter=_barcodes)
    """The GTIN/UPC/EAN codes that identify this SKU when scanned (normalised to GTIN-14)."""
    components: tuple[Component, ...] = attrs.field(
        default=(), converter=_components, validator=_not_itself
    )
    """For a bundle, what one unit is made of; empty for a stocked SKU."""
    kit_components: tuple[Component, ...] = attrs.field(
        default=(), converter=_components, validator=_not_itself
    )
    """For a kit, its bill of materials: what one assembled unit consumes. A kit is stocked
    (assembled with ``AssembleKit``), unlike a bundle; a SKU cannot be both."""

    def __attrs_post_init__(self) -> None:
        if self.components and self.kit_components:
            raise InvalidBundleError(
                self.code, "a SKU is a bundle (components) or a kit (kit_components), not both"
            )

    @property
    def is_bundle(self) -> bool:
        """True when the SKU is a bundle (it has components)."""
        return bool(self.components)


class Catalog:
    """The SKUs defined so far and the barcode index (a projection of ``SkuDefined`` events).

    Invariants: a barcode identifies at most one SKU; every component of a bundle is defined
    before the bundle. Since a defined SKU never changes, bundles cannot form a cycle: a
    bundle can only contain SKUs that existed before it (and never itself).
    """

    __slots__ = ("_by_barcode", "_leaves", "_skus", "_stocked", "_used_in")

    def __init__(self) -> None:
        self._skus: dict[str, Sku] = {}
        self._by_barcode: dict[str, SkuId] = {}
        # Each SKU's leaves, a tuple replaced and never changed: copies share the values.
        self._leaves: FrozenValues[str, tuple[tuple[SkuId, int], ...]] = FrozenValues()
        self._used_in: dict[str, list[SkuId]] = {}
        self._stocked: set[str] = set()

    def __contains__(self, sku: object) -> bool:
        return sku in self._skus

    def __iter__(self) -> Iterator[Sku]:
        return iter(self._skus.values())

    def __len__(self) -> int:
        return len(self._skus)

    def codes(self) -> KeysView[str]:
        """The codes of the SKUs defined so far (a live view: fast membership tests)."""
        return self._skus.keys()

    def stocked_codes(self) -> AbstractSet[str]:
        """The codes of the SKUs that hold stock of their own (every SKU but bundles)."""
        return self._stocked

    def get(self, sku: str) -> Sku | None:
        """The SKU with this code, or ``None``."""
        return self._skus.get(sku)

    def check_new(self, sku: Sku) -> None:
        """Raise :class:`DuplicateError` if ``sku`` clashes with what is defined.

        Redefining a SKU with identical content is allowed (and changes nothing).
        """
        existing = self._skus.get(sku.code)
        if existing is not None and existing != sku:
            raise DuplicateError("SKU", sku.code, f"defined as {existing!r}")
        for barcode in sku.barcodes:
            owner = self._by_barcode.get(barcode)
            if owner is not None and owner != sku.code:
                raise DuplicateError("barcode", barcode, f"it identifies SKU {owner!r}")
        for component in sku.components:
            if component.sku not in self._skus:
                raise UnknownSkuError(component.sku)
        for component in sku.kit_components:
            part = self._skus.get(component.sku)
            if part is None:
                raise UnknownSkuError(component.sku)
            if part.components:
                raise InvalidBundleError(
                    sku.code, f"kit component {part.code!r} is a bundle, which holds no stock"
                )

    def leaves(self, sku: str) -> tuple[tuple[SkuId, int], ...]:
        """The stocked SKUs one unit of ``sku`` is made of, with units per unit, sorted.

        A stocked SKU is its own single leaf ``((sku, 1),)``; nested bundles are flattened
        and shared components added up. Unknown SKUs raise :class:`UnknownSkuError`.
        """
        leaves = self._leaves.get(sku)
        if leaves is None:
            raise UnknownSkuError(sku)
        return leaves

    def bundles(self) -> Iterator[Sku]:
        """The bundles defined so far."""
        return (sku for sku in self._skus.values() if sku.components)

    def lookup(self, barcode: str) -> SkuId:
        """The SKU a scanned barcode identifies.

        Raises :class:`InvalidBarcodeError` if the scan is not a valid GTIN and
        :class:`UnknownSkuError` if no SKU carries it.
        """
        code = normalize_barcode(barcode)
        sku = self._by_barcode.get(code)
        if sku is None:
            raise UnknownSkuError("", barcode=barcode)
        return sku

    def add(self, sku: Sku) -> None:
        """Record a SKU (the caller has checked it with :meth:`check_new`)."""
        self._skus[sku.code] = sku
        for barcode in sku.barcodes:
            self._by_barcode[barcode] = sku.code
        if not sku.components:
            self._leaves[sku.code] = ((sku.code, 1),)
            self._stocked.add(sku.code)
            return
        totals: dict[SkuId, int] = {}
        for component in sku.components:
            for leaf, per in self._leaves[component.sku]:
                totals[leaf] = totals.get(leaf, 0) + per * component.quantity
        self._leaves[sku.code] = tuple(sorted(totals.items()))
        for leaf in totals:
            self._used_in.setdefault(leaf, []).append(sku.code)

    def bundles_using(self, sku: str) -> list[SkuId]:
        """The bundles that contain stocked ``sku`` (directly or through nested bundles)."""
        return list(self._used_in.get(sku, ()))
