"""The partner agencies of the synthetic population: each one's export dialect and error profile.

An ``Agency`` says how one partner writes its export (column headers, date format, name
order, gender and event codes, record-id style) and how often its staff get things wrong
(the *error profile*: per-record probabilities). ``mapping_dict`` turns the dialect into
the ``aim.canonical.Mapping`` that ``aim ingest --mapping`` uses to read the file back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Error kinds, applied per agency record (the demographics the agency holds about a person).
ERROR_KINDS = (
    "typo",              # one letter substituted, dropped or doubled in a name
    "transposition",     # two adjacent letters swapped in a name
    "dob_day_month_swap",  # 04/07 for 07/04 (only when both are <= 12, as a real system would accept)
    "dob_year_off",      # year of birth one out
    "dob_missing",       # no date of birth at all
    "name_swap",         # first name and surname in each other's fields
    "middle_folded",     # middle name(s) typed into the first-name field
    "nickname",          # known-as name instead of the given name (only people who have one)
    "postcode_format",   # spacing and case errors in the postcode
    "address_abbrev",    # Rd/St/Ave..., flat number dropped, locality dropped
    "stale_address",     # record never updated after the person moved (movers only)
    "stale_surname",     # record never updated after a surname change on marriage (only those)
    "hyphen_variant",    # double-barrelled surname with the hyphen dropped or only one part kept
    "gender_unknown",    # gender recorded as not known
    "duplicate_record",  # the person registered twice: a second record id with its own errors
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def format_date(style: str, y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> str:
    """Render a (possibly impossible) date in a dialect, without the locale's month names."""
    if style == "%d/%m/%Y":
        return f"{d:02d}/{m:02d}/{y:04d}"
    if style == "%Y-%m-%d":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if style == "%Y-%m-%d %H:%M":
        return f"{y:04d}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}"
    if style == "%d-%b-%Y":
        return f"{d:02d}-{MONTHS[m - 1]}-{y:04d}"
    if style == "%d.%m.%Y":
        return f"{d:02d}.{m:02d}.{y:04d}"
    if style == "%Y%m%d":
        return f"{y:04d}{m:02d}{d:02d}"
    if style == "%m/%d/%Y":
        return f"{m:02d}/{d:02d}/{y:04d}"
    if style == "%d %B %Y":
        return f"{d:02d} {MONTHS_LONG[m - 1]} {y:04d}"
    raise ValueError(f"unknown date style {style}")


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: str
    lead_name: str
    lead_phone: str
    lead_email: str
    # canonical field -> export header, in export column order
    columns: dict[str, str]
    dob_format: str
    event_date_format: str
    name_style: str  # split | full_first_last | full_last_first_comma | full_last_first
    gender_out: dict[str, str]  # canonical M/F/X/U -> agency code
    event_out: dict[str, str]  # canonical event type -> agency code
    record_id: str  # format with {n}
    event_id: str  # format with {n} and {y}
    errors: dict[str, float]
    delimiter: str = ","
    upper_names: bool = False
    upper_address: bool = False
    ascii_only: bool = False
    record_start: int = 1000
    extra_gender_codes: dict[str, str] = field(default_factory=dict)

    @property
    def has_middle(self) -> bool:
        return "middle_names" in self.columns

    @property
    def headers(self) -> list[str]:
        return list(self.columns.values())

    @property
    def name_order(self) -> str:
        return "last_first" if self.name_style.startswith("full_last_first") else "first_last"

    def date_formats(self) -> list[str]:
        formats = [self.event_date_format]
        if self.dob_format not in formats:
            formats.append(self.dob_format)
        return formats

    def mapping_dict(self) -> dict[str, object]:
        """The ``aim.canonical.Mapping`` (as YAML-ready data) that reads this agency's export."""
        gender_codes = {code: canon for canon, code in self.gender_out.items()}
        gender_codes.update(self.extra_gender_codes)
        data: dict[str, object] = {
            "source": self.code,
            "organisation": {
                "name": self.name,
                "kind": self.kind,
                "lead_name": self.lead_name,
                "lead_phone": self.lead_phone,
                "lead_email": self.lead_email,
            },
        }
        if self.delimiter != ",":
            data["delimiter"] = self.delimiter
        data.update(
            {
                "date_formats": self.date_formats(),
                "columns": dict(self.columns),
                "name_order": self.name_order,
                "gender_codes": gender_codes,
                "event_type_codes": {code: canon for canon, code in self.event_out.items()},
            }
        )
        return data


def _e(**rates: float) -> dict[str, float]:
    base = {kind: 0.0 for kind in ERROR_KINDS}
    base.update(rates)
    return base


AGENCIES: tuple[Agency, ...] = (
    Agency(
        code="WMP",
        name="West Midlands Police",
        kind="police",
        lead_name="DI Sarah Whitfield",
        lead_phone="0121 626 5000",
        lead_email="mash.police@wmp.example.org.uk",
        columns={
            "source_record_id": "PERSON_URN",
            "last_name": "SURNAME",
            "first_name": "FORENAMES",
            "date_of_birth": "DOB",
            "gender": "SEX",
            "address": "HOME_ADDRESS",
            "postcode": "POSTCODE",
            "event_id": "OCCURRENCE_REF",
            "event_date": "OCCURRENCE_DATE",
            "event_type": "OCCURRENCE_TYPE",
        },
        dob_format="%d/%m/%Y",
        event_date_format="%d/%m/%Y",
        name_style="split",
        gender_out={"M": "M", "F": "F", "X": "X", "U": "U"},
        event_out={
            "domestic_abuse_incident": "DA",
            "missing_person": "MISPER",
            "concern_for_welfare": "CFW",
            "crime_victim": "VICTIM",
            "crime_suspect": "SUSPECT",
            "antisocial_behaviour": "ASB",
            "witness": "WITNESS",
            "road_traffic_collision": "RTC",
        },
        record_id="WM{n:08d}",
        event_id="20/{n:07d}/{y}",
        errors=_e(typo=0.04, transposition=0.02, dob_day_month_swap=0.03, dob_year_off=0.02,
                  dob_missing=0.03, name_swap=0.02, middle_folded=0.25, nickname=0.15,
                  postcode_format=0.10, address_abbrev=0.30, stale_address=0.30,
                  stale_surname=0.40, hyphen_variant=0.30, gender_unknown=0.01,
                  duplicate_record=0.02),
        upper_names=True,
        upper_address=True,
        ascii_only=True,
        record_start=4_100_000,
    ),
    Agency(
        code="CITY_ED",
        name="Birmingham City Hospital Emergency Department",
        kind="emergency_department",
        lead_name="Dr Priya Natarajan",
        lead_phone="0121 554 3801",
        lead_email="ed.safeguarding@cityhospital.example.nhs.uk",
        columns={
            "source_record_id": "MRN",
            "full_name": "PATIENT_NAME",
            "date_of_birth": "DATE_OF_BIRTH",
            "gender": "GENDER",
            "address": "ADDRESS",
            "postcode": "POST_CODE",
            "event_id": "ATTENDANCE_ID",
            "event_date": "ARRIVAL_DATETIME",
            "event_type": "ATTENDANCE_CATEGORY",
        },
        dob_format="%Y-%m-%d",
        event_date_format="%Y-%m-%d %H:%M",
        name_style="full_last_first_comma",
        gender_out={"M": "1", "F": "2", "X": "9", "U": "0"},
        event_out={
            "ed_attendance": "ATT",
            "injury": "INJ",
            "fall": "FALL",
            "self_harm": "DSH",
            "routine_appointment": "OPA",
        },
        record_id="RXK{n:07d}",
        event_id="AE{y}{n:07d}",
        errors=_e(typo=0.05, transposition=0.02, dob_day_month_swap=0.02, dob_year_off=0.02,
                  dob_missing=0.02, name_swap=0.01, middle_folded=0.10, nickname=0.20,
                  postcode_format=0.08, address_abbrev=0.35, stale_address=0.25,
                  stale_surname=0.30, hyphen_variant=0.25, gender_unknown=0.01,
                  duplicate_record=0.04),
        upper_names=False,
        record_start=2_300_000,
    ),
    Agency(
        code="CHILD_HOSP",
        name="Birmingham Children's Hospital",
        kind="childrens_hospital",
        lead_name="Nurse Consultant Helen Okafor",
        lead_phone="0121 333 9999",
        lead_email="safeguarding@bch.example.nhs.uk",
        columns={
            "source_record_id": "Hospital No",
            "first_name": "Child Forename",
            "last_name": "Child Surname",
            "date_of_birth": "Date of Birth",
            "gender": "Sex",
            "address": "Home Address",
            "postcode": "Postcode",
            "event_id": "Episode No",
            "event_date": "Episode Date",
            "event_type": "Episode Type",
        },
        dob_format="%d-%b-%Y",
        event_date_format="%d-%b-%Y",
        name_style="split",
        gender_out={"M": "Male", "F": "Female", "X": "Indeterminate", "U": "Not Known"},
        event_out={
            "ed_attendance": "ED",
            "injury": "ED-INJURY",
            "fall": "ED-FALL",
            "self_harm": "ED-SELFHARM",
            "routine_appointment": "OUTPATIENT",
        },
        record_id="BCH{n:06d}",
        event_id="EP{n:08d}",
        errors=_e(typo=0.03, transposition=0.02, dob_day_month_swap=0.01, dob_year_off=0.01,
                  dob_missing=0.005, name_swap=0.01, middle_folded=0.05, nickname=0.10,
                  postcode_format=0.05, address_abbrev=0.25, stale_address=0.20,
                  hyphen_variant=0.20, gender_unknown=0.005, duplicate_record=0.02),
        record_start=100_000,
    ),
    Agency(
        code="COMM_HEALTH",
        name="Birmingham Community Healthcare (Health Visiting and School Nursing)",
        kind="community_health",
        lead_name="Angela Brennan",
        lead_phone="0121 466 6000",
        lead_email="0-19.safeguarding@bchc.example.nhs.uk",
        columns={
            "source_record_id": "client_id",
            "first_name": "given_name",
            "middle_names": "middle_name",
            "last_name": "family_name",
            "date_of_birth": "dob",
            "gender": "gender",
            "address": "addr",
            "postcode": "pcode",
            "event_id": "contact_id",
            "event_date": "contact_date",
            "event_type": "contact_type",
        },
        dob_format="%d.%m.%Y",
        event_date_format="%d.%m.%Y",
        name_style="split",
        gender_out={"M": "M", "F": "F", "X": "I", "U": "NK"},
        event_out={
            "health_visit": "HV",
            "school_nurse_contact": "SN",
            "missed_appointment": "DNA",
        },
        record_id="CH-{n:07d}",
        event_id="C{n:09d}",
        errors=_e(typo=0.03, transposition=0.015, dob_day_month_swap=0.01, dob_year_off=0.01,
                  dob_missing=0.01, name_swap=0.005, middle_folded=0.02, nickname=0.05,
                  postcode_format=0.12, address_abbrev=0.40, stale_address=0.15,
                  hyphen_variant=0.15, gender_unknown=0.01, duplicate_record=0.01),
        record_start=500_000,
    ),
    Agency(
        code="SCHOOL_OAK",
        name="Oakfield Primary School",
        kind="school",
        lead_name="Mrs Rachel Adeyemi (Designated Safeguarding Lead)",
        lead_phone="0121 464 1234",
        lead_email="dsl@oakfield-primary.example.sch.uk",
        columns={
            "source_record_id": "UPN",
            "first_name": "Legal Forename",
            "middle_names": "Middle Name(s)",
            "last_name": "Legal Surname",
            "date_of_birth": "DOB",
            "gender": "Gender",
            "address": "Address",
            "postcode": "Postcode",
            "event_id": "Log ID",
            "event_date": "Log Date",
            "event_type": "Log Type",
        },
        dob_format="%d/%m/%Y",
        event_date_format="%d/%m/%Y",
        name_style="split",
        gender_out={"M": "M", "F": "F", "X": "X", "U": "U"},
        event_out={
            "attendance_concern": "ATTEND",
            "behaviour_incident": "BEHAV",
            "safeguarding_concern": "CP",
            "routine_contact": "GEN",
        },
        record_id="N33{n:010d}",
        event_id="OAK-{n:06d}",
        errors=_e(typo=0.02, transposition=0.01, dob_day_month_swap=0.01, dob_year_off=0.005,
                  dob_missing=0.0, name_swap=0.005, middle_folded=0.02, nickname=0.25,
                  postcode_format=0.05, address_abbrev=0.20, stale_address=0.10,
                  hyphen_variant=0.10, gender_unknown=0.0, duplicate_record=0.0),
        record_start=3_300_000,
    ),
    Agency(
        code="SCHOOL_ELM",
        name="Elmwood Academy (secondary)",
        kind="school",
        lead_name="Mr Daniel Kowalski (Designated Safeguarding Lead)",
        lead_phone="0121 464 5678",
        lead_email="safeguarding@elmwood-academy.example.sch.uk",
        columns={
            "source_record_id": "UPN",
            "last_name": "Surname",
            "first_name": "Forename",
            "date_of_birth": "Date Of Birth",
            "gender": "Sex",
            "address": "Home Address",
            "postcode": "Post Code",
            "event_id": "Incident No",
            "event_date": "Incident Date",
            "event_type": "Category",
        },
        dob_format="%d/%m/%Y",
        event_date_format="%d/%m/%Y",
        name_style="split",
        gender_out={"M": "Male", "F": "Female", "X": "Other", "U": "Unknown"},
        event_out={
            "attendance_concern": "Attendance",
            "behaviour_incident": "Behaviour",
            "safeguarding_concern": "Safeguarding",
            "routine_contact": "General",
        },
        record_id="K33{n:010d}",
        event_id="{n:07d}",
        errors=_e(typo=0.025, transposition=0.01, dob_day_month_swap=0.01, dob_year_off=0.005,
                  dob_missing=0.0, name_swap=0.01, middle_folded=0.10, nickname=0.30,
                  postcode_format=0.06, address_abbrev=0.25, stale_address=0.10,
                  hyphen_variant=0.15, gender_unknown=0.0, duplicate_record=0.0),
        delimiter="\t",
        record_start=7_700_000,
    ),
    Agency(
        code="CSC",
        name="Birmingham Children's Trust (Children's Social Care)",
        kind="childrens_social_care",
        lead_name="Marcus Reid (MASH Team Manager)",
        lead_phone="0121 303 1888",
        lead_email="mash@birminghamchildrenstrust.example.co.uk",
        columns={
            "source_record_id": "Person ID",
            "first_name": "First Name",
            "last_name": "Last Name",
            "date_of_birth": "DOB",
            "gender": "Gender",
            "address": "Current Address",
            "postcode": "Postcode",
            "event_id": "Work Item ID",
            "event_date": "Date",
            "event_type": "Work Type",
        },
        dob_format="%Y%m%d",
        event_date_format="%Y%m%d",
        name_style="split",
        gender_out={"M": "Male", "F": "Female", "X": "Other", "U": "Unknown"},
        event_out={"contact": "Contact", "referral": "Referral", "assessment": "C&F Assessment"},
        record_id="{n:07d}",
        event_id="WI{n:08d}",
        errors=_e(typo=0.02, transposition=0.01, dob_day_month_swap=0.01, dob_year_off=0.01,
                  dob_missing=0.02, name_swap=0.005, middle_folded=0.05, nickname=0.05,
                  postcode_format=0.04, address_abbrev=0.20, stale_address=0.10,
                  hyphen_variant=0.10, gender_unknown=0.01, duplicate_record=0.01),
        record_start=1_200_000,
    ),
    Agency(
        code="ASC",
        name="Birmingham City Council Adult Social Care",
        kind="adult_social_care",
        lead_name="Gillian Thornton (Safeguarding Adults Lead)",
        lead_phone="0121 303 1234",
        lead_email="asc.safeguarding@birmingham.example.gov.uk",
        columns={
            "source_record_id": "MOSAIC_ID",
            "full_name": "NAME",
            "date_of_birth": "DOB",
            "gender": "GENDER",
            "address": "ADDRESS",
            "postcode": "POSTCODE",
            "event_id": "STEP_ID",
            "event_date": "STEP_DATE",
            "event_type": "STEP_TYPE",
        },
        dob_format="%d/%m/%Y",
        event_date_format="%d/%m/%Y",
        name_style="full_last_first",
        gender_out={"M": "M", "F": "F", "X": "I", "U": "U"},
        event_out={"contact": "CONTACT", "referral": "S42 REFERRAL", "assessment": "CARE ACT ASSESS"},
        record_id="MOS{n:07d}",
        event_id="{n:08d}",
        errors=_e(typo=0.03, transposition=0.02, dob_day_month_swap=0.02, dob_year_off=0.02,
                  dob_missing=0.01, name_swap=0.01, middle_folded=0.30, nickname=0.10,
                  postcode_format=0.08, address_abbrev=0.35, stale_address=0.20,
                  stale_surname=0.30, hyphen_variant=0.30, gender_unknown=0.01,
                  duplicate_record=0.02),
        upper_names=False,
        record_start=3_000_000,
    ),
    Agency(
        code="CARE_PROV",
        name="Brightside Home Care Ltd",
        kind="care_provider",
        lead_name="Tom Harrington (Registered Manager)",
        lead_phone="0121 700 4422",
        lead_email="manager@brightside-care.example.co.uk",
        columns={
            "source_record_id": "ServiceUserRef",
            "first_name": "FirstName",
            "last_name": "LastName",
            "date_of_birth": "DateOfBirth",
            "gender": "Gender",
            "address": "AddressLine",
            "postcode": "ZipPostcode",
            "event_id": "VisitRef",
            "event_date": "VisitDate",
            "event_type": "VisitStatus",
        },
        dob_format="%m/%d/%Y",
        event_date_format="%m/%d/%Y",
        name_style="split",
        gender_out={"M": "Male", "F": "Female", "X": "Other", "U": "Unknown"},
        event_out={"care_visit": "Completed", "missed_visit": "Missed"},
        record_id="SU{n:05d}",
        event_id="V{n:08d}",
        errors=_e(typo=0.04, transposition=0.02, dob_day_month_swap=0.05, dob_year_off=0.02,
                  dob_missing=0.05, name_swap=0.01, middle_folded=0.05, nickname=0.20,
                  postcode_format=0.15, address_abbrev=0.30, stale_address=0.15,
                  stale_surname=0.20, hyphen_variant=0.20, gender_unknown=0.02,
                  duplicate_record=0.01),
        ascii_only=True,
        record_start=10_000,
    ),
    Agency(
        code="FIRE",
        name="West Midlands Fire Service",
        kind="fire_rescue",
        lead_name="Station Commander Lee Maddox",
        lead_phone="0121 380 6000",
        lead_email="safeandwell@wmfs.example.net",
        columns={
            "source_record_id": "HSC_REF",
            "full_name": "Occupier Name",
            "date_of_birth": "Occupier DOB",
            "gender": "M/F",
            "address": "Premises Address",
            "postcode": "Premises Postcode",
            "event_id": "Visit/Incident No",
            "event_date": "Date",
            "event_type": "Activity",
        },
        dob_format="%d %B %Y",
        event_date_format="%d %B %Y",
        name_style="full_first_last",
        gender_out={"M": "M", "F": "F", "X": "X", "U": "?"},
        event_out={"safe_and_well_visit": "Safe and Well", "fire_incident": "Incident"},
        record_id="HSC{n:06d}",
        event_id="WMF{n:07d}",
        errors=_e(typo=0.05, transposition=0.03, dob_day_month_swap=0.02, dob_year_off=0.03,
                  dob_missing=0.15, name_swap=0.01, middle_folded=0.10, nickname=0.25,
                  postcode_format=0.15, address_abbrev=0.40, stale_address=0.20,
                  stale_surname=0.30, hyphen_variant=0.30, gender_unknown=0.05,
                  duplicate_record=0.01),
        ascii_only=True,
        upper_address=True,
        record_start=200_000,
    ),
)

BY_CODE = {agency.code: agency for agency in AGENCIES}

# Canonical event types that are routine (most contacts) versus ones that carry concern.
ROUTINE_EVENT_TYPES = frozenset({
    "ed_attendance", "routine_appointment", "routine_contact", "health_visit",
    "school_nurse_contact", "contact", "care_visit", "safe_and_well_visit", "witness",
})
