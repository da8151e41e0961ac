"""The catalog: GTIN check digits, normalisation, SKUs, scan lookup, duplicate barcodes."""

from __future__ import annotations

import pytest

import invorder
from invorder import Sku
from invorder.domain.stock.catalog import Catalog, gtin_check_digit, normalize_barcode
from invorder.errors import DuplicateError, InvalidBarcodeError, UnknownSkuError
from tests.support.world import MUG_EAN, T0

# Published examples (GS1 and Wikipedia), one per length.
VALID = {
    "96385074": "00000096385074",  # GTIN-8 / EAN-8
    "036000291452": "00036000291452",  # GTIN-12 / UPC-A
    "4006381333931": "04006381333931",  # GTIN-13 / EAN-13
    "10614141000415": "10614141000415",  # GTIN-14
}


@pytest.mark.parametrize(("barcode", "normal"), sorted(VALID.items()))
def test_valid_gtins_normalise_to_fourteen_digits(barcode: str, normal: str) -> None:
    assert normalize_barcode(barcode) == normal
    assert gtin_check_digit(barcode[:-1]) == int(barcode[-1])


@pytest.mark.parametrize("barcode", sorted(VALID))
def test_every_wrong_check_digit_is_refused(barcode: str) -> None:
    right = int(barcode[-1])
    for digit in range(10):
        if digit == right:
            continue
        wrong = barcode[:-1] + str(digit)
        with pytest.raises(InvalidBarcodeError) as caught:
            normalize_barcode(wrong)
        assert caught.value.code == "invalid_barcode"
        assert caught.value.fields == {
            "value": wrong,
            "rule": f"check digit is {digit}, expected {right} (mistyped or misread?)",
        }


@pytest.mark.parametrize(
    ("barcode", "rule"),
    [
        ("", "it must contain digits only"),
        ("59012341234X7", "it must contain digits only"),
        ("٥٩٠١٢٣٤١٢٣٤٥٧", "it must contain digits only"),  # Arabic-Indic digits
        ("1234567", "it has 7 digits; expected one of (8, 12, 13, 14)"),
        ("12345678901", "it has 11 digits; expected one of (8, 12, 13, 14)"),
        ("123456789012345", "it has 15 digits; expected one of (8, 12, 13, 14)"),
    ],
)
def test_malformed_barcodes_are_refused(barcode: str, rule: str) -> None:
    with pytest.raises(InvalidBarcodeError) as caught:
        normalize_barcode(barcode)
    assert caught.value.fields == {"value": barcode, "rule": rule}
    assert str(caught.value) == f"barcode {barcode!r} is not a valid GTIN/UPC/EAN: {rule}"


def test_a_barcode_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(InvalidBarcodeError, match="it must be a string of digits"):
        normalize_barcode(5901234123457)  # type: ignore[arg-type]  # the point of the test


def test_upc_a_and_ean_13_with_a_leading_zero_are_the_same_product() -> None:
    assert normalize_barcode("036000291452") == normalize_barcode("0036000291452")
    assert Sku("X", barcodes=("036000291452", "0036000291452")).barcodes == ("00036000291452",)


def test_surrounding_whitespace_of_a_scan_is_ignored() -> None:
    assert normalize_barcode(" 036000291452\n") == "00036000291452"


def test_sku_barcodes_are_normalised_sorted_and_deduplicated() -> None:
    sku = Sku("MUG", "Mug", ("4006381333931", "96385074", "04006381333931"))
    assert sku.barcodes == ("00000096385074", "04006381333931")
    assert Sku("ONE", barcodes="96385074").barcodes == ("00000096385074",)


def test_a_sku_with_a_bad_barcode_cannot_be_built() -> None:
    with pytest.raises(InvalidBarcodeError):
        Sku("MUG", barcodes=("4006381333932",))


def test_lookup_by_scan_finds_the_sku_whatever_the_length_scanned() -> None:
    catalog = Catalog()
    catalog.add(Sku("CAN", barcodes=("036000291452",)))
    assert catalog.lookup("036000291452") == "CAN"
    assert catalog.lookup("0036000291452") == "CAN"
    assert catalog.lookup("00036000291452") == "CAN"


def test_lookup_of_an_unknown_barcode_says_which_barcode() -> None:
    catalog = Catalog()
    with pytest.raises(UnknownSkuError) as caught:
        catalog.lookup("4006381333931")
    assert caught.value.code == "unknown_sku"
    assert caught.value.fields == {"sku": "", "barcode": "4006381333931"}
    assert "no SKU has barcode '4006381333931'" in str(caught.value)


def test_lookup_of_an_invalid_scan_is_a_barcode_error() -> None:
    with pytest.raises(InvalidBarcodeError):
        Catalog().lookup("4006381333932")


def test_engine_lookup_and_catalog_queries(engine: invorder.Engine) -> None:
    assert engine.lookup_barcode(MUG_EAN) == "MUG"
    assert engine.sku("MUG") == Sku("MUG", "Mug", (MUG_EAN,))
    assert engine.sku("NOPE") is None
    assert [sku.code for sku in engine.skus()] == ["MUG", "TEE"]


def test_redefining_a_sku_identically_is_harmless(engine: invorder.Engine) -> None:
    again = invorder.DefineSku(key="sku-mug-again", at=T0, sku=Sku("MUG", "Mug", (MUG_EAN,)))
    engine.execute(again)
    assert engine.skus() == [Sku("MUG", "Mug", (MUG_EAN,)), Sku("TEE", "T-shirt")]


def test_one_barcode_cannot_identify_two_skus() -> None:
    catalog = Catalog()
    catalog.add(Sku("CAN", barcodes=("036000291452",)))
    with pytest.raises(DuplicateError) as caught:
        # The same product code, scanned as EAN-13 this time.
        catalog.check_new(Sku("TIN", barcodes=("0036000291452",)))
    assert caught.value.fields == {"what": "barcode", "key": "00036000291452"}
    assert "it identifies SKU 'CAN'" in str(caught.value)
