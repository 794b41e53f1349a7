"""The ICE rules that matter for this MSI, checked on Linux from its tables (read with ``msiinfo``).

Windows Installer's real validation (ICE = Internal Consistency Evaluators) runs custom actions from
``darice.cub``, which ships with the Windows SDK and needs ``msi.dll``: msitools has no ICE runner and the
.cub cannot be run here. The real run happens in ``.github/workflows/windows.yml``, where WiX's ``light``
validates the real MSI (no ``-sval``). This module re-implements, from Microsoft's ICE reference, the
rules whose breach this installer has actually shipped or could ship, and one rule of its own:

* ICE03 (GUID format): ProductCode, UpgradeCode, ``Upgrade.UpgradeCode`` and component GUIDs are
  ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` in upper case; Windows compares them as strings.
* ICE08: no two components share a GUID.
* ICE24: ProductCode is a GUID, ProductVersion is ``major.minor.build`` within 255.255.65535,
  ProductLanguage is a number.
* ICE27 (order of the standard actions): search, costing, validation and execution in that order.
* ICE61: every ``Upgrade.ActionProperty`` is a secure property (else managed installs lose it).
* RD01 (ours): a type-51 "set a property" action runs after ``AppSearch`` (which fills the value it
  copies) and before ``CostInitialize`` in both install sequences: later, the values were already
  used (registry rows, conditions) and, after ``InstallFinalize``, the action does nothing at all.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")
#: the standard actions ICE27 expects in this relative order (those present in the table are checked)
STANDARD_ORDER = (
    "FindRelatedProducts",
    "AppSearch",
    "LaunchConditions",
    "CostInitialize",
    "FileCost",
    "CostFinalize",
    "MigrateFeatureStates",
    "InstallValidate",
    "InstallInitialize",
    "ProcessComponents",
    "UnpublishFeatures",
    "RemoveRegistryValues",
    "RemoveFiles",
    "InstallFiles",
    "WriteRegistryValues",
    "RegisterProduct",
    "PublishFeatures",
    "PublishProduct",
    "InstallFinalize",
)
SEQUENCES = ("InstallExecuteSequence", "InstallUISequence")


def table(msi: Path, name: str) -> list[list[str]]:
    """Rows of one table (``msiinfo export`` prints three header lines); a missing table is empty."""
    result = subprocess.run(
        ["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return []
    return [line.split("\t") for line in result.stdout.splitlines()[3:] if line]


def check_msi(msi: Path) -> list[str]:
    """Every breach of the rules above, one line each naming its rule; empty when the MSI passes."""
    props = {row[0]: row[1] if len(row) > 1 else "" for row in table(msi, "Property")}
    return [
        *_guids(props, table(msi, "Upgrade"), table(msi, "Component")),
        *_product(props),
        *_order(msi),
        *_upgrade_secure(props, table(msi, "Upgrade")),
        *_set_property_actions(msi, table(msi, "CustomAction")),
    ]


def _guids(props: dict[str, str], upgrade: list[list[str]], components: list[list[str]]) -> list[str]:
    found = [
        ("Property.ProductCode", props.get("ProductCode", "")),
        ("Property.UpgradeCode", props.get("UpgradeCode", "")),
    ]
    found += [(f"Upgrade row {i}", row[0]) for i, row in enumerate(upgrade)]
    found += [(f"Component.{row[0]}", row[1]) for row in components if len(row) > 1 and row[1]]
    problems = [
        f"ICE03: {where} {guid!r} is not an upper-case GUID" for where, guid in found if not GUID.match(guid)
    ]
    seen: dict[str, str] = {}
    for row in components:
        if len(row) > 1 and row[1]:
            if row[1].upper() in seen:
                problems.append(f"ICE08: components {seen[row[1].upper()]} and {row[0]} share GUID {row[1]}")
            seen[row[1].upper()] = row[0]
    return problems


def _product(props: dict[str, str]) -> list[str]:
    problems = []
    if not GUID.match(props.get("ProductCode", "")):
        problems.append("ICE24: ProductCode is not an upper-case GUID")
    parts = props.get("ProductVersion", "").split(".")
    limits = (255, 255, 65535, 65535)
    if not 2 <= len(parts) <= 4 or not all(
        p.isdigit() and int(p) <= lim for p, lim in zip(parts, limits, strict=False)
    ):
        problems.append(f"ICE24: ProductVersion {props.get('ProductVersion')!r} is not major.minor.build")
    if not props.get("ProductLanguage", "").isdigit():
        problems.append("ICE24: ProductLanguage is not a number")
    return problems


def _sequence(msi: Path, name: str) -> dict[str, int]:
    return {row[0]: int(row[2]) for row in table(msi, name) if len(row) > 2 and row[2].lstrip("-").isdigit()}


def _order(msi: Path) -> list[str]:
    problems = []
    for name in SEQUENCES:
        seq = _sequence(msi, name)
        present = [(a, seq[a]) for a in STANDARD_ORDER if a in seq]
        for (first, n1), (second, n2) in itertools.pairwise(present):
            if n1 >= n2:
                problems.append(f"ICE27: {name}: {first} ({n1}) must come before {second} ({n2})")
    return problems


def _upgrade_secure(props: dict[str, str], upgrade: list[list[str]]) -> list[str]:
    secure = set(props.get("SecureCustomProperties", "").split(";"))
    return [
        f"ICE61: Upgrade.ActionProperty {row[-1]} is not in SecureCustomProperties"
        for row in upgrade
        if row and row[-1] not in secure
    ]


def _set_property_actions(msi: Path, actions: list[list[str]]) -> list[str]:
    problems = []
    setters = [row[0] for row in actions if len(row) > 1 and row[1].isdigit() and int(row[1]) & 0x3F == 51]
    for name in SEQUENCES:
        seq = _sequence(msi, name)
        low, high = seq.get("AppSearch", 0), seq.get("CostInitialize", 10**9)
        for action in setters:
            if action in seq and not low < seq[action] < high:
                problems.append(
                    f"RD01: {name}: {action} ({seq[action]}) sets a property but does not run between "
                    f"AppSearch ({low}) and CostInitialize ({high})"
                )
    return problems
