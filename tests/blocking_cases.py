"""One pair of records per blocking key that shares that key and no other, so that a test
can show each rule finds its pair — in the batch run and in the graph's real-time lookup.
A rule added to ``aim.resolution.blocking.RULES`` without a case here fails the tests."""

from __future__ import annotations


def person(first: str, last: str, dob: str, address: str, postcode: str) -> dict:
    return {"first_name": first, "last_name": last, "date_of_birth": dob, "gender": "",
            "address": address, "postcode": postcode}


# key name → (record a, record b); a and b share exactly the keys named (a pair found
# through a rule's slots names both slots: a's given name is b's surname).
CASES: dict[tuple[str, ...], tuple[dict, dict]] = {
    ("dob_l",): (person("John", "Smith", "1980-03-12", "1 Oak Rd", "B1 1AA"),
                 person("Peter", "Stone", "1980-03-12", "9 Elm Way", "M1 1AA")),
    ("dob_f",): (person("John", "Smith", "1980-03-12", "1 Oak Rd", "B1 1AA"),
                 person("Jack", "Brown", "1980-03-12", "9 Elm Way", "M1 1AA")),
    ("names",): (person("John", "Smith", "1980-03-12", "1 Oak Rd", "B1 1AA"),
                 person("Jon", "Smyth", "1975-06-01", "9 Elm Way", "M1 1AA")),
    ("dob_i",): (person("John", "Smith", "1980-03-12", "1 Oak Rd", "B1 1AA"),
                 person("Sam", "Jones", "1980-03-12", "9 Elm Way", "M1 1AA")),
    ("dob_pc",): (person("John", "Smith", "1980-03-12", "1 Oak Rd", "B1 1AA"),
                  person("Peter", "Brown", "1980-03-12", "9 Elm Way", "B1 1AA")),
    ("pc_l",): (person("John", "Smith", "1980-03-12", "1 Oak Rd", "B1 1AA"),
                person("Paul", "Stone", "1990-07-01", "9 Elm Way", "B1 1AA")),
    ("pc_h",): (person("John", "Smith", "1980-03-12", "12 High St", "B1 1AA"),
                person("Paul", "Brown", "1990-07-01", "12 Low Rd", "B1 1AA")),
    ("ny_yob",): (person("John", "Smith", "1980-03-12", "1 Oak Rd", "B1 1AA"),
                  person("Paul", "Smith", "1980-07-01", "9 Elm Way", "M1 1AA")),
    ("street_f",): (person("John", "Smith", "1980-03-12", "12 High St", "B1 1AA"),
                    person("Jack", "Brown", "1990-07-01", "12 High Street", "M1 1AA")),
    ("street_l",): (person("John", "Smith", "1980-03-12", "12 High St", "B1 1AA"),
                    person("Paul", "Smyth", "1990-07-01", "12 High Street", "M1 1AA")),
    ("dob_h",): (person("John", "Smith", "1980-03-12", "12 High St", "B1 1AA"),
                 person("Peter", "Brown", "1980-03-12", "12 Low Rd", "M1 1AA")),
    ("dob_n_first", "dob_n_last"): (person("George", "Rees", "1976-06-29", "1 Oak Rd", "B1 1AA"),
                                    person("Hope", "George", "1976-06-29", "9 Elm Way", "M1 1AA")),
}
