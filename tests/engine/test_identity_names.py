"""Every kind of external id name odoosync creates comes from engine/identity.py's one
``safe_name`` (SPEC §3 Identity, §7.2 Identity): products, templates, variants, vendor lines."""

from __future__ import annotations

import pytest

from odoosync.engine.export.groups import VariantRow
from odoosync.engine.export.variants import variant_xml_id
from odoosync.engine.export.vendors import vendor_xml_id
from odoosync.engine.identity import (
    external_id_name,
    safe_name,
    template_id_name,
    variant_id_name,
    vendor_id_name,
)


@pytest.mark.parametrize("key", ["tee-S.red_1", "tee S/red", "é"])
def test_each_kind_is_its_prefix_and_the_shared_safe_name(key: str) -> None:
    assert external_id_name(key) == "product_" + safe_name(key)
    assert template_id_name(key) == "template_" + safe_name(key)
    assert variant_id_name(key) == "variant_" + safe_name(key)
    assert vendor_id_name(key) == "vendor_" + safe_name(key)


def test_safe_keys_are_kept_as_they_are() -> None:
    assert safe_name("tee-S.red_1") == "tee-S.red_1"
    assert variant_id_name("tee-S-Red") == "variant_tee-S-Red"


def test_the_export_names_through_identity() -> None:
    assert variant_xml_id("odoosync", "tee S") == f"odoosync.{variant_id_name('tee S')}"
    assert vendor_xml_id("odoosync", "tee S") == f"odoosync.{vendor_id_name('tee S')}"
    grouped = VariantRow("tee S", "tee shirt", (), {}, {})
    simple = VariantRow("mug 1", None, (), {}, {})
    assert grouped.group == template_id_name("tee shirt")
    assert simple.group == external_id_name("mug 1")
