"""The DfE's SSDA903 return (children looked after), as the council's social-care system exports
it: the header file, the episodes file, and optionally the UASC and OC2 files.

What is taken from it, per child (CHILD is the council's child id):
- date of birth and sex from the header, the UPN (validated with its check letter; the codes
  UN1 to UN10 mean no UPN is known);
- from the episodes of the current period of care (the last run of episodes each starting the
  day the one before ended with REC X1): the date entered care (its first DECOM), the legal
  status (LS of the latest episode), the placement type (PLACE, with PLACE_PROVIDER telling
  council foster care from an agency's) from the start of the latest run of episodes with the
  same PLACE, and the school from URN where it is a school's six-digit URN (an Ofsted social
  care URN, starting SC, is the placement's and is ignored);
- a child whose latest episode has ended (DEC set) has left care on that date;
- UASC: the child is an unaccompanied asylum-seeking child, ceasing on DUC if given;
- OC2: the latest SDQ score.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone

from children.upn import upn_normalise, validate_upn

from .csvfiles import ChildFacts, Parsed, Refusal, Row, RowError, iso, parse_date, read_csv

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)  # fmt: skip
UASC_COLUMNS = ("CHILD", "SEX", "DOB", "DUC")
OC2_COLUMNS = ("CHILD", "DOB", "SDQ_SCORE")

SEX = {"1": "male", "2": "female"}

# LS: the legal status of the episode (SSDA903 guidance, table of codes).
LEGAL_STATUS = {
    "C1": "interim_care_order",
    "C2": "full_care_order",
    "D1": "placement_order",  # freeing order, made before 30 December 2005
    "E1": "placement_order",
    "J1": "remand",
    "J2": "remand",  # detained in council accommodation under PACE
    "J3": "remand",  # sentenced to a supervision order with residence requirement
    "L1": "police_protection",
    "L2": "emergency_protection",
    "L3": "child_assessment_order",
    "V2": "section_20",
    "V3": "section_20",  # single short break
    "V4": "section_20",  # series of short breaks
}

# PLACE: the placement type. U4 to U6 with a private or voluntary provider (PR4, PR5) are an
# independent fostering agency's carers.
PLACEMENT = {
    **dict.fromkeys(("A3", "A4", "A5", "A6"), "adoption"),
    "H5": "supported_accommodation",
    "K1": "secure",
    "K2": "childrens_home",
    "P1": "placed_with_parents",
    "P2": "independent_living",
    "R1": "childrens_home",
    "S1": "residential_school",
    **dict.fromkeys(("U1", "U2", "U3"), "kinship"),
    **dict.fromkeys(("U4", "U5", "U6"), "foster_care"),
    **dict.fromkeys(("P3", "R2", "R3", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"), "other"),
}
AGENCY_PROVIDERS = {"PR4", "PR5"}
SCHOOL_URN = re.compile(r"^\d{6,7}$")
UNKNOWN_UPN = re.compile(r"^UN([1-9]|10)$")
CONTINUES = "X1"  # REC: the episode ends and a new one begins the same day


def parse(
    *,
    header: tuple[str, bytes],
    episodes: tuple[str, bytes],
    uasc: tuple[str, bytes] | None = None,
    oc2: tuple[str, bytes] | None = None,
) -> Parsed:
    """Read the files (name, content) into each child's facts and the refused rows. Raises
    `FileRefused` for a file that cannot be read at all."""
    files = [header, episodes] + [f for f in (uasc, oc2) if f]
    parsed = Parsed(format="ssda903", files=[name for name, _ in files])
    header_rows = read_csv(*header, HEADER_COLUMNS)
    episode_rows = read_csv(*episodes, EPISODE_COLUMNS)
    uasc_rows = read_csv(*uasc, UASC_COLUMNS) if uasc else []
    oc2_rows = read_csv(*oc2, OC2_COLUMNS) if oc2 else []
    parsed.rows_read = len(header_rows) + len(episode_rows) + len(uasc_rows) + len(oc2_rows)
    today = timezone.localdate()

    refused: dict[str, list[Refusal]] = defaultdict(list)

    def refuse(row: Row, reason: str) -> None:
        child = row.values.get("CHILD", "")
        refused[child].append(Refusal(file=row.file, line=row.line, child=child, reason=reason))

    facts: dict[str, ChildFacts] = {}
    first_row: dict[str, Row] = {}
    for row in header_rows:
        child_id = row.values["CHILD"]
        if not child_id:
            refuse(row, "CHILD is empty: each row needs the council's child id")
            continue
        try:
            fields = _header_fields(row.values, today)
        except RowError as error:
            refuse(row, str(error))
            continue
        if child_id in facts or child_id in first_row:
            earlier = first_row[child_id]
            if (
                facts.get(child_id)
                and facts[child_id].fields["date_of_birth"] != fields["date_of_birth"]
            ):
                refuse(
                    row,
                    f"CHILD {child_id} is repeated with a different date of birth from line "
                    f"{earlier.line}: correct one of them",
                )
                refuse(earlier, f"CHILD {child_id} is repeated on line {row.line} with another "
                                "date of birth")  # fmt: skip
            continue  # the same child again, with the same facts
        first_row[child_id] = row
        facts[child_id] = ChildFacts(
            council_child_id=child_id, lines=[f"{row.file} line {row.line}"], fields=fields
        )

    by_child: dict[str, list[tuple[Row, dict]]] = defaultdict(list)
    for row in episode_rows:
        child_id = row.values["CHILD"]
        if child_id not in facts and child_id not in refused:
            refuse(row, f"CHILD {child_id!r} is not in the header file")
            continue
        try:
            episode = _episode(row.values, today)
        except RowError as error:
            refuse(row, str(error))
            continue
        by_child[child_id].append((row, episode))
    for child_id, child in facts.items():
        if child_id in refused:
            continue  # a refused row: the child is not imported
        if child_id not in by_child:
            if child_id not in refused:
                refuse(first_row[child_id], "This child has no episodes in the episodes file")
            continue
        try:
            _apply_episodes(child, by_child[child_id])
        except _EpisodeRefused as error:
            refuse(error.row, error.reason)

    for row in uasc_rows:
        child = _known(row, facts, refuse)
        if child is None:
            continue
        try:
            child.fields["is_uasc"] = True
            child.fields["uasc_ceased_on"] = iso(
                parse_date(row.values["DUC"], "DUC", required=False)
            )
        except RowError as error:
            refuse(row, str(error))
    for row in oc2_rows:
        child = _known(row, facts, refuse)
        if child is None:
            continue
        value = row.values["SDQ_SCORE"]
        if value == "":
            continue
        if not value.isdigit() or not 0 <= int(value) <= 40:
            refuse(row, f"SDQ_SCORE {value!r} is not a score from 0 to 40")
            continue
        child.fields["sdq_score"] = int(value)

    for child_id in refused:
        facts.pop(child_id, None)
    parsed.children = list(facts.values())
    parsed.refused = sorted(
        (refusal for refusals in refused.values() for refusal in refusals),
        key=lambda refusal: (parsed.files.index(refusal.file), refusal.line),
    )
    return parsed


def _known(row: Row, facts: dict[str, ChildFacts], refuse) -> ChildFacts | None:
    child_id = row.values["CHILD"]
    child = facts.get(child_id)
    if child is None:
        refuse(row, f"CHILD {child_id!r} is not in the header file, or was refused there")
        return None
    try:
        born = iso(parse_date(row.values["DOB"], "DOB"))
    except RowError as error:
        refuse(row, str(error))
        return None
    if born != child.fields["date_of_birth"]:
        refuse(row, f"DOB {row.values['DOB']} differs from the header file's date of birth")
        return None
    child.lines.append(f"{row.file} line {row.line}")
    return child


def _header_fields(values: dict, today) -> dict:
    born = parse_date(values["DOB"], "DOB")
    if born > today:
        raise RowError(f"DOB {values['DOB']} is in the future")
    if born < today.replace(year=today.year - 26):
        raise RowError(f"DOB {values['DOB']} is more than 26 years ago")
    sex = SEX.get(values["SEX"])
    if sex is None:
        raise RowError(f"SEX {values['SEX']!r} is not 1 (male) or 2 (female)")
    upn = upn_normalise(values["UPN"])
    if UNKNOWN_UPN.match(upn):
        upn = ""
    if upn:
        try:
            validate_upn(upn)
        except ValidationError as error:
            raise RowError(f"UPN {upn}: {error.messages[0]}") from None
    return {"date_of_birth": iso(born), "gender": sex, "upn": upn}


def _episode(values: dict, today) -> dict:
    start = parse_date(values["DECOM"], "DECOM")
    end = parse_date(values["DEC"], "DEC", required=False)
    if start > today:
        raise RowError(f"DECOM {values['DECOM']} is in the future")
    if end is not None:
        if end < start:
            raise RowError(
                f"The episode ends (DEC {values['DEC']}) before it starts (DECOM {values['DECOM']})"
            )
        if end > today:
            raise RowError(f"DEC {values['DEC']} is in the future")
    if values["LS"] not in LEGAL_STATUS:
        raise RowError(f"LS {values['LS']!r} is not a legal status code of the SSDA903 return")
    if values["PLACE"] not in PLACEMENT:
        raise RowError(f"PLACE {values['PLACE']!r} is not a placement code of the SSDA903 return")
    placement = PLACEMENT[values["PLACE"]]
    if placement == "foster_care" and values["PLACE_PROVIDER"] in AGENCY_PROVIDERS:
        placement = "agency_foster_care"
    urn = values["URN"].upper()
    return {
        "start": start,
        "end": end,
        "rec": values["REC"].upper(),
        "legal_status": LEGAL_STATUS[values["LS"]],
        "place": values["PLACE"],
        "placement_type": placement,
        "urn": urn if SCHOOL_URN.match(urn) else "",
    }


class _EpisodeRefused(Exception):
    def __init__(self, row: Row, reason: str):
        super().__init__(reason)
        self.row = row
        self.reason = reason


def _apply_episodes(child: ChildFacts, episodes: list[tuple[Row, dict]]) -> None:
    episodes = sorted(episodes, key=lambda pair: pair[1]["start"])
    for (before_row, before), (row, episode) in zip(episodes, episodes[1:], strict=False):
        if before["end"] is None or episode["start"] < before["end"]:
            raise _EpisodeRefused(
                row,
                f"This episode starts on {episode['start']:%d/%m/%Y}, before the episode on line "
                f"{before_row.line} ends",
            )
    # The current period of care: back from the latest episode while each follows on from the
    # one before without a break.
    first = len(episodes) - 1
    while first > 0:
        before = episodes[first - 1][1]
        if before["rec"] != CONTINUES or before["end"] != episodes[first][1]["start"]:
            break
        first -= 1
    period = [episode for _, episode in episodes[first:]]
    latest_row, latest = episodes[-1]
    child.lines += [f"{row.file} line {row.line}" for row, _ in episodes]
    entered = period[0]["start"]
    child.fields["date_entered_care"] = iso(entered)
    child.fields["date_left_care"] = iso(latest["end"])
    child.fields["legal_status"] = latest["legal_status"]
    if entered < _date(child.fields["date_of_birth"]):
        raise _EpisodeRefused(episodes[first][0], "The period of care starts before the birth")

    def run_start(same) -> str:
        index = len(period) - 1
        while index > 0 and same(period[index - 1], latest):
            index -= 1
        return iso(period[index]["start"])

    child.placement = {
        "placement_type": latest["placement_type"],
        "start_date": run_start(lambda a, b: a["place"] == b["place"]),
        "end_date": iso(latest["end"]),
        "carers": None,
        "line": latest_row.line,
        "file": latest_row.file,
    }
    if latest["urn"] and latest["end"] is None:
        child.enrolment = {
            "urn": latest["urn"],
            "start_date": run_start(lambda a, b: a["urn"] == b["urn"]),
            "line": latest_row.line,
            "file": latest_row.file,
        }


def _date(text: str):
    from datetime import date

    return date.fromisoformat(text)
