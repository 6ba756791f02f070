"""Synthetic SSDA903 files: the demo's (`exchange/demo/`) and the import benchmark's.

Every child has one to four episodes in a continuous period of care (REC X1 between them): a
change of legal status, a change of placement, sometimes a move of school; one child in ten has
left care (the latest episode ended). Dates are fixed by the seed and lie in the past.
"""

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from children.upn import upn_check_letter
from exchange.ssda903 import EPISODE_COLUMNS, HEADER_COLUMNS, OC2_COLUMNS, UASC_COLUMNS

PLACES = ("U4", "U6", "U1", "U3", "K2", "R1", "P1", "S1", "H5")
PROVIDERS = ("PR1", "PR4", "PR5", "PR2")


def upn(la_code: str, n: int) -> str:
    body = f"{la_code}{n:09d}"[:12]
    return upn_check_letter(body) + body


def children_files(
    directory: Path,
    *,
    count: int,
    la_code: str,
    school_urns: list[str],
    prefix: str = "IMP-",
    seed: int = 903,
    latest: date = date(2026, 10, 30),
) -> dict[str, Path]:
    """Write header, episodes, UASC and OC2 files for `count` children; returns their paths."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    headers, episodes, uasc, oc2 = [], [], [], []
    for n in range(count):
        child = f"{prefix}{n + 1:05d}"
        born = date(2008, 9, 1) + timedelta(days=rng.randrange(0, 365 * 14))
        start = max(born + timedelta(days=30), date(2019, 1, 1)) + timedelta(
            days=rng.randrange(0, 900)
        )
        if start > latest - timedelta(days=60):
            start = latest - timedelta(days=60 + rng.randrange(0, 200))
        dob = born.strftime("%d/%m/%Y")
        headers.append([child, rng.choice("12"), dob, "WBRI", upn(la_code, n + 1), "", ""])
        steps = rng.randint(1, 4)
        days = sorted(rng.sample(range(1, max(2, (latest - start).days)), steps - 1))
        starts = [start] + [start + timedelta(days=d) for d in days]
        place = rng.choice(PLACES)
        urn = rng.choice(school_urns)
        legal = "C1"
        left = n % 10 == 9
        for index, decom in enumerate(starts):
            last = index == len(starts) - 1
            if index:
                if rng.random() < 0.5:
                    legal = "C2"
                    rne = "L"
                else:
                    place = rng.choice(PLACES)
                    rne = "P"
                    if rng.random() < 0.3:
                        urn = rng.choice(school_urns)
            else:
                rne = "S"
            end = starts[index + 1] if not last else None
            rec = "X1" if not last else ""
            if last and left:
                end = latest - timedelta(days=rng.randrange(0, 20))
                end = max(end, decom)
                rec = "E11"
            episodes.append([
                child, decom.strftime("%d/%m/%Y"), rne, legal, "N1", place,
                rng.choice(PROVIDERS), end.strftime("%d/%m/%Y") if end else "", rec,
                "CHILD" if rne == "P" else "", "AB1 2CD", "AB3 4EF", urn,
            ])  # fmt: skip
        if n % 25 == 3:
            uasc.append([child, headers[-1][1], dob, ""])
        if n % 3 == 0:
            oc2.append([child, headers[-1][1], dob, str(rng.randint(0, 40))])
    files = {
        "header": (HEADER_COLUMNS, headers),
        "episodes": (EPISODE_COLUMNS, episodes),
        "uasc": (UASC_COLUMNS, uasc),
        "oc2": (("CHILD", "SEX", *OC2_COLUMNS[1:], "SDQ_REASON"), [r + [""] for r in oc2]),
    }
    paths = {}
    for name, (columns, rows) in files.items():
        path = directory / f"{name}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
        paths[name] = path
    return paths
