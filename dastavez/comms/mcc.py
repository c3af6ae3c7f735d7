"""Mobile country codes (ITU-T E.212) → ISO 3166 alpha-2, for exports that give the serving
cell's MCC instead of its country. The countries a Pakistani investigation meets most; an MCC
not listed leaves the cell's country unknown rather than guessed."""

from __future__ import annotations

from dastavez.comms.sql import literal

MCC_COUNTRY: dict[str, str] = {
    "202": "GR", "204": "NL", "206": "BE", "208": "FR", "214": "ES", "222": "IT", "226": "RO",
    "228": "CH", "232": "AT", "234": "GB", "235": "GB", "238": "DK", "240": "SE", "242": "NO",
    "244": "FI", "250": "RU", "255": "UA", "260": "PL", "262": "DE", "268": "PT", "272": "IE",
    "286": "TR", "302": "CA", "310": "US", "311": "US", "312": "US", "313": "US", "316": "US",
    "334": "MX", "404": "IN", "405": "IN", "406": "IN", "410": "PK", "412": "AF", "413": "LK",
    "414": "MM", "415": "LB", "416": "JO", "417": "SY", "418": "IQ", "419": "KW", "420": "SA",
    "421": "YE", "422": "OM", "424": "AE", "425": "IL", "426": "BH", "427": "QA", "428": "MN",
    "429": "NP", "430": "AE", "431": "AE", "432": "IR", "434": "UZ", "436": "TJ", "437": "KG",
    "438": "TM", "440": "JP", "450": "KR", "452": "VN", "454": "HK", "455": "MO", "456": "KH",
    "460": "CN", "470": "BD", "472": "MV", "502": "MY", "505": "AU", "510": "ID", "515": "PH",
    "520": "TH", "525": "SG", "530": "NZ", "602": "EG", "603": "DZ", "604": "MA", "605": "TN",
    "606": "LY", "621": "NG", "639": "KE", "655": "ZA", "724": "BR", "722": "AR",
}


def mcc_case(expression: str) -> str:
    """SQL: the country of the MCC in ``expression`` (its first three digits), or NULL."""
    cases = " ".join(f"WHEN {literal(m)} THEN {literal(c)}" for m, c in MCC_COUNTRY.items())
    return f"CASE left({expression}, 3) {cases} END"
