"""Small SSDA903 files for the tests, written as the council's system writes them."""

from children.upn import upn_check_letter

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN\n"
)


def upn(n: int) -> str:
    body = f"80100000{n:04d}"
    return upn_check_letter(body) + body


def header(*rows: str) -> tuple[str, bytes]:
    return ("header.csv", (HEADER + "".join(row + "\n" for row in rows)).encode())


def episodes(*rows: str) -> tuple[str, bytes]:
    return ("episodes.csv", (EPISODES + "".join(row + "\n" for row in rows)).encode())


def csv_file(name: str, columns: str, *rows: str) -> tuple[str, bytes]:
    return (name, (columns + "\n" + "".join(row + "\n" for row in rows)).encode())


def two_children(urn: str) -> dict:
    """Two children: A1 in care since 2023 (a care order after an interim one, a move to an
    agency foster carer), at the school with this URN; A2 left care in 2025."""
    return {
        "header": header(f"A1,2,14/03/2014,WBRI,{upn(1)},,", f"A2,1,02/02/2010,WBRI,{upn(2)},,"),
        "episodes": episodes(
            f"A1,01/05/2023,S,C1,N1,U6,PR1,01/08/2023,X1,,AB1 2CD,AB3 4EF,{urn}",
            f"A1,01/08/2023,L,C2,N1,U6,PR1,10/01/2024,X1,,AB1 2CD,AB3 4EF,{urn}",
            f"A1,10/01/2024,P,C2,N1,U4,PR4,,,CHILD,AB1 2CD,AB3 4EF,{urn}",
            "A2,03/03/2022,S,V2,N1,K2,PR1,04/04/2025,E13,,AB1 2CD,AB3 4EF,SC123456",
        ),
    }
