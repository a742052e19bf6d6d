"""Deterministic, clearly fictional people: example.com mail, 555-01xx and 07700 900xxx phones."""

from __future__ import annotations

FIRST_NAMES = (
    "Amara", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Isla", "Jonas",
    "Kemi", "Liam", "Maya", "Nikhil", "Olivia", "Pavel", "Quinn", "Rosa", "Sami", "Tara",
    "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoe", "Aisha", "Bruno", "Carmen", "Diego",
    "Esme", "Felix", "Gita", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nora",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
    "Jensen", "Khan", "Lopez", "Murphy", "Novak", "Okafor", "Patel", "Quist", "Rossi",
    "Silva", "Taylor", "Usman", "Varga", "Walsh", "Xu", "Yilmaz", "Zhang", "Ahmed", "Becker",
    "Chen", "Dimitrov", "Eriksen", "Flores", "Gupta", "Haddad", "Ivanova", "Kim", "Larsen",
)  # fmt: skip
COMPANIES = (
    "Northwind Bakery", "Blue Fern Clinic", "Harbour Dental", "Lumen Yoga", "Oak & Iron Gym",
    "Pine Street Books", "Riverside Vets", "Sunrise Tutors",
)  # fmt: skip
MAIL_DOMAINS = ("example.com", "example.org", "example.net")
US_AREA_CODES = (202, 212, 303, 312, 415, 512, 617, 702, 808, 917)


def name_of(index: int) -> tuple[str, str]:
    """The first and last name of person `index`: spread out, repeatable."""
    first = FIRST_NAMES[(index * 7) % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 13 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return first, last


def email_of(index: int) -> str:
    first, last = name_of(index)
    return f"{first.lower()}.{last.lower()}{index}@{MAIL_DOMAINS[index % len(MAIL_DOMAINS)]}"


def us_phone_of(index: int) -> str:
    """+1 NPA 555-01xx: the range reserved for fiction, 100 numbers per area code."""
    area = US_AREA_CODES[(index // 100) % len(US_AREA_CODES)]
    return f"+1{area}55501{index % 100:02d}"


def uk_phone_digits_of(index: int) -> str:
    """447700 900xxx: Ofcom's drama range, 1,000 numbers."""
    return f"447700900{index % 1000:03d}"
